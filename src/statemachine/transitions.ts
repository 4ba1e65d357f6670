import type { Message, MessageType } from './message.js';
import type { StateName, TaskState } from './task-state.js';

/** One legal transition: in state `from`, message `message` leads to state `to`. */
export interface Transition {
  readonly from: StateName;
  readonly message: MessageType;
  readonly to: StateName;
}

/**
 * Every legal transition; any other (state, message) pair is rejected. `checkpoint` and `release`
 * keep the state. Terminal states (`completed`, `failed`, `killed`) accept no message. An `error`
 * in `fault` fails the task; that is how the error handler gives up. docs/statemachine.md shows the
 * same table.
 */
export const TRANSITIONS: readonly Transition[] = [
  { from: 'runnable', message: 'sleep', to: 'sleeping' },
  { from: 'runnable', message: 'pause', to: 'paused' },
  { from: 'runnable', message: 'kill', to: 'killed' },
  { from: 'runnable', message: 'error', to: 'fault' },
  { from: 'runnable', message: 'complete', to: 'completed' },
  { from: 'runnable', message: 'checkpoint', to: 'runnable' },
  { from: 'runnable', message: 'release', to: 'runnable' },

  { from: 'sleeping', message: 'run', to: 'runnable' },
  { from: 'sleeping', message: 'sleep', to: 'sleeping' },
  { from: 'sleeping', message: 'pause', to: 'paused' },
  { from: 'sleeping', message: 'kill', to: 'killed' },
  { from: 'sleeping', message: 'error', to: 'fault' },
  { from: 'sleeping', message: 'checkpoint', to: 'sleeping' },
  { from: 'sleeping', message: 'release', to: 'sleeping' },

  { from: 'paused', message: 'run', to: 'runnable' },
  { from: 'paused', message: 'sleep', to: 'sleeping' },
  { from: 'paused', message: 'pause', to: 'paused' },
  { from: 'paused', message: 'kill', to: 'killed' },
  { from: 'paused', message: 'error', to: 'fault' },
  { from: 'paused', message: 'checkpoint', to: 'paused' },
  { from: 'paused', message: 'release', to: 'paused' },

  { from: 'fault', message: 'run', to: 'runnable' },
  { from: 'fault', message: 'sleep', to: 'sleeping' },
  { from: 'fault', message: 'pause', to: 'paused' },
  { from: 'fault', message: 'kill', to: 'killed' },
  { from: 'fault', message: 'error', to: 'failed' },
  { from: 'fault', message: 'checkpoint', to: 'fault' },
  { from: 'fault', message: 'release', to: 'fault' },
];

const byKey = new Map(TRANSITIONS.map((transition) => [`${transition.from}/${transition.message}`, transition.to]));

/** Returns the state that `message` leads to from `from`, or undefined when the table forbids it. */
export function nextState(from: StateName, message: MessageType): StateName | undefined {
  return byKey.get(`${from}/${message}`);
}

/**
 * Returns the state after `message` arrives in `state`, or undefined when the table forbids it.
 * An `error` appends to the error history with time `nowMs`. A `sleep` sets the wake-up time.
 * `checkpoint` and `release` keep that time, and every other way out of `sleeping` drops it.
 */
export function applyMessage(state: TaskState, message: Message, nowMs: number): TaskState | undefined {
  const to = nextState(state.name, message.type);
  if (to === undefined) return undefined;
  const errors =
    message.type === 'error' ? [...state.errors, { timeMs: nowMs, message: message.error }] : state.errors;
  if (to !== 'sleeping') return { name: to, errors };
  const untilMs = message.type === 'sleep' ? message.untilMs : state.untilMs;
  return { name: to, untilMs, errors };
}
