import fc from 'fast-check';

import type { NodeCommand } from '../../src/core/node-command.js';
import type { FaultCommand } from '../scenario.js';
import { TASK_COMMAND_NAMES } from '../scenario.js';

export type FaultKind = FaultCommand['kind'];

/** Every fault kind a generated run may enable, in the order swarm subsets shrink toward. */
export const FAULT_KINDS: readonly FaultKind[] = [
  'crash',
  'restart',
  'shutdown',
  'start',
  'partition',
  'flap',
  'loss',
  'pause',
  'clock-jump',
  'clock-drift',
  'store-restart',
  'store-unavailable',
  'compact',
  'command',
  'task-command',
];

/** Kinds that take a node out of the cluster or bring one in; the closing faults restart their nodes. */
export const LIFECYCLE_KINDS: readonly FaultKind[] = ['crash', 'restart', 'shutdown', 'start'];

/**
 * A fault before it is placed in a run: a kind and a few numbers in [0, 999] that the frame turns into
 * times, names and rates. Every number shrinks toward 0, which means earlier, shorter and milder,
 * and the node toward n1.
 */
export interface FaultBlueprint {
  kind: FaultKind;
  /** Start time, in thousandths of the active window. */
  atPermille: number;
  /** Node index, taken modulo the node pool. */
  node: number;
  a: number;
  b: number;
  c: number;
  /** Asks for a pause longer than the safety margin; honoured only when the run allows physics breaks. */
  long: boolean;
}

const permille = fc.integer({ min: 0, max: 999 });

export const faultBlueprintArbitrary: fc.Arbitrary<FaultBlueprint> = fc.record({
  kind: fc.constantFrom(...FAULT_KINDS),
  atPermille: permille,
  node: fc.integer({ min: 0, max: 8 }),
  a: permille,
  b: permille,
  c: permille,
  long: fc.boolean(),
});

/** The facts of a run that turn a blueprint into a `FaultCommand`. */
export interface Frame {
  /** Nodes started at time 0, n1..nN. */
  nodes: number;
  leaseTtlMs: number;
  /** The lease safety margin, in milliseconds; pauses stay below it unless `physics`. */
  marginMs: number;
  /** Faults start in [0, activeMs) and end by `activeMs`. */
  activeMs: number;
  /** Number of tasks the run submits, named t1..tN. */
  tasks: number;
  /** True when the run may contain pauses longer than the margin. */
  physics: boolean;
}

/** Highest node number a generated run names; `start` may add up to two nodes beyond the first ones. */
export const MAX_NODES = 9;

/** Turns a blueprint into a fault of the run described by `frame`. */
export function faultOf(blueprint: FaultBlueprint, frame: Frame): FaultCommand {
  const { a, b, c } = blueprint;
  const at = roundTo(100, (frame.activeMs * blueprint.atPermille) / 1000);
  const left = Math.max(1, frame.activeMs - at);
  const node = nodeName(blueprint.node % frame.nodes);
  const durationMs = (minMs: number, spanMs: number, share: number): number =>
    Math.min(left, Math.max(1, roundTo(10, minMs + (spanMs * share) / 1000)));
  switch (blueprint.kind) {
    case 'crash':
    case 'shutdown':
    case 'store-restart':
    case 'compact':
      return blueprint.kind === 'crash' || blueprint.kind === 'shutdown'
        ? { at, kind: blueprint.kind, node }
        : { at, kind: blueprint.kind };
    case 'restart':
      return { at, kind: 'restart', node, downMs: Math.min(left, roundTo(100, 30 * a)) };
    case 'start':
      return { at, kind: 'start', node: nodeName(blueprint.node % Math.min(MAX_NODES, frame.nodes + 2)) };
    case 'partition':
      return { at, kind: 'partition', node, durationMs: durationMs(500, 2 * frame.leaseTtlMs + 10_000, a), direction: DIRECTIONS[b % 3]! };
    case 'flap':
      return { at, kind: 'flap', node, durationMs: durationMs(2_000, 60_000, a), periodMs: 200 + roundTo(10, 5 * b) };
    case 'loss':
      return lossOf(at, c % 2 === 0 ? node : undefined, durationMs(1_000, 40_000, a), b, c);
    case 'pause':
      return { at, kind: 'pause', node, durationMs: pauseMs(blueprint, frame, left) };
    case 'clock-jump':
      return { at, kind: 'clock-jump', node, byMs: roundTo(100, ((a - 500) * 60_000) / 500) };
    case 'clock-drift':
      return { at, kind: 'clock-drift', node, rate: driftRate(a) };
    case 'store-unavailable':
      return { at, kind: 'store-unavailable', durationMs: durationMs(100, 10_000, a) };
    case 'command':
      return { at, kind: 'command', node, command: commandOf(a, b, frame.tasks) };
    case 'task-command':
      return taskCommandOf(at, a, b, c, frame.tasks);
  }
}

