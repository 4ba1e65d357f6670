import { InvalidArgumentError, MetaforaError } from '../runtime/errors.js';
import { formatTime, parseTimeMs } from './time-value.js';

/** The states of a task under the state machine; see docs/statemachine.md. */
export const STATE_NAMES = ['runnable', 'sleeping', 'paused', 'fault', 'completed', 'failed', 'killed'] as const;
export type StateName = (typeof STATE_NAMES)[number];

/** States that end the task: the node marks the task done and keeps the state as history. */
export const TERMINAL_STATES: readonly StateName[] = ['completed', 'failed', 'killed'];

/** One error of a task's history. */
export interface TaskError {
  /** When the error was recorded, in epoch milliseconds on the recording node's clock. */
  readonly timeMs: number;
  readonly message: string;
}

/** The persisted state of one task. */
export interface TaskState {
  readonly name: StateName;
  /** The time a `sleeping` task becomes runnable, in epoch milliseconds; absent in other states. */
  readonly untilMs?: number;
  /** Errors recorded so far, oldest first; the error handler trims them. */
  readonly errors: readonly TaskError[];
}

/** The state of a task that has no stored state yet. */
export const INITIAL_STATE: TaskState = { name: 'runnable', errors: [] };

/** A stored task state that cannot be parsed; `raw` is the stored text. */
export class InvalidTaskStateError extends MetaforaError {
  constructor(
    readonly raw: string,
    readonly reason: string,
  ) {
    super(`invalid stored task state ${JSON.stringify(shorten(raw))}: ${reason}`);
  }
}

export function isStateName(value: unknown): value is StateName {
  return typeof value === 'string' && (STATE_NAMES as readonly string[]).includes(value);
}

export function isTerminal(name: StateName): boolean {
  return TERMINAL_STATES.includes(name);
}

/**
 * Serializes a state as stored at `<ns>/state/<task>`:
 * `{"state":"sleeping","until":"<ISO 8601>","errors":[{"time":"<ISO 8601>","error":"..."}]}`.
 * `until` appears only for `sleeping`, `errors` only when there are some.
 */
export function serializeTaskState(state: TaskState): string {
  const record: Record<string, unknown> = { state: state.name };
  if (state.name === 'sleeping' && state.untilMs !== undefined) record['until'] = formatTime(state.untilMs);
  if (state.errors.length > 0) {
    record['errors'] = state.errors.map((error) => ({ time: formatTime(error.timeMs), error: error.message }));
  }
  return JSON.stringify(record);
}

/**
 * Parses a stored state. Times may be ISO 8601 strings or epoch milliseconds. Throws
 * `InvalidTaskStateError` with the reason when the text is not a valid state.
 */
export function parseTaskState(text: string): TaskState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidTaskStateError(text, 'not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidTaskStateError(text, 'not a JSON object');
  }
  const record = value as Record<string, unknown>;
  const name = record['state'];
  if (!isStateName(name)) {
    throw new InvalidTaskStateError(text, `"state" must be one of ${STATE_NAMES.join(', ')}`);
  }
  try {
    const errors = parseErrors(record['errors']);
    if (name !== 'sleeping') return { name, errors };
    if (record['until'] === undefined) throw new InvalidArgumentError('a sleeping state needs "until"');
    return { name, untilMs: parseTimeMs(record['until'], 'until'), errors };
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    throw new InvalidTaskStateError(text, error.message);
  }
}

function parseErrors(value: unknown): TaskError[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidArgumentError('"errors" must be an array');
  return value.map((item: unknown, index) => {
    const entry = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const message = entry['error'];
    if (typeof message !== 'string') {
      throw new InvalidArgumentError(`errors[${index}] needs a string "error"`);
    }
    return { timeMs: parseTimeMs(entry['time'], `errors[${index}].time`), message };
  });
}

function shorten(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
