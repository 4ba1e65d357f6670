import { isTerminal } from '../../src/statemachine/task-state.js';
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
 * Under the state machine, a task that reached a terminal state never runs again, even after a new
 * submit, because its stored state outlives it. So no later `transition` of the task comes, and no
 * later `effect` from a claim newer than the one that stored the terminal state.
 */
export function checkDoneIsFinal(history: HistoryEvent[], context: CheckContext): Verdict {
  const violations = [...runsAfterDone(history), ...runsAfterTerminal(history)];
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

function runsAfterTerminal(history: readonly HistoryEvent[]): string[] {
  const tokenOf = new Map<string, number>();
  const ended = new Map<string, { node: string; t: number; state: string; token: number }>();
  const violations: string[] = [];
  for (const event of history) {
    if (event.type === 'handler-start') tokenOf.set(`${event.node}/${event.task}`, event.token);
    if (event.type !== 'transition' && event.type !== 'effect') continue;
    const terminal = ended.get(event.task);
    if (terminal !== undefined) {
      const stale = event.type === 'effect' && event.token <= terminal.token;
      if (!stale) violations.push(`task ${event.task} ${activity(event)} at ${event.t} ms after ${terminal.node} stored ${terminal.state} at ${terminal.t} ms`);
      continue;
    }
    if (event.type === 'transition' && isTerminal(event.to)) {
      const token = tokenOf.get(`${event.node}/${event.task}`) ?? 0;
      ended.set(event.task, { node: event.node, t: event.t, state: event.to, token });
    }
  }
  return violations;
}

function activity(event: Extract<HistoryEvent, { type: 'transition' | 'effect' }>): string {
  if (event.type === 'effect') return `wrote an effect on ${event.node} with token ${event.token}`;
  return `moved ${event.from ?? 'from no state'} --${event.message}--> ${event.to} on ${event.node}`;
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
