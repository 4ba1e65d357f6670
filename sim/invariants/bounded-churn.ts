import type { HistoryEvent } from '../history.js';
import { activeNodes, lastFinalState, MISSING_FINAL_STATE } from './final-state.js';
import { nodeTaskKey } from './handler-runs.js';
import type { CheckContext, Verdict } from './verdict.js';
import { formatSpan, verdictOfMessages } from './verdict.js';

export const BOUNDED_CHURN = 'bounded-churn';

/** Maximum number of moves of one task between nodes once the cluster settled. */
export const MAX_MOVES_PER_TASK = 2;

interface Move {
  from: string;
  to: string;
  t: number;
}

/**
 * bounded-churn: once the quiet phase has settled, from `quietStartsAt + leaseTtlMs +
 * balanceEveryMs` to `endsAt` (both inclusive), two bounds hold.
 * - Balance releases stay at most max(1, ceil(T / N)) in each balance period. A balance release
 *   is a `release` whose run got a `handler-stop-requested` with reason 'balance'. The periods
 *   tile the span from its start, `balanceEveryMs` each. T and N are the tasks in `owners` and
 *   the live nodes not shutting down at the last `final-state`.
 * - No task moves between nodes more than twice. A move is a `claim` by another node than the
 *   previous claim's, and claims before the span count as previous claims. A `done` ends the
 *   chain, so a resubmitted task starts afresh.
 * When the span is empty nothing is checked. `balanceEveryMs` must be positive.
 */
export function checkBoundedChurn(history: HistoryEvent[], context: CheckContext): Verdict {
  const settledAt = context.quietStartsAt + context.leaseTtlMs + context.balanceEveryMs;
  if (settledAt > context.endsAt) return verdictOfMessages(BOUNDED_CHURN, [], context);
  const finalState = lastFinalState(history);
  if (finalState === undefined) return verdictOfMessages(BOUNDED_CHURN, [MISSING_FINAL_STATE], context);

  const totalTasks = Object.keys(finalState.event.owners).length;
  const nodes = Math.max(1, activeNodes(history, finalState).length);
  const limit = Math.max(1, Math.ceil(totalTasks / nodes));
  const inSpan = (t: number): boolean => t >= settledAt && t <= context.endsAt;

  const violations: string[] = [];
  for (const [period, releases] of balanceReleasesByPeriod(history, inSpan, settledAt, context.balanceEveryMs)) {
    if (releases.length <= limit) continue;
    const from = settledAt + period * context.balanceEveryMs;
    const to = Math.min(from + context.balanceEveryMs, context.endsAt);
    violations.push(
      `${releases.length} balance releases in ${formatSpan(from, to)}, more than ` +
        `max(1, ceil(${totalTasks} / ${nodes})) = ${limit} per balance period: ${releases.join(', ')}`,
    );
  }
  for (const [task, moves] of movesByTask(history, inSpan)) {
    if (moves.length <= MAX_MOVES_PER_TASK) continue;
    const list = moves.map((move) => `${move.from} -> ${move.to} at ${move.t} ms`).join(', ');
    violations.push(
      `task ${task} moved ${moves.length} times in ${formatSpan(settledAt, context.endsAt)}, ` +
        `more than ${MAX_MOVES_PER_TASK}: ${list}`,
    );
  }
  return verdictOfMessages(BOUNDED_CHURN, violations, context);
}

/** Balance releases in the span, as `n1 released t1 at 71000 ms`, grouped by period index. */
function balanceReleasesByPeriod(
  history: readonly HistoryEvent[],
  inSpan: (t: number) => boolean,
  settledAt: number,
  periodMs: number,
): Map<number, string[]> {
  const stopReasons = new Map<string, string>();
  const periods = new Map<number, string[]>();
  for (const event of history) {
    if (event.type === 'handler-start') stopReasons.delete(nodeTaskKey(event.node, event.task));
    if (event.type === 'handler-stop-requested') stopReasons.set(nodeTaskKey(event.node, event.task), event.reason);
    if (event.type !== 'release' || !inSpan(event.t)) continue;
    if (stopReasons.get(nodeTaskKey(event.node, event.task)) !== 'balance') continue;
    const period = Math.floor((event.t - settledAt) / periodMs);
    periods.set(period, [...(periods.get(period) ?? []), `${event.node} released ${event.task} at ${event.t} ms`]);
  }
  return new Map([...periods].sort(([a], [b]) => a - b));
}

/** Moves whose claim lies in the span, per task in the order the tasks first moved. */
function movesByTask(history: readonly HistoryEvent[], inSpan: (t: number) => boolean): Map<string, Move[]> {
  const lastClaimer = new Map<string, string>();
  const moves = new Map<string, Move[]>();
  for (const event of history) {
    if (event.type === 'done') lastClaimer.delete(event.task);
    if (event.type !== 'claim') continue;
    const previous = lastClaimer.get(event.task);
    lastClaimer.set(event.task, event.node);
    if (previous === undefined || previous === event.node || !inSpan(event.t)) continue;
    moves.set(event.task, [...(moves.get(event.task) ?? []), { from: previous, to: event.node, t: event.t }]);
  }
  return moves;
}
