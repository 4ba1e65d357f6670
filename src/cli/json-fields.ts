/**
 * Small checks for JSON read from a file. Each check takes the value and its path in the document
 * (like `scenario.faults[2].at`) and returns the value or throws a `FieldError` that names the
 * path, what was expected and what was found.
 */

/** A field of a JSON document is missing, unknown or of the wrong kind. */
export class FieldError extends Error {}

export type Check<T> = (value: unknown, where: string) => T;

/** One field of an object: its check, and whether the field may be absent. */
export interface FieldSpec {
  check: Check<unknown>;
  optional: boolean;
}

export type Shape = Record<string, FieldSpec>;

export function required(check: Check<unknown>): FieldSpec {
  return { check, optional: false };
}

export function optional(check: Check<unknown>): FieldSpec {
  return { check, optional: true };
}

/** Throws a `FieldError` saying that `where` must be `expected`. */
export function fail(where: string, expected: string, value: unknown): never {
  throw new FieldError(`${where === '' ? 'the document' : where} must be ${expected}, got ${describe(value)}`);
}

/**
 * Reads an object whose fields `shape` lists: a missing required field and a field that `shape`
 * does not know are errors, so a misspelt field name is reported instead of ignored. `where` is
 * '' for the whole document.
 */
export function readShape(value: unknown, where: string, shape: Shape): Record<string, unknown> {
  const record = asRecord(value, where);
  const at = (key: string): string => (where === '' ? key : `${where}.${key}`);
  for (const key of Object.keys(record)) {
    if (!Object.hasOwn(shape, key)) {
      throw new FieldError(`unknown field ${at(key)}: use one of ${Object.keys(shape).join(', ')}`);
    }
  }
  const result: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(shape)) {
    const field = record[key];
    if (field === undefined) {
      if (!spec.optional) throw new FieldError(`missing field ${at(key)}`);
      continue;
    }
    result[key] = spec.check(field, at(key));
  }
  return result;
}

export function asRecord(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'an object', value);
  return value as Record<string, unknown>;
}

/** Checks every element of an array with `check`. */
export function arrayOf<T>(check: Check<T>): Check<T[]> {
  return (value, where) => {
    if (!Array.isArray(value)) fail(where, 'an array', value);
    return value.map((element, index) => check(element, `${where}[${index}]`));
  };
}

export function oneOf<T extends string>(choices: readonly T[]): Check<T> {
  return (value, where) => {
    if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
      fail(where, `one of ${choices.map((choice) => JSON.stringify(choice)).join(', ')}`, value);
    }
    return value as T;
  };
}

export const anyString: Check<string> = (value, where) => {
  if (typeof value !== 'string') fail(where, 'a string', value);
  return value;
};

export const nonEmptyString: Check<string> = (value, where) => {
  if (typeof value !== 'string' || value === '') fail(where, 'a non-empty string', value);
  return value;
};

/**
 * Returns a check for a finite number within `[min, max]`, and a whole number when `integer` is
 * set. `expected` describes the number in the error.
 */
export function numberIn(expected: string, limits: { min?: number; max?: number; integer?: boolean }): Check<number> {
  return (value, where) => {
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      value >= (limits.min ?? -Infinity) &&
      value <= (limits.max ?? Infinity) &&
      (limits.integer !== true || Number.isInteger(value));
    if (!ok) fail(where, expected, value);
    return value as number;
  };
}

/** Formats the value as short JSON for an error message. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
