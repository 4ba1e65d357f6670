import { nextState } from '../../src/statemachine/transitions.js';
import type { HistoryEvent } from '../history.js';
import type { CheckContext, Verdict } from './verdict.js';
import { verdictOfMessages } from './verdict.js';

export const LEGAL_TRANSITIONS = 'legal-transitions';

type TransitionEvent = Extract<HistoryEvent, { type: 'transition' }>;

/**
 * legal-transitions: every recorded `transition` is a row of `TRANSITIONS`, read from the node's
 * view: from the state the node held, the message leads to the stored state. The first write of a
 * task (`message` 'initial') goes from no state to `runnable`, and comes once per task, because a
 * stored state outlives its task and a node writes the initial state only where it read none.
 * Histories of the plain workload have no transitions, so the invariant holds there.
 */
export function checkLegalTransitions(history: HistoryEvent[], context: CheckContext): Verdict {
  const violations: string[] = [];
  const initialised = new Map<string, TransitionEvent>();
  for (const event of history) {
    if (event.type !== 'transition') continue;
    const problem = illegality(event);
    if (problem !== undefined) violations.push(`task ${event.task} on ${event.node} at ${event.t} ms: ${problem}`);
    if (event.message !== 'initial') continue;
    const first = initialised.get(event.task);
    if (first === undefined) {
      initialised.set(event.task, event);
      continue;
    }
    violations.push(
      `task ${event.task} got an initial state again from ${event.node} at ${event.t} ms, after ` +
        `${first.node} stored one at ${first.t} ms: its stored state was lost`,
    );
  }
  return verdictOfMessages(LEGAL_TRANSITIONS, violations, context);
}

/** Returns why a transition is illegal, or undefined for a legal one. */
function illegality(event: TransitionEvent): string | undefined {
  const { from, to, message } = event;
  if (message === 'initial') {
    return from === null && to === 'runnable' ? undefined : `initial state ${from ?? 'none'} -> ${to}, expected none -> runnable`;
  }
  if (from === null) return `"${message}" from no state, which only "initial" may leave`;
  const expected = nextState(from, message);
  if (expected === to) return undefined;
  const allowed = expected === undefined ? 'the table forbids that message there' : `the table leads to ${expected}`;
  return `${from} --${message}--> ${to} is not a legal transition: ${allowed}`;
}
