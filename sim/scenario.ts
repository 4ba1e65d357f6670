import type { NodeCommand } from '../src/core/node-command.js';
import type { BuggifyConfig } from './sim-buggify.js';
import type { BalancerName } from './sim-node.js';
import type { LinkConfig } from './sim-link.js';
import type { WorkloadMix } from './workload.js';

/**
 * A timed fault or operator action. `at` is virtual milliseconds from the start of the run;
 * faults with a duration end by themselves, and every fault ends when the quiet phase begins.
 */
export type FaultCommand =
  | { at: number; kind: 'crash'; node: string }
  /** Crash, then start a fresh consumer with the same name after `downMs` (default 0). */
  | { at: number; kind: 'restart'; node: string; downMs?: number }
  /** Graceful shutdown. */
  | { at: number; kind: 'shutdown'; node: string }
  /** Start a node: a new one (scale out) or a stopped or crashed one again. */
  | { at: number; kind: 'start'; node: string }
  | { at: number; kind: 'partition'; node: string; durationMs: number; direction?: 'both' | 'to-store' | 'from-store' }
  /** Cut and heal the link repeatedly: `periodMs` cut, then `periodMs` up, for `durationMs`. */
  | { at: number; kind: 'flap'; node: string; durationMs: number; periodMs: number }
  /** Loss on one node's link, or on every link when `node` is absent. */
  | { at: number; kind: 'loss'; node?: string; durationMs: number; lossRate: number; replyLossRate: number }
  | { at: number; kind: 'pause'; node: string; durationMs: number }
  | { at: number; kind: 'clock-jump'; node: string; byMs: number }
  | { at: number; kind: 'clock-drift'; node: string; rate: number }
  | { at: number; kind: 'store-restart' }
  | { at: number; kind: 'store-unavailable'; durationMs: number }
  /** Compacts the store at its current revision. */
  | { at: number; kind: 'compact' }
  | { at: number; kind: 'command'; node: string; command: NodeCommand }
  /**
   * An operator task command for the state machine, written through the client. `untilMs`, for
   * `sleep` only, is the wake-up time in virtual milliseconds from the start of the run; default
   * 60,000 after `at`.
   */
  | { at: number; kind: 'task-command'; task: string; command: TaskCommandName; untilMs?: number };

/** The task commands an operator can send in a scenario. */
export const TASK_COMMAND_NAMES = ['run', 'pause', 'kill', 'checkpoint', 'release', 'sleep'] as const;
export type TaskCommandName = (typeof TASK_COMMAND_NAMES)[number];

/** When tasks are submitted: `count` tasks named `<prefix><n>` at `at`. */
export interface Submission {
  at: number;
  count: number;
  prefix?: string;
}

/** A whole simulated run, as data. */
export interface Scenario {
  name: string;
  description: string;
  /** Nodes started at time 0, named n1..nN. */
  nodes: number;
  leaseTtlSeconds: number;
  balancer: BalancerName;
  balanceEveryMs: number;
  /** Graceful shutdown timeout of every node, in milliseconds. Default 10,000. */
  shutdownTimeoutMs?: number;
  link?: Partial<LinkConfig>;
  workload: WorkloadMix;
  submissions: Submission[];
  faults: FaultCommand[];
  /** Length of the fault phase, in milliseconds. */
  faultPhaseMs: number;
  /**
   * Length of the quiet phase, in milliseconds. Default: TTL + 2 balance periods + 30 s of slack,
   * the time the liveness checks allow the cluster to settle.
   */
  quietPhaseMs?: number;
  /** Invariants that physics lets break in this scenario; see the single-runner checker. */
  expectedToBreak?: string[];
  /** Delays and failures injected at the runtime's buggify points. Default: none. */
  buggify?: BuggifyConfig;
}
