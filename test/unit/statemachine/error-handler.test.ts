import { describe, expect, it } from 'vitest';

import { InvalidArgumentError } from '../../../src/runtime/errors.js';
import { createErrorHandler, defaultErrorHandler } from '../../../src/statemachine/error-handler.js';
import type { FaultDecision } from '../../../src/statemachine/error-handler.js';
import type { TaskError } from '../../../src/statemachine/task-state.js';

const NOW = 1_700_000_000_000;
const HOUR_MS = 60 * 60 * 1000;
const task = { id: 'a', props: null };

/** Errors at the given ages, oldest first. */
function errorsAged(...agesMs: number[]): TaskError[] {
  return agesMs.map((ageMs, index) => ({ timeMs: NOW - ageMs, message: `e${index}` }));
}

async function decide(errors: TaskError[]): Promise<FaultDecision> {
  return defaultErrorHandler({ task, errors, nowMs: NOW });
}

describe('defaultErrorHandler', () => {
  it('sleeps ten minutes below eight errors', async () => {
    const decision = await decide(errorsAged(6, 5, 4, 3, 2, 1, 0));

    expect(decision.message).toEqual({ type: 'sleep', untilMs: NOW + 10 * 60 * 1000 });
    expect(decision.errors).toHaveLength(7);
  });

  it('fails the task at eight errors within four hours', async () => {
    const decision = await decide(errorsAged(7, 6, 5, 4, 3, 2, 1, 0));

    expect(decision.message).toEqual({
      type: 'error',
      error: '8 errors within 14400000 ms, the limit is 8; task failed',
    });
  });

  it('counts only errors younger than four hours', async () => {
    const decision = await decide(errorsAged(4 * HOUR_MS, 5, 4, 3, 2, 1, 0, 0));

    expect(decision.message.type).toBe('sleep');
  });

  it('counts an error just inside the window', async () => {
    const decision = await decide(errorsAged(4 * HOUR_MS - 1, 6, 5, 4, 3, 2, 1, 0));

    expect(decision.message.type).toBe('error');
  });

  it('trims the history to the window', async () => {
    const errors = errorsAged(5 * HOUR_MS, 4 * HOUR_MS, 3 * HOUR_MS, 0);

    const decision = await decide(errors);

    expect(decision.errors).toEqual([errors[2], errors[3]]);
  });
});

describe('createErrorHandler', () => {
  it('uses the given limits', async () => {
    const handler = createErrorHandler({ maxErrors: 2, windowMs: 1_000, sleepMs: 50 });

    const old = errorsAged(2_000, 0);
    const below = await handler({ task, errors: old, nowMs: NOW });
    const at = await handler({ task, errors: errorsAged(999, 0), nowMs: NOW });

    expect(below).toEqual({ message: { type: 'sleep', untilMs: NOW + 50 }, errors: [old[1]] });
    expect(at.message.type).toBe('error');
  });

  it.each([
    [{ maxErrors: 0 }, 'maxErrors must be a whole number of at least 1, got 0'],
    [{ maxErrors: 1.5 }, 'maxErrors must be a whole number of at least 1, got 1.5'],
    [{ windowMs: -1 }, 'windowMs must be a non-negative number of milliseconds, got -1'],
    [{ sleepMs: Number.NaN }, 'sleepMs must be a non-negative number of milliseconds, got NaN'],
  ])('rejects %o', (options, message) => {
    expect(() => createErrorHandler(options)).toThrow(InvalidArgumentError);
    expect(() => createErrorHandler(options)).toThrow(message);
  });
});