const DIRECTIONS = ['both', 'to-store', 'from-store'] as const;

function lossOf(at: number, node: string | undefined, durationMs: number, b: number, c: number): FaultCommand {
  const lossRate = roundTo(1, (b * 300) / 1000) / 1000;
  const replyLossRate = roundTo(1, (c * 500) / 1000) / 1000;
  return node === undefined
    ? { at, kind: 'loss', durationMs, lossRate, replyLossRate }
    : { at, kind: 'loss', node, durationMs, lossRate, replyLossRate };
}

/**
 * Drift stays within 3%, so a slow clock moves the watchdog's deadline from 75% of the TTL to at
 * most 77.4% of it and leaves more than `SAFE_SHARE` of the margin for pauses and slow stops.
 */
export const MAX_DRIFT = 0.03;

/** Share of the safety margin that generated pauses and stubborn stops stay below. */
export const SAFE_SHARE = 0.8;

function driftRate(share: number): number {
  return 1 + Math.round(((share - 500) * MAX_DRIFT * 10_000) / 500) / 10_000;
}

/**
 * A pause shorter than the usable margin cannot let the lease expire under a running handler, so
 * it must not break single-runner. A long one, from just above the margin to two TTLs more, may.
 */
function pauseMs(blueprint: FaultBlueprint, frame: Frame, left: number): number {
  if (blueprint.long && frame.physics) {
    return Math.min(left, frame.marginMs + 1 + Math.floor((2 * frame.leaseTtlMs * blueprint.b) / 1000));
  }
  const usableMs = Math.floor(frame.marginMs * SAFE_SHARE);
  return Math.min(left, Math.max(1, Math.floor((usableMs * (blueprint.b + 1)) / 1000)));
}

const COMMANDS = ['freeze', 'unfreeze', 'balance', 'stop_task'] as const;

function commandOf(a: number, b: number, tasks: number): NodeCommand {
  const name = COMMANDS[a % COMMANDS.length]!;
  if (name === 'stop_task') return { command: name, parameters: { task: `t${1 + (b % Math.max(1, tasks))}` } };
  return { command: name };
}

/** Builds a task command for one of the run's tasks; a sleep lasts up to 60 s. */
function taskCommandOf(at: number, a: number, b: number, c: number, tasks: number): FaultCommand {
  const command = TASK_COMMAND_NAMES[a % TASK_COMMAND_NAMES.length]!;
  const task = `t${1 + (b % Math.max(1, tasks))}`;
  if (command !== 'sleep') return { at, kind: 'task-command', task, command };
  return { at, kind: 'task-command', task, command, untilMs: at + roundTo(100, 60 * c) };
}

/** `n1` for index 0. */
export function nodeName(index: number): string {
  return `n${index + 1}`;
}

function roundTo(step: number, value: number): number {
  return Math.round(value / step) * step;
}
