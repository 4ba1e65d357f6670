import type { HistoryEvent } from '../history.js';
import type { FinalState, TaskLife } from './final-state.js';
import { lastFinalState, MISSING_FINAL_STATE, taskLives } from './final-state.js';
import type { CheckContext, Verdict } from './verdict.js';
import { verdictOfMessages } from './verdict.js';

export const NO_LOST_TASK = 'no-lost-task';

/**
 * no-lost-task: at the last `final-state`, every task whose latest submit has no `done` after it
 * is owned by a live node (its owner is in `liveNodes`) and a handler for it runs on that node
 * (`running[owner]` contains it). No task runs on two nodes, and every task that was done is
 * absent from `owners`. A history without a `final-state` breaks the invariant, because there is
 * nothing to check.
 */
export function checkNoLostTask(history: HistoryEvent[], context: CheckContext): Verdict {
  const finalState = lastFinalState(history);
  if (finalState === undefined) return verdictOfMessages(NO_LOST_TASK, [MISSING_FINAL_STATE], context);

  const violations: string[] = [];
  for (const life of taskLives(history, finalState.seq).values()) {
    const problem = life.done === null ? unrunProblem(life, finalState) : leftoverProblem(life, finalState);
    if (problem !== undefined) violations.push(problem);
  }
  violations.push(...doubleRuns(finalState));
  return verdictOfMessages(NO_LOST_TASK, violations, context);
}

/** Returns why a task that is not done does not run on its one live owner, or undefined when it does. */
function unrunProblem(life: TaskLife, finalState: FinalState): string | undefined {
  const { owners, liveNodes, running, t } = finalState.event;
  const task = life.task;
  if (!Object.hasOwn(owners, task)) {
    if (life.finishedBeforeCrash) return undefined;
    return `task ${task} is not done but is gone from owners at final-state (${t} ms)`;
  }
  const owner = owners[task] ?? null;
  if (owner === null) return `task ${task} is not done but has no owner at final-state (${t} ms)`;
  if (!liveNodes.includes(owner)) {
    const live = liveNodes.length === 0 ? 'none' : [...liveNodes].sort().join(', ');
    return `task ${task} is owned by ${owner} at final-state (${t} ms), but ${owner} is not live (live: ${live})`;
  }
  if (!(running[owner] ?? []).includes(task)) {
    return `task ${task} is owned by ${owner} at final-state (${t} ms), but no handler for it runs on ${owner}`;
  }
  return undefined;
}

/** Returns why a task that was done is still in owners, or undefined when it is gone. */
function leftoverProblem(life: TaskLife, finalState: FinalState): string | undefined {
  const { owners, t } = finalState.event;
  if (life.done === null || !Object.hasOwn(owners, life.task)) return undefined;
  const owner = owners[life.task] ?? 'no owner';
  return (
    `task ${life.task} was done by ${life.done.node} at ${life.done.t} ms, ` +
    `but is still in owners at final-state (${t} ms) with ${owner}`
  );
}

/** Lists one message per task that runs on more than one node, in task order. */
function doubleRuns(finalState: FinalState): string[] {
  const nodesByTask = new Map<string, string[]>();
  const nodes = Object.keys(finalState.event.running).sort();
  for (const node of nodes) {
    for (const task of new Set(finalState.event.running[node] ?? [])) {
      nodesByTask.set(task, [...(nodesByTask.get(task) ?? []), node]);
    }
  }
  const messages: string[] = [];
  for (const task of [...nodesByTask.keys()].sort()) {
    const runners = nodesByTask.get(task) ?? [];
    if (runners.length < 2) continue;
    messages.push(`task ${task} runs on ${runners.join(' and ')} at final-state (${finalState.event.t} ms)`);
  }
  return messages;
}
