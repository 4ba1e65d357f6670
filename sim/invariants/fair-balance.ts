import type { HistoryEvent } from '../history.js';
import { activeNodes, lastFinalState, MISSING_FINAL_STATE, ownedCounts } from './final-state.js';
import type { CheckContext, Verdict } from './verdict.js';
import { verdictOfMessages } from './verdict.js';

export const FAIR_BALANCE = 'fair-balance';

/**
 * fair-balance, checked only for the fair balancer: at the last `final-state`, each live node owns
 * at most ceil(T * fairThresholdPercent / (100 * N)) tasks. N counts the live nodes that are not
 * shutting down and T the tasks in `owners`, owned or not. The bound is the maximum the fair
 * balancer lets a node keep at a balance. Other balancers promise no spread, so the invariant
 * holds for them without a check. With N = 0 no node is bound.
 */
export function checkFairBalance(history: HistoryEvent[], context: CheckContext): Verdict {
  if (context.balancer !== 'fair') return verdictOfMessages(FAIR_BALANCE, [], context);
  const finalState = lastFinalState(history);
  if (finalState === undefined) return verdictOfMessages(FAIR_BALANCE, [MISSING_FINAL_STATE], context);

  const active = activeNodes(history, finalState);
  const totalTasks = Object.keys(finalState.event.owners).length;
  if (active.length === 0) return verdictOfMessages(FAIR_BALANCE, [], context);

  const limit = fairLimit(totalTasks, active.length, context.fairThresholdPercent);
  const counts = ownedCounts(finalState);
  const violations: string[] = [];
  for (const node of [...finalState.event.liveNodes].sort()) {
    const owned = counts.get(node) ?? 0;
    if (owned <= limit) continue;
    violations.push(
      `${node} owns ${owned} tasks at final-state (${finalState.event.t} ms), more than ` +
        `ceil(${totalTasks} * ${context.fairThresholdPercent} / (100 * ${active.length})) = ${limit} ` +
        `(T = ${totalTasks} tasks, N = ${active.length} active nodes: ${active.join(', ')})`,
    );
  }
  return verdictOfMessages(FAIR_BALANCE, violations, context);
}

/** ceil(totalTasks * thresholdPercent / (100 * nodes)) in integer arithmetic; `nodes` > 0. */
export function fairLimit(totalTasks: number, nodes: number, thresholdPercent: number): number {
  const divisor = 100 * nodes;
  return Math.floor((totalTasks * thresholdPercent + divisor - 1) / divisor);
}
