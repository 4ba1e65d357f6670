import type { HistoryEvent } from '../history.js';

/**
 * A point in the history: `t` is the virtual time, `seq` the event's index. Events recorded at the
 * same virtual ms still happened in their recorded order, so ordering uses `seq`.
 */
export interface Instant {
  t: number;
  seq: number;
}

/** One handler run of one task on one node. */
export interface HandlerRun {
  task: string;
  node: string;
  token: number;
  start: Instant;
  /** The `handler-end` or `node-crash` that ended the run; null while it still ran at the end. */
  end: Instant | null;
  endedBy: 'handler-end' | 'node-crash' | null;
  /** The first `handler-stop-requested` of this run, if any. */
  stopRequest: { t: number; reason: string } | null;
}

/**
 * Pairs every `handler-start` with the `handler-end` of the same node and task, or with the
 * node's `node-crash` when that comes first. When a node has two open runs of one task, which
 * the runtime never does, ends close them oldest first. Returns the runs in start order.
 */
export function handlerRuns(history: readonly HistoryEvent[]): HandlerRun[] {
  const runs: HandlerRun[] = [];
  const open = new Map<string, HandlerRun[]>();
  history.forEach((event, seq) => {
    const at: Instant = { t: event.t, seq };
    switch (event.type) {
      case 'handler-start': {
        const { task, node, token } = event;
        const run: HandlerRun = { task, node, token, start: at, end: null, endedBy: null, stopRequest: null };
        runs.push(run);
        const key = nodeTaskKey(event.node, event.task);
        open.set(key, [...(open.get(key) ?? []), run]);
        break;
      }
      case 'handler-stop-requested': {
        const run = open.get(nodeTaskKey(event.node, event.task))?.[0];
        if (run !== undefined && run.stopRequest === null) run.stopRequest = { t: event.t, reason: event.reason };
        break;
      }
      case 'handler-end': {
        const run = open.get(nodeTaskKey(event.node, event.task))?.shift();
        if (run !== undefined) close(run, at, 'handler-end');
        break;
      }
      case 'node-crash':
        closeNode(open, event.node, at);
        break;
      default:
        break;
    }
  });
  return runs;
}

/** Runs of `node` that had started before `seq` and had not ended by it. */
export function runsOpenAt(runs: readonly HandlerRun[], node: string, seq: number): HandlerRun[] {
  return runs.filter((run) => run.node === node && run.start.seq < seq && (run.end === null || run.end.seq > seq));
}

/** Returns the latest virtual time in the history, or 0 for an empty history. */
export function historyEndsAt(history: readonly HistoryEvent[]): number {
  let last = 0;
  for (const event of history) last = Math.max(last, event.t);
  return last;
}

/** Formats a run as `n1 [12000, 15500]`, `n1 [12000, 15500 crash]` or `n1 [12000, ...]`. */
export function formatRun(run: HandlerRun): string {
  if (run.end === null) return `${run.node} [${run.start.t}, ...]`;
  const crash = run.endedBy === 'node-crash' ? ' crash' : '';
  return `${run.node} [${run.start.t}, ${run.end.t}${crash}]`;
}

function close(run: HandlerRun, at: Instant, endedBy: 'handler-end' | 'node-crash'): void {
  run.end = at;
  run.endedBy = endedBy;
}

function closeNode(open: Map<string, HandlerRun[]>, node: string, at: Instant): void {
  for (const [key, runs] of open) {
    if (runs[0]?.node !== node) continue;
    for (const run of runs) close(run, at, 'node-crash');
    open.delete(key);
  }
}

/** Builds a map key for one node and one task. Valid names never contain U+0000. */
export function nodeTaskKey(node: string, task: string): string {
  return `${node}\u0000${task}`;
}
