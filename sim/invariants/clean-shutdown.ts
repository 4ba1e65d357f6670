import type { HistoryEvent } from '../history.js';
import type { HandlerRun, Instant } from './handler-runs.js';
import { handlerRuns, historyEndsAt, runsOpenAt } from './handler-runs.js';
import { NodeAvailability } from './node-availability.js';
import type { CheckContext, Verdict } from './verdict.js';
import { verdictOfMessages } from './verdict.js';

export const CLEAN_SHUTDOWN = 'clean-shutdown';

/** A released task is owed a new owner this many ms after the release: 2 s hand-over, 1 s network. */
export const HAND_OVER_MS = 3_000;

interface Shutdown {
  node: string;
  stopping: Instant;
  stop: Instant;
}

/** Inputs shared by the checks of one history. */
interface Scope {
  history: readonly HistoryEvent[];
  availability: NodeAvailability;
  /** Virtual ms of the history's last event. */
  lastEventAt: number;
  /** See `CheckContext.injectedDelayMs`. */
  injectedDelayMs: number;
}

/**
 * clean-shutdown: for each `node-stopping` followed by a `node-stop` of that node, with no
 * `node-start` or `node-crash` of it in between, every task the node ran at `node-stopping` gets
 * a `release` or a `done` by that node before its `node-stop`. Each task so released that still
 * exists is claimed by another node within HAND_OVER_MS after the release, plus twice the delay
 * buggify may inject at one point. A claim by another
 * node after the run began counts too, because a lost claim can move before the release.
 *
 * The hand-over is owed only when physics allows it. Some other node must have stayed live, not
 * shutting down, not frozen and free of faults over the whole hand-over span. No store-wide fault
 * may touch that span, no node may crash in it, and the history must reach the end of it. A node
 * that crashes may have claimed the task without living to report it, and then holds it until its
 * lease expires; until then, a fair balancer may also yield the task to it.
 */
export function checkCleanShutdown(history: HistoryEvent[], context: CheckContext): Verdict {
  const runs = handlerRuns(history);
  const scope: Scope = {
    history,
    availability: new NodeAvailability(history),
    lastEventAt: historyEndsAt(history),
    injectedDelayMs: context.injectedDelayMs ?? 0,
  };
  const violations: string[] = [];
  for (const shutdown of gracefulShutdowns(history)) {
    for (const run of runsOpenAt(runs, shutdown.node, shutdown.stopping.seq)) {
      const problem = checkRun(scope, shutdown, run);
      if (problem !== undefined) violations.push(problem);
    }
  }
  return verdictOfMessages(CLEAN_SHUTDOWN, violations, context);
}

/** Pairs each `node-stop` with the first `node-stopping` of the same incarnation. */
function gracefulShutdowns(history: readonly HistoryEvent[]): Shutdown[] {
  const stoppingSince = new Map<string, Instant>();
  const shutdowns: Shutdown[] = [];
  history.forEach((event, seq) => {
    if (event.type === 'node-start' || event.type === 'node-crash') stoppingSince.delete(event.node);
    if (event.type === 'node-stopping' && !stoppingSince.has(event.node)) {
      stoppingSince.set(event.node, { t: event.t, seq });
    }
    if (event.type !== 'node-stop') return;
    const stopping = stoppingSince.get(event.node);
    stoppingSince.delete(event.node);
    if (stopping !== undefined) shutdowns.push({ node: event.node, stopping, stop: { t: event.t, seq } });
  });
  return shutdowns;
}

function checkRun(scope: Scope, shutdown: Shutdown, run: HandlerRun): string | undefined {
  const { node, stopping, stop } = shutdown;
  const seq = scope.history.findIndex(
    (event, index) =>
      index > stopping.seq &&
      index < stop.seq &&
      (event.type === 'release' || event.type === 'done') &&
      event.node === node &&
      event.task === run.task,
  );
  const ending = scope.history[seq];
  if (ending === undefined) {
    return (
      `${node} stopped at ${stop.t} ms without releasing task ${run.task}, ` +
      `which it ran when its shutdown began at ${stopping.t} ms`
    );
  }
  if (ending.type === 'done' || !taskExistsAt(scope.history, run.task, seq)) return undefined;
  return checkHandOver(scope, shutdown, run, { t: ending.t, seq });
}

function checkHandOver(scope: Scope, shutdown: Shutdown, run: HandlerRun, release: Instant): string | undefined {
  const deadline = release.t + HAND_OVER_MS + 2 * scope.injectedDelayMs;
  const claimed = scope.history.some(
    (event, index) =>
      event.type === 'claim' &&
      event.task === run.task &&
      event.node !== shutdown.node &&
      index > run.start.seq &&
      event.t <= deadline,
  );
  if (claimed || scope.lastEventAt < deadline) return undefined;
  if (scope.availability.storeFaultTouches(release.t, deadline)) return undefined;
  if (nodeCrashedWithin(scope.history, release.t, deadline)) return undefined;
  const candidates = scope.availability
    .claimableThroughout(release.t, deadline)
    .filter((node) => node !== shutdown.node);
  if (candidates.length === 0) return undefined;
  return (
    `task ${run.task}, released by ${shutdown.node} at ${release.t} ms during its shutdown, ` +
    `was not claimed by another node by ${deadline} ms, although ${candidates.join(', ')} could claim it`
  );
}

/** True when some node crashed in the span (from, to]. */
function nodeCrashedWithin(history: readonly HistoryEvent[], from: number, to: number): boolean {
  return history.some((event) => event.type === 'node-crash' && event.t > from && event.t <= to);
}

/** True when the task's latest `submit` or `done` before index `seq` is not a `done`. */
function taskExistsAt(history: readonly HistoryEvent[], task: string, seq: number): boolean {
  for (let index = seq - 1; index >= 0; index--) {
    const event = history[index];
    if (event?.type === 'done' && event.task === task) return false;
    if (event?.type === 'submit' && event.task === task) return true;
  }
  return true;
}
