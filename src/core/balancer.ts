import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import type { Random } from '../runtime/random.js';
import type { Task } from './task.js';

/** A task running on this node. */
export interface RunningTask {
  readonly task: Task;
  /** When the run started, in the node's clock milliseconds. */
  readonly startedAt: number;
}

/** Per-node task counts of the live cluster. */
export interface ClusterState {
  /**
   * Maps every live node that is not shutting down to the number of tasks it owns. Tasks owned by
   * a node that is shutting down are counted under that node's name but the node is left out of
   * `activeNodes`.
   */
  nodeTaskCounts(): Promise<{ counts: Map<string, number>; activeNodes: string[] }>;
}

/** What a balancer can see of its node and cluster. */
export interface BalancerContext {
  readonly node: string;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly cluster: ClusterState;
  /** Tasks running on this node now. */
  runningTasks(): RunningTask[];
}

/** `retryAt` is a time on the node's clock, in milliseconds, when the task may be offered again. */
export type ClaimDecision = { claim: true } | { claim: false; retryAt: number };

/** Decides which tasks this node claims and which it gives back. */
export interface Balancer {
  init(context: BalancerContext): void;

  /** Decides whether to claim `task` now. A rejection is asked again only after `retryAt`. */
  canClaim(task: Task): ClaimDecision;

  /** Returns the ids of running tasks to release; called once every balance period. */
  balance(): Promise<string[]>;
}
