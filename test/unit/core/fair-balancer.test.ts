import { describe, expect, it } from 'vitest';

import type { BalancerContext, ClusterSnapshot } from '../../../src/core/balancer.js';
import { DumbBalancer } from '../../../src/core/dumb-balancer.js';
import { FairBalancer, fairShare, hasStarvedNode, keepLimit, releaseLimit } from '../../../src/core/fair-balancer.js';
import { ManualClock } from '../../../src/runtime/manual-clock.js';
import { SeededRandom } from '../../../src/runtime/seeded-random.js';
import { silentLogger } from '../../../src/runtime/logger.js';
import { MemoryCluster, untilStopped } from '../../support/memory-cluster.js';

function context(running: number, snapshot: ClusterSnapshot, clock = new ManualClock()): BalancerContext {
  const tasks = Array.from({ length: running }, (_, i) => ({ task: { id: `t${i}`, props: null }, startedAt: 0 }));
  return {
    claimsInFlight: () => 0,
    node: 'me',
    clock,
    random: new SeededRandom('fair'),
    logger: silentLogger,
    cluster: { clusterSnapshot: () => snapshot },
    runningTasks: () => tasks,
  };
}

/** A snapshot whose tasks are spread evenly over the active nodes unless `counts` says otherwise. */
function snapshot(totalTasks: number, activeNodes: string[], counts?: Record<string, number>): ClusterSnapshot {
  const even = Math.floor(totalTasks / Math.max(1, activeNodes.length));
  const spread = counts ?? Object.fromEntries(activeNodes.map((node) => [node, even]));
  return { totalTasks, counts: new Map(Object.entries(spread)), activeNodes };
}

describe('FairBalancer', () => {
  it('releases exactly the excess, each task once', async () => {
    const balancer = new FairBalancer();
    balancer.init(context(14, snapshot(32, ['me', 'b', 'c'], { me: 14, b: 9, c: 9 })));
    const released = await balancer.balance();
    // 32 tasks on 3 nodes: the 120% limit is 13, but b and c are starved (below the fair share
    // of 11 minus 1), so the node keeps the average rounded down, 10.
    expect(released).toHaveLength(14 - 10);
    expect(new Set(released).size).toBe(released.length);
  });

  it('keeps up to the 120% limit with no starved node', async () => {
    const balancer = new FairBalancer();
    balancer.init(context(13, snapshot(33, ['me', 'b', 'c'], { me: 13, b: 10, c: 10 })));
    expect(await balancer.balance()).toEqual([]);
  });

  it('releases above the 120% limit with no starved node', async () => {
    const balancer = new FairBalancer();
    balancer.init(context(16, snapshot(36, ['me', 'b', 'c'], { me: 16, b: 11, c: 9 })));
    // The limit is ceil(36 * 120 / 300) = 15; the fair share is 12 and c has 9 < 11, so starved.
    expect(await balancer.balance()).toHaveLength(16 - 12);
  });

  it('fills a starved node that just joined', () => {
    const starving = snapshot(45, ['a', 'b', 'c', 'd'], { a: 14, b: 14, c: 14, d: 3 });
    expect(hasStarvedNode(starving)).toBe(true);
    expect(keepLimit(starving, 120)).toBe(11);
    const settled = snapshot(45, ['a', 'b', 'c', 'd'], { a: 11, b: 11, c: 11, d: 12 });
    expect(hasStarvedNode(settled)).toBe(false);
    expect(keepLimit(settled, 120)).toBe(14);
  });

  it('keeps a single task between two nodes', async () => {
    const balancer = new FairBalancer();
    balancer.init(context(1, snapshot(1, ['me', 'other'])));
    expect(await balancer.balance()).toEqual([]);
  });

  it('leaves a stopping node out of the average', async () => {
    // Three registered nodes, one stopping: the average is 30 / 2, so 15 tasks stay.
    const balancer = new FairBalancer();
    balancer.init(context(15, snapshot(30, ['me', 'b'])));
    expect(await balancer.balance()).toEqual([]);
  });

  it('delays claims after releasing', async () => {
    const clock = new ManualClock();
    const balancer = new FairBalancer({ claimDelayPerReleaseMs: 1_000 });
    const balancerContext = context(5, snapshot(6, ['me', 'b', 'c'], { me: 5, b: 1, c: 0 }), clock);
    balancer.init(balancerContext);
    const released = await balancer.balance();
    expect(released).toHaveLength(3);
    expect(balancer.canClaim('new')).toEqual({ claim: false, retryAt: 3_000 });
    balancerContext.runningTasks().splice(0);
    await clock.advance(3_000);
    expect(balancer.canClaim('new')).toEqual({ claim: true });
  });

  it('skips the pause after releasing when nobody else is below', async () => {
    const balancer = new FairBalancer({ claimDelayPerReleaseMs: 1_000 });
    const counts = { me: 5, b: 1, c: 0 };
    const balancerContext = {
      ...context(5, snapshot(6, ['me', 'b', 'c'], counts)),
      cluster: { clusterSnapshot: () => snapshot(6, ['me', 'b', 'c'], counts) },
    };
    balancer.init(balancerContext);
    expect(await balancer.balance()).toHaveLength(3);
    counts.b = 2;
    counts.c = 2;
    balancerContext.runningTasks().splice(0);
    expect(balancer.canClaim('orphan')).toEqual({ claim: true });
  });

  it('counts claims in flight toward its share', () => {
    const balancer = new FairBalancer();
    balancer.init({ ...context(1, snapshot(4, ['me', 'b'], { me: 1, b: 1 })), claimsInFlight: () => 1 });
    expect(balancer.canClaim('x').claim).toBe(false);
  });

  it('claims at once when no other node is below its share', () => {
    const balancer = new FairBalancer();
    balancer.init(context(2, snapshot(4, ['me', 'b'], { me: 2, b: 2 })));
    expect(balancer.canClaim('x')).toEqual({ claim: true });
  });

  it('yields at its fair share, then claims after the last yield', async () => {
    const clock = new ManualClock();
    const balancer = new FairBalancer({ yieldDelayMs: 500, maxYields: 2 });
    balancer.init(context(2, snapshot(4, ['me', 'b'], { me: 2, b: 1 }), clock));
    const first = balancer.canClaim('x');
    expect(first.claim).toBe(false);
    await clock.advance(750);
    expect(balancer.canClaim('x').claim).toBe(false);
    await clock.advance(750);
    expect(balancer.canClaim('x')).toEqual({ claim: true });
  });

  it('asks again only after the yield ends', () => {
    const balancer = new FairBalancer({ yieldDelayMs: 500 });
    balancer.init(context(2, snapshot(4, ['me', 'b'], { me: 2, b: 1 })));
    const first = balancer.canClaim('x');
    expect(first.claim).toBe(false);
    expect(balancer.canClaim('x')).toEqual(first);
  });

  it('computes the limit in integers', () => {
    expect(releaseLimit(snapshot(30, ['a', 'b', 'c']), 120)).toBe(12);
    expect(releaseLimit(snapshot(10, ['a', 'b', 'c']), 120)).toBe(4);
    expect(fairShare(snapshot(30, ['a', 'b', 'c']))).toBe(10);
    expect(fairShare(snapshot(0, []))).toBe(1);
  });
});

