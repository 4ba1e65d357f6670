import { describe, expect, it } from 'vitest';

import { checkLegalTransitions } from '../../../sim/invariants/legal-transitions.js';
import { at, context, history } from './history-builder.js';

describe('checkLegalTransitions', () => {
  it('holds on a legal life of a task', () => {
    const events = history(
      at.transition(1_000, 'n1', 't1', null, 'initial', 'runnable'),
      at.transition(2_000, 'n1', 't1', 'runnable', 'error', 'fault'),
      at.transition(2_010, 'n1', 't1', 'fault', 'sleep', 'sleeping'),
      at.transition(9_000, 'n2', 't1', 'sleeping', 'pause', 'paused'),
      at.transition(9_500, 'n2', 't1', 'paused', 'kill', 'killed'),
    );
    const verdict = checkLegalTransitions(events, context());
    expect(verdict.status).toBe('holds');
    expect(verdict.violations).toEqual([]);
  });

  it('breaks on a message the table forbids', () => {
    const events = history(at.transition(3_000, 'n1', 't1', 'completed', 'run', 'runnable'));
    expect(checkLegalTransitions(events, context()).violations).toEqual([
      'task t1 on n1 at 3000 ms: completed --run--> runnable is not a legal transition: the table forbids that message there',
    ]);
  });

  it('breaks on a message stored with the wrong state', () => {
    const events = history(at.transition(3_000, 'n1', 't1', 'runnable', 'pause', 'sleeping'));
    expect(checkLegalTransitions(events, context()).violations).toEqual([
      'task t1 on n1 at 3000 ms: runnable --pause--> sleeping is not a legal transition: the table leads to paused',
    ]);
  });

  it('breaks on an initial state other than runnable', () => {
    const events = history(at.transition(1_000, 'n1', 't1', null, 'initial', 'paused'));
    expect(checkLegalTransitions(events, context()).violations).toEqual([
      'task t1 on n1 at 1000 ms: initial state none -> paused, expected none -> runnable',
    ]);
  });

  it('breaks on a message from no state', () => {
    const events = history(at.transition(1_000, 'n1', 't1', null, 'run', 'runnable'));
    expect(checkLegalTransitions(events, context()).status).toBe('broken');
  });

  it('breaks on a second initial state', () => {
    const events = history(
      at.transition(1_000, 'n1', 't1', null, 'initial', 'runnable'),
      at.transition(5_000, 'n2', 't1', null, 'initial', 'runnable'),
    );
    expect(checkLegalTransitions(events, context()).violations).toEqual([
      'task t1 got an initial state again from n2 at 5000 ms, after n1 stored one at 1000 ms: its stored state was lost',
    ]);
  });
});
