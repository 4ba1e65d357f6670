import { describe, expect, it } from 'vitest';

import type { HistoryEvent } from '../../../sim/history.js';
import { checkBoundedChurn } from '../../../sim/invariants/bounded-churn.js';
import { MISSING_FINAL_STATE } from '../../../sim/invariants/final-state.js';
import { at, context, history, run, settled } from './history-builder.js';

// With the default context the span runs from 60,000 + 10,000 + 10,000 = 80,000 ms to 120,000 ms.
const owners = { t1: 'n1', t2: 'n1', t3: 'n2', t4: 'n2', t5: 'n3', t6: 'n3' };
const finalState = settled(120_000, owners, ['n1', 'n2', 'n3']);

/** Builds a run of `task` on `node` released at `to` after a stop request with `reason` 100 ms earlier. */
function stopped(node: string, task: string, from: number, to: number, reason = 'balance'): HistoryEvent[] {
  return run({ node, task, token: from, from, to, stopAt: to - 100, stopReason: reason });
}

describe('checkBoundedChurn', () => {
  it('holds at the release limit', () => {
    const events = history(stopped('n1', 't1', 1_000, 81_000), stopped('n1', 't2', 1_000, 89_000), finalState);
    const verdict = checkBoundedChurn(events, context());
    expect(verdict.status).toBe('holds');
    expect(verdict.violations).toEqual([]);
  });

  it('breaks above the release limit in one period', () => {
    const events = history(
      stopped('n1', 't1', 1_000, 81_000),
      stopped('n1', 't2', 1_000, 82_000),
      stopped('n2', 't3', 1_000, 89_999),
      finalState,
    );
    const verdict = checkBoundedChurn(events, context());
    expect(verdict.status).toBe('broken');
    expect(verdict.violations).toEqual([
      '3 balance releases in 80000-90000 ms, more than max(1, ceil(6 / 3)) = 2 per balance period: ' +
        'n1 released t1 at 81000 ms, n1 released t2 at 82000 ms, n2 released t3 at 89999 ms',
    ]);
  });

  it('counts each period apart', () => {
    const events = history(
      stopped('n1', 't1', 1_000, 81_000),
      stopped('n1', 't2', 1_000, 82_000),
      stopped('n2', 't3', 1_000, 90_000),
      finalState,
    );
    expect(checkBoundedChurn(events, context()).status).toBe('holds');
  });

  it('ignores releases before the quiet phase settled', () => {
    const events = history(
      stopped('n1', 't1', 1_000, 70_000),
      stopped('n1', 't2', 1_000, 75_000),
      stopped('n2', 't3', 1_000, 79_999),
      finalState,
    );
    expect(checkBoundedChurn(events, context()).status).toBe('holds');
  });

  it('ignores releases stopped for other reasons', () => {
    const events = history(
      stopped('n1', 't1', 1_000, 81_000, 'shutdown'),
      stopped('n1', 't2', 1_000, 82_000, 'lost'),
      stopped('n2', 't3', 1_000, 83_000),
      run({ node: 'n2', task: 't4', token: 4, from: 1_000, to: 84_000 }),
      finalState,
    );
    expect(checkBoundedChurn(events, context()).status).toBe('holds');
  });

  it('forgets a stop reason of an earlier run', () => {
    const events = history(
      stopped('n1', 't1', 1_000, 2_000),
      stopped('n1', 't2', 1_000, 81_000),
      stopped('n1', 't3', 1_000, 82_000),
      run({ node: 'n1', task: 't1', token: 3_000, from: 3_000, to: 83_000 }),
      finalState,
    );
    expect(checkBoundedChurn(events, context()).status).toBe('holds');
  });

  it('breaks when a task moves three times', () => {
    const events = history(
      run({ node: 'n1', task: 't1', token: 1, from: 1_000, to: 81_000 }),
      run({ node: 'n2', task: 't1', token: 2, from: 82_000, to: 90_000 }),
      run({ node: 'n3', task: 't1', token: 3, from: 91_000, to: 95_000 }),
      run({ node: 'n1', task: 't1', token: 4, from: 96_000 }),
      finalState,
    );
    const verdict = checkBoundedChurn(events, context());
    expect(verdict.status).toBe('broken');
    expect(verdict.violations).toEqual([
      'task t1 moved 3 times in 80000-120000 ms, more than 2: ' +
        'n1 -> n2 at 82000 ms, n2 -> n3 at 91000 ms, n3 -> n1 at 96000 ms',
    ]);
  });

  it('holds for two moves and reclaims by one node', () => {
    const events = history(
      run({ node: 'n1', task: 't1', token: 1, from: 1_000, to: 81_000 }),
      run({ node: 'n2', task: 't1', token: 2, from: 82_000, to: 90_000 }),
      run({ node: 'n2', task: 't1', token: 3, from: 91_000, to: 95_000 }),
      run({ node: 'n1', task: 't1', token: 4, from: 96_000 }),
      finalState,
    );
    expect(checkBoundedChurn(events, context()).status).toBe('holds');
  });

  it('counts no moves before the span', () => {
    const events = history(
      run({ node: 'n1', task: 't1', token: 1, from: 1_000, to: 2_000 }),
      run({ node: 'n2', task: 't1', token: 2, from: 3_000, to: 4_000 }),
      run({ node: 'n3', task: 't1', token: 3, from: 5_000, to: 81_000 }),
      run({ node: 'n1', task: 't1', token: 4, from: 82_000, to: 83_000 }),
      run({ node: 'n2', task: 't1', token: 5, from: 84_000 }),
      finalState,
    );
    expect(checkBoundedChurn(events, context()).status).toBe('holds');
  });

  it('starts a resubmitted task without moves', () => {
    const events = history(
      run({ node: 'n1', task: 't1', token: 1, from: 1_000, to: 81_000 }),
      run({ node: 'n2', task: 't1', token: 2, from: 82_000, to: 90_000 }),
      run({ node: 'n3', task: 't1', token: 3, from: 91_000, to: 95_000, result: 'done' }),
      at.submit(95_500, 't1'),
      run({ node: 'n1', task: 't1', token: 4, from: 96_000 }),
      finalState,
    );
    expect(checkBoundedChurn(events, context()).status).toBe('holds');
  });

  it('checks nothing when the span is empty', () => {
    const events = history(
      stopped('n1', 't1', 1_000, 81_000),
      stopped('n1', 't2', 1_000, 82_000),
      stopped('n2', 't3', 1_000, 83_000),
    );
    expect(checkBoundedChurn(events, context({ endsAt: 79_000 })).status).toBe('holds');
  });

  it('breaks without a final state', () => {
    expect(checkBoundedChurn(history(at.nodeStart(0, 'n1')), context()).violations).toEqual([MISSING_FINAL_STATE]);
  });
});
