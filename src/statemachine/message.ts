import { InvalidArgumentError } from '../runtime/errors.js';
import { formatTime, parseTimeMs } from './time-value.js';

/** The messages that move a task between states; see docs/statemachine.md. */
export const MESSAGE_TYPES = ['run', 'sleep', 'pause', 'kill', 'error', 'complete', 'checkpoint', 'release'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/**
 * A message: the result of a stateful handler's run, or a command from an operator.
 * `sleep` carries the time to sleep until; `error` carries what went wrong.
 */
export type Message =
  | { readonly type: Exclude<MessageType, 'sleep' | 'error'> }
  | { readonly type: 'sleep'; readonly untilMs: number }
  | { readonly type: 'error'; readonly error: string };

export function isMessageType(value: unknown): value is MessageType {
  return typeof value === 'string' && (MESSAGE_TYPES as readonly string[]).includes(value);
}

/**
 * Returns a message as the JSON data of a stored task command: `{"type":"pause"}`,
 * `{"type":"sleep","until":"<ISO 8601>"}` or `{"type":"error","error":"..."}`.
 */
export function messageRecord(message: Message): Record<string, string> {
  switch (message.type) {
    case 'sleep':
      return { type: 'sleep', until: formatTime(message.untilMs) };
    case 'error':
      return { type: 'error', error: message.error };
    default:
      return { type: message.type };
  }
}

/** Serializes a message as a stored task command; see `messageRecord`. */
export function serializeMessage(message: Message): string {
  return JSON.stringify(messageRecord(message));
}

/**
 * Parses a stored task command. `until` may be ISO 8601 or epoch milliseconds. Throws
 * `InvalidArgumentError` naming the text when it is not valid JSON or not a known message.
 */
export function parseMessage(text: string): Message {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidArgumentError(`invalid task command ${quote(text)}: not valid JSON`);
  }
  return toMessage(value, `task command ${quote(text)}`);
}

/**
 * Checks that `value` is a message, as a stateful handler resolves it or a command contains it, and
 * returns it. `what` names the value in the error. Throws `InvalidArgumentError` otherwise.
 */
export function toMessage(value: unknown, what: string): Message {
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const type = record['type'];
  if (!isMessageType(type)) {
    throw new InvalidArgumentError(
      `unknown message in ${what}: "type" must be one of ${MESSAGE_TYPES.join(', ')}`,
    );
  }
  if (type === 'sleep') {
    const until = record['untilMs'] ?? record['until'];
    return { type, untilMs: parseTimeMs(until, `sleep time in ${what}`) };
  }
  if (type === 'error') {
    const error = record['error'];
    return { type, error: typeof error === 'string' ? error : 'error message without a description' };
  }
  return { type };
}

function quote(text: string): string {
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}...` : text);
}
