import { InvalidArgumentError } from '../runtime/errors.js';

/**
 * An ISO 8601 date and time with a time zone, as `Date.toISOString()` writes it:
 * `2030-01-02T03:04:05.678Z`. Seconds and fractions are optional; the zone is `Z` or `+hh:mm`.
 */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The largest time a JavaScript Date can hold, in milliseconds since the epoch (ECMA-262). */
const MAX_TIME_MS = 8.64e15;

/**
 * Parses a point in time given as an ISO 8601 string with a time zone, or as a whole number of
 * milliseconds since the Unix epoch (a number, or a string of digits). Returns epoch milliseconds.
 * Throws `InvalidArgumentError` naming `what` and the value otherwise.
 */
export function parseTimeMs(value: unknown, what: string): number {
  const ms = toTimeMs(value);
  if (ms === undefined) {
    throw new InvalidArgumentError(
      `invalid ${what} ${JSON.stringify(value) ?? String(value)}: give an ISO 8601 time with a ` +
        'zone, like 2030-01-02T03:04:05Z, or milliseconds since the epoch',
    );
  }
  return ms;
}

/** Formats epoch milliseconds as ISO 8601 in UTC, the form stored in task states and commands. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString();
}

function toTimeMs(value: unknown): number | undefined {
  if (typeof value === 'number') return validMs(value);
  if (typeof value !== 'string') return undefined;
  if (/^\d{1,16}$/.test(value)) return validMs(Number(value));
  if (!ISO_8601.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : validMs(ms);
}

function validMs(ms: number): number | undefined {
  return Number.isInteger(ms) && ms >= 0 && ms <= MAX_TIME_MS ? ms : undefined;
}
