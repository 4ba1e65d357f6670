import { describe, expect, it } from 'vitest';

import { allPassed, checkAll, CHECKERS, INVARIANT_NAMES } from '../../../sim/invariants/index.js';
import type { Verdict } from '../../../sim/invariants/verdict.js';
import { InvalidArgumentError } from '../../../src/runtime/errors.js';
import { at, context, history, run, settled } from './history-builder.js';

/** Two nodes, three tasks: t1 done, t2 handed from n1 to n2 at n1's graceful shutdown, t3 on n2 throughout. */
const healthy = history(
  at.nodeStart(0, 'n1'),
  at.nodeStart(0, 'n2'),
  at.submit(100, 't1'),
  at.submit(100, 't2'),
  at.submit(100, 't3'),
  run({ node: 'n1', task: 't1', token: 5, from: 1_000, to: 5_000, result: 'done' }),
  run({ node: 'n1', task: 't2', token: 6, from: 1_000, to: 30_100, stopAt: 30_000, stopReason: 'shutdown' }),
  run({ node: 'n2', task: 't3', token: 7, from: 1_000 }),
  at.effect(2_000, 'n1', 't2', 6, true),
  at.commandSent(20_000, 'n2', 'c1', 'balance'),
  at.commandApplied(20_050, 'n2', 'c1', 'balance'),
  at.nodeStopping(30_000, 'n1'),
  at.nodeStop(30_200, 'n1'),
  run({ node: 'n2', task: 't2', token: 9, from: 31_000 }),
  at.effect(32_000, 'n2', 't2', 9, true),
  at.effect(33_000, 'n1', 't2', 6, false),
  at.phase(60_000, 'quiet'),
  settled(120_000, { t2: 'n2', t3: 'n2' }, ['n2']),
);

describe('checkAll', () => {
  it('runs every checker in registry order', () => {
    const verdicts = checkAll(healthy, context());
    expect(verdicts.map((verdict) => verdict.invariant)).toEqual(INVARIANT_NAMES);
    expect(INVARIANT_NAMES).toEqual(Object.keys(CHECKERS));
  });

  it('holds everywhere on a healthy history', () => {
    const verdicts = checkAll(healthy, context());
    expect(verdicts.filter((verdict) => verdict.status !== 'holds')).toEqual([]);
  });

  it('names each checker as its invariant', () => {
    for (const [name, check] of Object.entries(CHECKERS)) {
      expect(check(healthy, context()).invariant).toBe(name);
    }
  });

  it('rejects an unknown invariant in expectedToBreak', () => {
    expect(() => checkAll(healthy, context({ expectedToBreak: ['single-runer'] }))).toThrow(InvalidArgumentError);
    expect(() => checkAll(healthy, context({ expectedToBreak: ['single-runer'] }))).toThrow(/"single-runer"/);
  });

  it('rejects a non-positive balance period', () => {
    expect(() => checkAll(healthy, context({ balanceEveryMs: 0 }))).toThrow(
      /balanceEveryMs must be a positive number, got 0/,
    );
  });

  it('rejects a negative safety margin', () => {
    expect(() => checkAll(healthy, context({ safetyMarginMs: -1 }))).toThrow(/safetyMarginMs/);
  });
});

describe('allPassed', () => {
  const verdict = (status: Verdict['status']): Verdict => ({ invariant: 'x', status, violations: [], windows: [] });

  it('accepts holds and expected breaks', () => {
    expect(allPassed([verdict('holds'), verdict('expected-break')])).toBe(true);
  });

  it('rejects a broken verdict', () => {
    expect(allPassed([verdict('holds'), verdict('broken')])).toBe(false);
  });
});