describe('FairBalancer in a cluster', () => {
  it('never moves a single task between two nodes', async () => {
    const cluster = new MemoryCluster();
    const moves: string[] = [];
    const first = cluster.consumer('n1', untilStopped(), { balanceEveryMs: 1_000 });
    await cluster.start(first);
    await cluster.client.submit('only');
    await cluster.clock.advance(0);
    const second = cluster.consumer('n2', untilStopped(), { balanceEveryMs: 1_000 });
    await cluster.start(second);
    for (const node of [first, second]) node.on('released', ({ taskId }) => moves.push(taskId));
    await cluster.clock.advance(20_000);
    expect(moves).toEqual([]);
    expect((await cluster.owners()).get('only')).toBe('n1');
    await cluster.close();
  });

  it('spreads thirty tasks over three nodes after one balance', async () => {
    const cluster = new MemoryCluster();
    const nodes = ['n1', 'n2', 'n3'].map((name) =>
      cluster.consumer(name, untilStopped(), { balanceEveryMs: 10_000 }),
    );
    await cluster.start(nodes[0]!);
    for (let i = 0; i < 30; i++) await cluster.client.submit(`t${i}`);
    await cluster.clock.advance(0);
    for (const node of nodes.slice(1)) await cluster.start(node);
    await cluster.clock.advance(30_000);
    const counts = new Map<string, number>();
    for (const owner of (await cluster.owners()).values()) counts.set(owner ?? 'none', (counts.get(owner ?? 'none') ?? 0) + 1);
    expect(counts.get('none')).toBeUndefined();
    for (const name of ['n1', 'n2', 'n3']) expect(counts.get(name)).toBeGreaterThanOrEqual(8);
    await cluster.close();
  });

  it('dumb balancer never releases', async () => {
    const balancer = new DumbBalancer();
    expect(await balancer.balance()).toEqual([]);
  });
});
