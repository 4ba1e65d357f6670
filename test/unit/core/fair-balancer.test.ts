import { describe, expect, it } from 'vitest';

import type { BalancerContext, ClusterSnapshot } from '../../../src/core/balancer.js';
import { DumbBalancer } from '../../../src/core/dumb-balancer.js';
import { FairBalancer, fairShare, releaseLimit } from '../../../src/core/fair-balancer.js';
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

function snapshot(totalTasks: number, activeNodes: string[]): ClusterSnapshot {
  return { totalTasks, counts: new Map(), activeNodes };
}

describe('FairBalancer', () => {
  it('releases exactly the excess, each task once', async () => {
    const balancer = new FairBalancer();
    balancer.init(context(20, snapshot(30, ['me', 'b', 'c'])));
    const released = await balancer.balance();
    expect(released).toHaveLength(20 - 12);
    expect(new Set(released).size).toBe(released.length);
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
    const balancerContext = context(5, snapshot(6, ['me', 'b', 'c']), clock);
    balancer.init(balancerContext);
    const released = await balancer.balance();
    expect(released).toHaveLength(2);
    expect(balancer.canClaim('new')).toEqual({ claim: false, retryAt: 2_000 });
    balancerContext.runningTasks().splice(0);
    await clock.advance(2_000);
    expect(balancer.canClaim('new')).toEqual({ claim: true });
  });

  it('counts claims in flight toward its share', () => {
    const balancer = new FairBalancer();
    balancer.init({ ...context(1, snapshot(4, ['me', 'b'])), claimsInFlight: () => 1 });
    expect(balancer.canClaim('x').claim).toBe(false);
  });

  it('yields at its fair share, then claims after the last yield', async () => {
    const clock = new ManualClock();
    const balancer = new FairBalancer({ yieldDelayMs: 500, maxYields: 2 });
    balancer.init(context(2, snapshot(4, ['me', 'b']), clock));
    const first = balancer.canClaim('x');
    expect(first.claim).toBe(false);
    await clock.advance(750);
    expect(balancer.canClaim('x').claim).toBe(false);
    await clock.advance(750);
    expect(balancer.canClaim('x')).toEqual({ claim: true });
  });

  it('asks again only after the yield ends', () => {
    const balancer = new FairBalancer({ yieldDelayMs: 500 });
    balancer.init(context(2, snapshot(4, ['me', 'b'])));
    const first = balancer.canClaim('x');
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
