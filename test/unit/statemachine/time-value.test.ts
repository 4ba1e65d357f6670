import { describe, expect, it } from 'vitest';

import { InvalidArgumentError } from '../../../src/runtime/errors.js';
import { formatTime, parseTimeMs } from '../../../src/statemachine/time-value.js';

const UNTIL = Date.UTC(2030, 0, 2, 3, 4, 5);

describe('parseTimeMs', () => {
  it.each([
    ['2030-01-02T03:04:05Z', UNTIL],
    ['2030-01-02T03:04:05.000Z', UNTIL],
    ['2030-01-02T03:04Z', UNTIL - 5_000],
    ['2030-01-02T04:04:05+01:00', UNTIL],
    [String(UNTIL), UNTIL],
    [UNTIL, UNTIL],
  ])('reads %s', (value, expected) => {
    expect(parseTimeMs(value, 'until')).toBe(expected);
  });

  it.each(['2030-01-02', '2030-01-02T03:04:05', 'tomorrow', '', -1, 1.5, null, '99999999999999999'])(
    'rejects %s',
    (value) => {
      expect(() => parseTimeMs(value, 'until')).toThrow(InvalidArgumentError);
      expect(() => parseTimeMs(value, 'until')).toThrow(/^invalid until .*: give an ISO 8601 time with a zone/);
    },
  );
});

describe('formatTime', () => {
  it('writes UTC with milliseconds', () => {
    expect(formatTime(UNTIL)).toBe('2030-01-02T03:04:05.000Z');
  });
});
