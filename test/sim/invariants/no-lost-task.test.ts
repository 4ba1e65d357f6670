import { describe, expect, it } from 'vitest';

import { MISSING_FINAL_STATE } from '../../../sim/invariants/final-state.js';
import { checkNoLostTask } from '../../../sim/invariants/no-lost-task.js';
import { at, context, history, run, settled } from './history-builder.js';

const submitted = [at.submit(100, 't1'), at.submit(100, 't2')];

describe('checkNoLostTask', () => {
  it('holds when each task runs on its live owner', () => {
    const events = history(
      submitted,
      run({ node: 'n1', task: 't1', token: 5, from: 1_000 }),
      run({ node: 'n2', task: 't2', token: 6, from: 1_000, to: 2_000, result: 'done' }),
      settled(90_000, { t1: 'n1' }, ['n1', 'n2']),
    );
    const verdict = checkNoLostTask(events, context());
    expect(verdict.status).toBe('holds');
    expect(verdict.violations).toEqual([]);
  });

  it('breaks on an unowned task', () => {
    const events = history(
      submitted,
      at.done(2_000, 'n2', 't2'),
      at.finalState(90_000, { owners: { t1: null }, liveNodes: ['n1'], running: { n1: [] } }),
    );
    const verdict = checkNoLostTask(events, context());
    expect(verdict.status).toBe('broken');
    expect(verdict.violations).toEqual(['task t1 is not done but has no owner at final-state (90000 ms)']);
  });

  it('breaks on a task gone from owners', () => {
    const events = history(submitted, at.done(2_000, 'n2', 't2'), settled(90_000, {}, ['n1']));
    expect(checkNoLostTask(events, context()).violations).toEqual([
      'task t1 is not done but is gone from owners at final-state (90000 ms)',
    ]);
  });

  it('breaks on an owner that is not live', () => {
    const events = history(
      submitted,
      at.done(2_000, 'n2', 't2'),
      at.finalState(90_000, { owners: { t1: 'n3' }, liveNodes: ['n2', 'n1'], running: { n3: ['t1'] } }),
    );
    expect(checkNoLostTask(events, context()).violations).toEqual([
      'task t1 is owned by n3 at final-state (90000 ms), but n3 is not live (live: n1, n2)',
    ]);
  });

  it('breaks on an owner that runs no handler', () => {
    const events = history(
      submitted,
      at.done(2_000, 'n2', 't2'),
      at.finalState(90_000, { owners: { t1: 'n1' }, liveNodes: ['n1'], running: { n1: [] } }),
    );
    expect(checkNoLostTask(events, context()).violations).toEqual([
      'task t1 is owned by n1 at final-state (90000 ms), but no handler for it runs on n1',
    ]);
  });

  it('breaks on a task running on two nodes', () => {
    const events = history(
      submitted,
      at.done(2_000, 'n2', 't2'),
      at.finalState(90_000, { owners: { t1: 'n1' }, liveNodes: ['n1', 'n2'], running: { n2: ['t1'], n1: ['t1'] } }),
    );
    expect(checkNoLostTask(events, context()).violations).toEqual([
      'task t1 runs on n1 and n2 at final-state (90000 ms)',
    ]);
  });

  it('breaks on a done task still in owners', () => {
    const events = history(
      submitted,
      at.done(2_000, 'n2', 't2'),
      settled(90_000, { t1: 'n1', t2: 'n2' }, ['n1', 'n2']),
    );
    expect(checkNoLostTask(events, context()).violations).toEqual([
      'task t2 was done by n2 at 2000 ms, but is still in owners at final-state (90000 ms) with n2',
    ]);
  });

  it('expects a resubmitted task to run again', () => {
    const events = history(
      submitted,
      at.done(2_000, 'n2', 't2'),
      at.submit(3_000, 't2'),
      settled(90_000, { t1: 'n1' }, ['n1']),
    );
    expect(checkNoLostTask(events, context()).violations).toEqual([
      'task t2 is not done but is gone from owners at final-state (90000 ms)',
    ]);
  });

  it('reads the last final state', () => {
    const events = history(
      submitted,
      at.done(2_000, 'n2', 't2'),
      settled(50_000, {}, ['n1']),
      settled(90_000, { t1: 'n1' }, ['n1']),
    );
    expect(checkNoLostTask(events, context()).status).toBe('holds');
  });

  it('breaks without a final state', () => {
    const verdict = checkNoLostTask(history(submitted), context());
    expect(verdict.status).toBe('broken');
    expect(verdict.violations).toEqual([MISSING_FINAL_STATE]);
  });
});
