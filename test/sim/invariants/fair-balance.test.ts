import { describe, expect, it } from 'vitest';

import type { HistoryEvent } from '../../../sim/history.js';
import { checkFairBalance, fairLimit } from '../../../sim/invariants/fair-balance.js';
import { MISSING_FINAL_STATE } from '../../../sim/invariants/final-state.js';
import { at, context, history, settled } from './history-builder.js';

/** Owners giving each node the listed number of tasks, named t1, t2, ... in node order. */
function spread(counts: Record<string, number>): Record<string, string> {
  const owners: Record<string, string> = {};
  let next = 1;
  for (const [node, count] of Object.entries(counts)) {
    for (let i = 0; i < count; i++) owners[`t${next++}`] = node;
  }
  return owners;
}

function cluster(counts: Record<string, number>, extra: HistoryEvent[] = []): HistoryEvent[] {
  const nodes = Object.keys(counts);
  return history(
    nodes.map((node) => at.nodeStart(0, node)),
    extra,
    settled(90_000, spread(counts), nodes),
  );
}

describe('checkFairBalance', () => {
  it('holds at exactly the limit', () => {
    const verdict = checkFairBalance(cluster({ n1: 12, n2: 10, n3: 8 }), context());
    expect(verdict.status).toBe('holds');
    expect(verdict.violations).toEqual([]);
  });

  it('breaks above the limit', () => {
    const verdict = checkFairBalance(cluster({ n1: 13, n2: 10, n3: 7 }), context());
    expect(verdict.status).toBe('broken');
    expect(verdict.violations).toEqual([
      'n1 owns 13 tasks at final-state (90000 ms), more than ceil(30 * 120 / (100 * 3)) = 12 ' +
        '(T = 30 tasks, N = 3 active nodes: n1, n2, n3)',
    ]);
  });

  it('leaves out nodes that are shutting down', () => {
    const events = cluster({ n1: 6, n2: 4, n3: 0 }, [at.nodeStopping(80_000, 'n3')]);
    expect(checkFairBalance(events, context()).status).toBe('holds');
  });

  it('counts a restarted node again', () => {
    const events = cluster({ n1: 6, n2: 4, n3: 0 }, [at.nodeStopping(80_000, 'n3'), at.nodeStart(85_000, 'n3')]);
    expect(checkFairBalance(events, context()).status).toBe('broken');
  });

  it('counts unowned tasks in T', () => {
    const events = history(
      at.finalState(90_000, {
        owners: { t1: 'n1', t2: 'n1', t3: 'n1', t4: null },
        liveNodes: ['n1', 'n2'],
        running: { n1: ['t1', 't2', 't3'], n2: [] },
      }),
    );
    expect(checkFairBalance(events, context()).status).toBe('holds');
  });

  it('uses the context threshold', () => {
    const events = cluster({ n1: 11, n2: 10, n3: 9 });
    expect(checkFairBalance(events, context({ fairThresholdPercent: 100 })).status).toBe('broken');
  });

  it('skips other balancers', () => {
    const verdict = checkFairBalance(cluster({ n1: 30, n2: 0 }), context({ balancer: 'sleep' }));
    expect(verdict.status).toBe('holds');
    expect(verdict.violations).toEqual([]);
  });

  it('breaks without a final state', () => {
    expect(checkFairBalance(history(at.nodeStart(0, 'n1')), context()).violations).toEqual([MISSING_FINAL_STATE]);
  });
});

describe('fairLimit', () => {
  it('rounds up in integers', () => {
    expect(fairLimit(30, 3, 120)).toBe(12);
    expect(fairLimit(10, 3, 120)).toBe(4);
    expect(fairLimit(1, 3, 120)).toBe(1);
    expect(fairLimit(0, 3, 120)).toBe(0);
  });
});
