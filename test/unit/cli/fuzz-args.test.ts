import { describe, expect, it } from 'vitest';

import { UsageError } from '../../../src/cli/cli-errors.js';
import { DEFAULT_FUZZ_RUNS, parseFuzzArgs } from '../../../src/cli/fuzz-args.js';

describe('parseFuzzArgs', () => {
  it('uses the defaults without options', () => {
    expect(parseFuzzArgs([])).toEqual({ kind: 'fuzz', runs: DEFAULT_FUZZ_RUNS, seed: undefined, timeLimitMs: undefined, json: false });
  });

  it('reads runs, seed, time and json', () => {
    expect(parseFuzzArgs(['--runs', '500', '--seed', '7', '--time', '2.5', '--json'])).toEqual({
      kind: 'fuzz',
      runs: 500,
      seed: 7,
      timeLimitMs: 2_500,
      json: true,
    });
  });

  it('accepts a negative seed given with =', () => {
    expect(parseFuzzArgs(['--seed=-3'])).toMatchObject({ seed: -3 });
  });

  it('returns help for -h', () => {
    expect(parseFuzzArgs(['--runs', 'x', '-h'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['--runs', '0'], 'invalid --runs "0"'],
    [['--runs', '1.5'], 'invalid --runs "1.5"'],
    [['--seed', '2147483648'], 'invalid --seed "2147483648"'],
    [['--seed', 'abc'], 'invalid --seed "abc"'],
    [['--time', '0'], 'invalid --time "0"'],
    [['--bogus'], 'unknown option --bogus'],
    [['extra'], 'unexpected argument "extra"'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseFuzzArgs(argv)).toThrow(UsageError);
    expect(() => parseFuzzArgs(argv)).toThrow(message);
  });
});
