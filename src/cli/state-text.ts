import { MetaforaError } from '../runtime/errors.js';
import { InvalidTaskStateError, parseTaskState, serializeTaskState } from '../statemachine/task-state.js';
import { formatTime } from '../statemachine/time-value.js';

/** `ctl state` found a stored state it cannot parse; the message shows the stored text. */
export class StoredStateError extends MetaforaError {
  constructor(
    readonly task: string,
    cause: InvalidTaskStateError,
  ) {
    super(
      `invalid stored state of task ${JSON.stringify(task)}: ${cause.reason}; stored value ` +
        `${JSON.stringify(cause.raw.length > 500 ? `${cause.raw.slice(0, 500)}...` : cause.raw)}; ` +
        `overwrite it with metafora ctl state ${task} --set runnable`,
      { cause },
    );
  }
}

/**
 * Formats the stored state text of task `id` for `ctl state`: JSON (`null` when none is stored)
 * or lines for people. Throws `StoredStateError` when the text is not a valid state.
 */
export function formatStoredState(id: string, raw: string | null, json: boolean): string {
  if (raw === null) return json ? 'null\n' : `no state stored for ${id}\n`;
  let state;
  try {
    state = parseTaskState(raw);
  } catch (error) {
    if (error instanceof InvalidTaskStateError) throw new StoredStateError(id, error);
    throw error;
  }
  if (json) return `${JSON.stringify(JSON.parse(serializeTaskState(state)), null, 2)}\n`;
  const until = state.untilMs === undefined ? '' : ` until ${formatTime(state.untilMs)}`;
  const lines = [`${id}: ${state.name}${until}`];
  if (state.errors.length > 0) {
    lines.push(`errors (${state.errors.length}, oldest first):`);
    for (const error of state.errors) lines.push(`  ${formatTime(error.timeMs)}  ${JSON.stringify(error.message)}`);
  }
  return `${lines.join('\n')}\n`;
}
