import { InvalidArgumentError } from '../runtime/errors.js';

/** A unit of long-lived work, known to the cluster by its id. */
export interface Task {
  readonly id: string;
  /** Properties given at submission, parsed from JSON; null when none were given. */
  readonly props: unknown;
}

/** Task ids and node names longer than this many UTF-8 bytes are rejected, to keep keys small. */
export const MAX_TASK_ID_BYTES = 256;

/** Props larger than this many UTF-8 bytes are rejected; etcd's default request limit is 1.5 MiB. */
export const MAX_PROPS_BYTES = 512 * 1024;

/**
 * Throws `InvalidArgumentError` unless `id` is a valid task id: non-empty, at most 256 UTF-8 bytes,
 * with no `/` (ids are path segments of store keys) and no control characters.
 */
export function validateTaskId(id: string): void {
  validateKeySegment('task id', id);
}

/** Throws `InvalidArgumentError` unless `name` is a valid node name; the rules are a task id's. */
export function validateNodeName(name: string): void {
  validateKeySegment('node name', name);
}

function validateKeySegment(kind: string, value: string): void {
  if (value.length === 0) {
    throw new InvalidArgumentError(`invalid ${kind} "": give a non-empty ${kind}`);
  }
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_TASK_ID_BYTES) {
    throw new InvalidArgumentError(
      `invalid ${kind} "${value.slice(0, 40)}...": ${bytes} bytes, use at most ${MAX_TASK_ID_BYTES}`,
    );
  }
  if (value.includes('/')) {
    throw new InvalidArgumentError(`invalid ${kind} ${JSON.stringify(value)}: remove the "/"`);
  }
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new InvalidArgumentError(
      `invalid ${kind} ${JSON.stringify(value)}: remove the control characters`,
    );
  }
}

/**
 * Parses task props given as JSON text. Throws `InvalidArgumentError` naming the text when it is
 * not valid JSON or is too large.
 */
export function parseProps(text: string): unknown {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_PROPS_BYTES) {
    throw new InvalidArgumentError(
      `invalid task props: ${bytes} bytes, use at most ${MAX_PROPS_BYTES}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const shown = text.length > 60 ? `${text.slice(0, 60)}...` : text;
    throw new InvalidArgumentError(
      `invalid task props ${JSON.stringify(shown)}: not valid JSON (${(error as Error).message}); ` +
        `quote it for the shell, for example --props '{"key":"value"}'`,
    );
  }
}
