import { describe, expect, it } from 'vitest';

import { errorLine, EtcdUnreachableError, exitCodeOf, UsageError } from '../../../src/cli/cli-errors.js';
import { InvalidArgumentError, MetaforaError } from '../../../src/runtime/errors.js';
import { StoreTimeoutError } from '../../../src/store/errors.js';

describe('exitCodeOf', () => {
  it.each([
    ['a usage error', new UsageError('x'), 2],
    ['an invalid argument', new InvalidArgumentError('x'), 2],
    ['an unreachable etcd', new EtcdUnreachableError('x'), 2],
    ['a store timeout', new StoreTimeoutError('x'), 1],
    ['another library error', new MetaforaError('x'), 1],
    ['a plain error', new Error('x'), 1],
    ['a thrown string', 'x', 1],
  ])('maps %s', (_case, error, code) => {
    expect(exitCodeOf(error)).toBe(code);
  });
});

describe('errorLine', () => {
  it('prefixes the message', () => {
    expect(errorLine(new UsageError('invalid thing "x": fix it'))).toBe('metafora: invalid thing "x": fix it');
  });

  it('keeps a multi-line message on one line', () => {
    expect(errorLine(new Error('first\n  second\nthird'))).toBe('metafora: first second third');
  });
});
