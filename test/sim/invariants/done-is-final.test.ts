import { describe, expect, it } from 'vitest';

import { checkDoneIsFinal } from '../../../sim/invariants/done-is-final.js';
import { MISSING_FINAL_STATE } from '../../../sim/invariants/final-state.js';
import { at, context, history, run, settled } from './history-builder.js';

describe('checkDoneIsFinal', () => {
  it('holds when a done task runs again only after a new submit', () => {
    const events = history(
      at.submit(100, 't1'),
      run({ node: 'n1', task: 't1', token: 5, from: 1_000, to: 2_000, result: 'done' }),
      at.submit(3_000, 't1'),
      run({ node: 'n2', task: 't1', token: 9, from: 4_000 }),
      settled(90_000, { t1: 'n2' }, ['n1', 'n2']),
    );
    const verdict = checkDoneIsFinal(events, context());
    expect(verdict.status).toBe('holds');
    expect(verdict.violations).toEqual([]);
  });

  it('breaks on a claim after done', () => {
    const events = history(
      at.submit(100, 't1'),
      run({ node: 'n1', task: 't1', token: 5, from: 1_000, to: 42_000, result: 'done' }),
      at.claim(50_000, 'n2', 't1', 9),
      settled(90_000, {}, ['n1', 'n2']),
    );
    const verdict = checkDoneIsFinal(events, context());
    expect(verdict.status).toBe('broken');
    expect(verdict.violations).toEqual([
      'task t1 was claimed by n2 at 50000 ms after n1 marked it done at 42000 ms, with no new submit in between',
    ]);
  });

  it('breaks on a handler start after done', () => {
    const events = history(
      at.submit(100, 't1'),
      at.claim(1_000, 'n1', 't1', 5),
      at.done(2_000, 'n2', 't1'),
      at.handlerStart(2_500, 'n1', 't1', 5),
      settled(90_000, {}, ['n1']),
    );
    expect(checkDoneIsFinal(events, context()).violations).toEqual([
      'task t1 was started on n1 at 2500 ms after n2 marked it done at 2000 ms, with no new submit in between',
    ]);
  });

  it('breaks when a task vanishes without done', () => {
    const events = history(
      at.submit(100, 't1'),
      at.submit(200, 't2'),
      run({ node: 'n1', task: 't1', token: 5, from: 1_000, to: 2_000 }),
      settled(90_000, { t2: 'n1' }, ['n1']),
    );
    const verdict = checkDoneIsFinal(events, context());
    expect(verdict.status).toBe('broken');
    expect(verdict.violations).toEqual([
      'task t1 vanished: it was submitted at 100 ms and never done, but is not in owners at final-state (90000 ms)',
    ]);
  });

  it('accepts a task finished just before its node crashed', () => {
    const events = history(
      at.submit(100, 't1'),
      run({ node: 'n1', task: 't1', token: 5, from: 1_000 }),
      at.handlerEnd(2_000, 'n1', 't1', 5, 'done'),
      at.nodeCrash(2_001, 'n1'),
      settled(90_000, {}, ['n2']),
    );
    expect(checkDoneIsFinal(events, context()).status).toBe('holds');
  });

  it('breaks when the crashed node had released the task', () => {
    const events = history(
      at.submit(100, 't1'),
      run({ node: 'n1', task: 't1', token: 5, from: 1_000 }),
      at.handlerEnd(2_000, 'n1', 't1', 5, 'done'),
      at.release(2_000, 'n1', 't1'),
      at.nodeCrash(2_001, 'n1'),
      settled(90_000, {}, ['n2']),
    );
    expect(checkDoneIsFinal(events, context()).status).toBe('broken');
  });

  it('accepts an unowned task as present', () => {
    const events = history(
      at.submit(100, 't1'),
      at.finalState(90_000, { owners: { t1: null }, liveNodes: ['n1'], running: { n1: [] } }),
    );
    expect(checkDoneIsFinal(events, context()).status).toBe('holds');
  });

  it('breaks without a final state', () => {
    const verdict = checkDoneIsFinal(history(at.submit(100, 't1')), context());
    expect(verdict.status).toBe('broken');
    expect(verdict.violations).toEqual([MISSING_FINAL_STATE]);
  });
});

describe('checkDoneIsFinal terminal states', () => {
  it('holds when stale effects follow a terminal state', () => {
    const events = history(
      at.submit(100, 't1'),
      run({ node: 'n1', task: 't1', token: 5, from: 1_000 }),
      run({ node: 'n2', task: 't1', token: 9, from: 2_000, to: 3_000, result: 'done' }),
      at.transition(2_900, 'n2', 't1', 'runnable', 'complete', 'completed'),
      at.effect(3_500, 'n1', 't1', 5, false),
      settled(90_000, {}, ['n1', 'n2']),
    );
    const verdict = checkDoneIsFinal(events, context());
    expect(verdict.violations).toEqual([]);
  });

  it('breaks on a transition after a terminal state', () => {
    const events = history(
      at.submit(100, 't1'),
      at.handlerStart(1_000, 'n1', 't1', 5),
      at.transition(2_000, 'n1', 't1', 'runnable', 'kill', 'killed'),
      at.transition(2_500, 'n1', 't1', 'runnable', 'checkpoint', 'runnable'),
      settled(90_000, { t1: 'n1' }, ['n1']),
    );
    expect(checkDoneIsFinal(events, context()).violations).toEqual([
      'task t1 moved runnable --checkpoint--> runnable on n1 at 2500 ms after n1 stored killed at 2000 ms',
    ]);
  });

  it('breaks on an effect of a newer claim after a terminal state', () => {
    const events = history(
      at.submit(100, 't1'),
      at.handlerStart(1_000, 'n1', 't1', 5),
      at.transition(2_000, 'n1', 't1', 'fault', 'error', 'failed'),
      at.submit(3_000, 't1'),
      at.handlerStart(4_000, 'n2', 't1', 11),
      at.effect(5_000, 'n2', 't1', 11, true),
      settled(90_000, { t1: 'n2' }, ['n1', 'n2']),
    );
    expect(checkDoneIsFinal(events, context()).violations).toEqual([
      'task t1 wrote an effect on n2 with token 11 at 5000 ms after n1 stored failed at 2000 ms',
    ]);
  });
});
