import type { HistoryEvent } from '../history.js';
import type { FinalState } from './final-state.js';
import { lastFinalState, MISSING_FINAL_STATE, taskLives } from './final-state.js';
import type { CheckContext, Verdict } from './verdict.js';
import { verdictOfMessages } from './verdict.js';

export const DONE_IS_FINAL = 'done-is-final';

/**
 * done-is-final: after a `done` for a task, no later `claim` or `handler-start` of that task
 * comes, unless a later `submit` of the task came first. And only done tasks vanish: at the last
 * `final-state`, every task whose latest submit has no `done` after it is a key of `owners`. A
 * history without a `final-state` breaks the invariant, because the second half cannot be checked.
 */
export function checkDoneIsFinal(history: HistoryEvent[], context: CheckContext): Verdict {
  const violations = runsAfterDone(history);
  const finalState = lastFinalState(history);
  if (finalState === undefined) violations.push(MISSING_FINAL_STATE);
  else violations.push(...vanishedTasks(history, finalState));
  return verdictOfMessages(DONE_IS_FINAL, violations, context);
}

function runsAfterDone(history: readonly HistoryEvent[]): string[] {
  const doneBy = new Map<string, { node: string; t: number }>();
  const violations: string[] = [];
  for (const event of history) {
    switch (event.type) {
      case 'submit':
        doneBy.delete(event.task);
        break;
      case 'done':
        if (!doneBy.has(event.task)) doneBy.set(event.task, { node: event.node, t: event.t });
        break;
      case 'claim':
      case 'handler-start': {
        const done = doneBy.get(event.task);
        if (done === undefined) break;
        const action = event.type === 'claim' ? `claimed by ${event.node}` : `started on ${event.node}`;
        violations.push(
          `task ${event.task} was ${action} at ${event.t} ms after ${done.node} marked it done ` +
            `at ${done.t} ms, with no new submit in between`,
        );
        break;
      }
      default:
        break;
    }
  }
  return violations;
}

function vanishedTasks(history: readonly HistoryEvent[], finalState: FinalState): string[] {
  const { owners, t } = finalState.event;
  const violations: string[] = [];
  for (const life of taskLives(history, finalState.seq).values()) {
    if (life.done !== null || life.finishedBeforeCrash || life.submittedAt === null || Object.hasOwn(owners, life.task)) continue;
    violations.push(
      `task ${life.task} vanished: it was submitted at ${life.submittedAt} ms and never done, ` +
        `but is not in owners at final-state (${t} ms)`,
    );
  }
  return violations;
}
