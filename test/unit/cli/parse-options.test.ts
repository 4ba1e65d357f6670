import { describe, expect, it } from 'vitest';

import { parseSeconds, wantsHelp } from '../../../src/cli/parse-options.js';

describe('wantsHelp', () => {
  it.each([
    [['-h'], true],
    [['--namespace', '/x', '--help'], true],
    [['--exec', 'cmd', '--help'], false],
    [['--', '--help'], false],
    [[], false],
  ])('reads %j', (argv, expected) => {
    expect(wantsHelp(argv)).toBe(expected);
  });
});

describe('parseSeconds', () => {
  const limits = { minSeconds: 0, maxSeconds: 100 };

  it.each([
    ['0', 0],
    ['2', 2],
    ['0.25', 0.25],
    ['100', 100],
  ])('reads %s', (text, seconds) => {
    expect(parseSeconds('--wait', text, limits)).toBe(seconds);
  });

  it.each(['', ' 1', '1s', '.5', '1.', '-1', '1e2', 'Infinity', '100.5'])('rejects %j', (text) => {
    expect(() => parseSeconds('--wait', text, limits)).toThrow(
      `invalid --wait ${JSON.stringify(text)}: give a number of seconds from 0 to 100`,
    );
  });

  it('rejects a fraction when whole seconds are required', () => {
    expect(() => parseSeconds('--ttl', '2.5', { ...limits, integer: true })).toThrow(
      'give a whole number of seconds',
    );
  });
});
