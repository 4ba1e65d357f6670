import { describe, expect, it } from 'vitest';

import { InvalidTaskStateError, parseTaskState, serializeTaskState } from '../../../src/statemachine/task-state.js';
import type { TaskState } from '../../../src/statemachine/task-state.js';

const UNTIL = Date.UTC(2030, 0, 2, 3, 4, 5);

describe('serializeTaskState', () => {
  it('writes times as ISO 8601 and leaves out empty fields', () => {
    const state: TaskState = { name: 'sleeping', untilMs: UNTIL, errors: [{ timeMs: UNTIL - 1_000, message: 'boom' }] };

    expect(serializeTaskState(state)).toBe(
      '{"state":"sleeping","until":"2030-01-02T03:04:05.000Z",' +
        '"errors":[{"time":"2030-01-02T03:04:04.000Z","error":"boom"}]}',
    );
    expect(serializeTaskState({ name: 'paused', errors: [] })).toBe('{"state":"paused"}');
  });

  it('round-trips through parseTaskState', () => {
    const state: TaskState = { name: 'fault', errors: [{ timeMs: UNTIL, message: 'x' }] };

    expect(parseTaskState(serializeTaskState(state))).toEqual(state);
  });
});

describe('parseTaskState', () => {
  it('accepts epoch milliseconds for times', () => {
    const text = JSON.stringify({ state: 'sleeping', until: UNTIL, errors: [{ time: UNTIL, error: 'e' }] });

    expect(parseTaskState(text)).toEqual({
      name: 'sleeping',
      untilMs: UNTIL,
      errors: [{ timeMs: UNTIL, message: 'e' }],
    });
  });

  it.each([
    ['{"state":"runnable"', 'not valid JSON'],
    ['[]', 'not a JSON object'],
    ['{"state":"done"}', '"state" must be one of runnable, sleeping, paused, fault, completed, failed, killed'],
    ['{"state":"sleeping"}', 'a sleeping state needs "until"'],
    ['{"state":"sleeping","until":"tomorrow"}', 'invalid until "tomorrow"'],
    ['{"state":"fault","errors":{}}', '"errors" must be an array'],
    ['{"state":"fault","errors":[{"time":0}]}', 'errors[0] needs a string "error"'],
  ])('rejects %s', (text, reason) => {
    let caught: unknown;
    try {
      parseTaskState(text);
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(InvalidTaskStateError);
    expect((caught as InvalidTaskStateError).raw).toBe(text);
    expect((caught as InvalidTaskStateError).reason).toContain(reason);
  });
});
