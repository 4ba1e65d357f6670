import { afterEach, describe, expect, it } from 'vitest';

import type { Balancer, ClaimDecision } from '../../../src/core/balancer.js';
import { DumbBalancer } from '../../../src/core/dumb-balancer.js';
import type { Handler } from '../../../src/core/handler.js';
import { CuttableStore } from '../../../src/store/cuttable-store.js';
import { StoreCoordinator } from '../../../src/coordinator/store-coordinator.js';
import { MemoryCluster, NAMESPACE, untilStopped } from '../../support/memory-cluster.js';

/** A balancer that rejects every task until `retryAt`, counting how often it is asked. */
class RejectingBalancer implements Balancer {
  asked = 0;
  constructor(private readonly retryAt: () => number) {}
  init(): void {}
  canClaim(): ClaimDecision {
    this.asked++;
    return { claim: false, retryAt: this.retryAt() };
  }
  balance(): Promise<string[]> {
    return Promise.resolve([]);
  }
}

let cluster: MemoryCluster;

afterEach(async () => {
  await cluster.close();
});

describe('Consumer', () => {
  it('runs tasks submitted while running', async () => {
    cluster = new MemoryCluster();
    const starts: string[] = [];
    const node = cluster.consumer('n1', untilStopped(starts), { balancer: new DumbBalancer() });
    await cluster.start(node);
    await cluster.client.submit('a');
    await cluster.client.submit('b', { size: 3 });
    await cluster.clock.advance(0);
    expect(starts.sort()).toEqual(['a', 'b']);
    expect(Object.fromEntries(await cluster.owners())).toEqual({ a: 'n1', b: 'n1' });
  });

  it('offers tasks submitted before start but not owned ones', async () => {
    cluster = new MemoryCluster();
    await cluster.client.submit('free');
    await cluster.client.submit('taken');
    await cluster.store.put(`${NAMESPACE}/tasks/taken/owner`, JSON.stringify({ node: 'elsewhere' }));
    const starts: string[] = [];
    const node = cluster.consumer('n1', untilStopped(starts), { balancer: new DumbBalancer() });
    await cluster.start(node);
    await cluster.clock.advance(0);
    expect(starts).toEqual(['free']);
  });

  it('asks a rejecting balancer again only after the deadline', async () => {
    cluster = new MemoryCluster();
    const balancer = new RejectingBalancer(() => cluster.clock.now() + 5_000);
    const node = cluster.consumer('n1', untilStopped(), { balancer });
    await cluster.start(node);
    await cluster.client.submit('a');
    await cluster.clock.advance(0);
    expect(balancer.asked).toBe(1);
    await cluster.clock.advance(4_999);
    expect(balancer.asked).toBe(1);
    await cluster.clock.advance(1);
    expect(balancer.asked).toBe(2);
  });

  it('re-offers at once when the deadline is already past', async () => {
    cluster = new MemoryCluster();
    let calls = 0;
    const balancer: Balancer = {
      init() {},
      canClaim: () => (++calls === 1 ? { claim: false, retryAt: cluster.clock.now() - 1 } : { claim: true }),
      balance: () => Promise.resolve([]),
    };
    const starts: string[] = [];
    const node = cluster.consumer('n1', untilStopped(starts), { balancer });
    await cluster.start(node);
    await cluster.client.submit('a');
    await cluster.clock.advance(0);
    expect(calls).toBe(2);
    expect(starts).toEqual(['a']);
  });

  it('marks a task done when its handler returns done', async () => {
    cluster = new MemoryCluster();
    const handler: Handler = () => Promise.resolve('done');
    const node = cluster.consumer('n1', handler, { balancer: new DumbBalancer() });
    await cluster.start(node);
    await cluster.client.submit('a', { x: 1 });
    await cluster.clock.advance(0);
    expect(await cluster.keys(`${NAMESPACE}/tasks/`)).toEqual([]);
  });

  it('treats a thrown error as done and logs its stack', async () => {
    cluster = new MemoryCluster();
    const handler: Handler = () => Promise.reject(new Error('boom'));
    const node = cluster.consumer('n1', handler, { balancer: new DumbBalancer() });
    await cluster.start(node);
    await cluster.client.submit('a');
    await cluster.clock.advance(0);
    expect(await cluster.keys(`${NAMESPACE}/tasks/`)).toEqual([]);
    const failure = cluster.logger.find('handler failed; marking task done')[0];
    expect((failure?.fields['err'] as Error).stack).toContain('boom');
  });
});

describe('Consumer shutdown', () => {
  it('stops and releases once when a loss races the shutdown', async () => {
    cluster = new MemoryCluster();
    let aborts = 0;
    const handler: Handler = (context) =>
      new Promise((resolve) => {
        context.signal.addEventListener('abort', () => {
          aborts++;
          resolve('release');
        });
      });
    const node = cluster.consumer('n1', handler, { balancer: new DumbBalancer() });
    const events: string[] = [];
    node.on('stopping', () => events.push('stopping'));
    node.on('released', () => events.push('released'));
    node.on('done', () => events.push('done'));
    await cluster.start(node);
    await cluster.client.submit('a');
    await cluster.clock.advance(0);

    const stopping = node.shutdown({ timeoutMs: 5_000 });
    await cluster.store.delete(`${NAMESPACE}/tasks/a/owner`);
    await cluster.clock.advance(0);
    await stopping;
    expect(aborts).toBe(1);
    expect(events).toEqual(['stopping', 'released']);
  });

  it('ends within its timeout and names a handler that ignores stop', async () => {
    cluster = new MemoryCluster();
    const stubborn: Handler = () => new Promise(() => undefined);
    const balancer = new RejectingBalancer(() => cluster.clock.now() + 100);
    const rejecting = cluster.consumer('n1', untilStopped(), { balancer });
    const onlyHeld: Balancer = {
      init() {},
      canClaim: (taskId) => (taskId === 'held' ? { claim: true } : { claim: false, retryAt: cluster.clock.now() + 100 }),
      balance: () => Promise.resolve([]),
    };
    const stuck = cluster.consumer('n2', stubborn, { balancer: onlyHeld });
    await cluster.start(stuck);
    await cluster.client.submit('held');
    await cluster.clock.advance(0);
    await cluster.start(rejecting);
    await cluster.client.submit('declined');
    await cluster.clock.advance(0);

    let stoppedAt = 0;
    const shutdowns = [rejecting, stuck].map((node) =>
      node.shutdown({ timeoutMs: 3_000 }).then(() => {
        stoppedAt = Math.max(stoppedAt, cluster.clock.now());
      }),
    );
    const startedAt = cluster.clock.now();
    await cluster.clock.advance(3_000);
    await Promise.all(shutdowns);
    expect(stoppedAt - startedAt).toBeLessThanOrEqual(3_000);
    const named = cluster.logger.find('handlers ignored their stop signal until the shutdown timeout');
    expect(named.map((line) => line.fields['tasks'])).toEqual([['held']]);
    expect(rejecting.state).toBe('stopped');
  });

  it('claims nothing when shut down while starting', async () => {
    cluster = new MemoryCluster();
    await cluster.client.submit('a');
    const starts: string[] = [];
    const node = cluster.consumer('n1', untilStopped(starts), { balancer: new DumbBalancer() });
    const starting = node.start();
    const stopping = node.shutdown({ timeoutMs: 1_000 });
    await cluster.clock.advance(1_000);
    await starting;
    await stopping;
    await cluster.client.submit('b');
    await cluster.clock.advance(1_000);
    expect(starts).toEqual([]);
    expect(node.state).toBe('stopped');
    expect(await cluster.keys(`${NAMESPACE}/nodes/`)).toEqual([]);
  });

  it('lets another node claim the tasks promptly', async () => {
    cluster = new MemoryCluster();
    const leaving = cluster.consumer('n1', untilStopped(), { balancer: new DumbBalancer() });
    await cluster.start(leaving);
    for (const id of ['a', 'b', 'c']) await cluster.client.submit(id);
    await cluster.clock.advance(0);
    const staying = cluster.consumer('n2', untilStopped(), { balancer: new DumbBalancer() });
    await cluster.start(staying);
    await leaving.shutdown({ timeoutMs: 1_000 });
    await cluster.clock.advance(0);
    expect([...(await cluster.owners()).values()]).toEqual(['n2', 'n2', 'n2']);
  });
});

describe('Consumer after a crash', () => {
  it('moves tasks of a cut-off node after its lease expires', async () => {
    cluster = new MemoryCluster();
    const link = new CuttableStore(cluster.store);
    const runningOn = new Map<string, string>();
    const overlaps: string[] = [];
    const tracking = (node: string): Handler => async (context) => {
      const other = runningOn.get(context.task.id);
      if (other !== undefined) overlaps.push(`${context.task.id} on ${other} and ${node}`);
      runningOn.set(context.task.id, node);
      const result = await untilStopped()(context);
      runningOn.delete(context.task.id);
      return result;
    };
    const doomed = cluster.consumer('n1', tracking('n1'), { balancer: new DumbBalancer(), store: link });
    await cluster.start(doomed);
    for (const id of ['a', 'b']) await cluster.client.submit(id);
    await cluster.clock.advance(0);
    const survivor = cluster.consumer('n2', tracking('n2'), { balancer: new DumbBalancer() });
    await cluster.start(survivor);

    link.cut();
    await cluster.clock.advance(9_999);
    expect(Object.fromEntries(await cluster.owners())).toEqual({ a: 'n1', b: 'n1' });
    expect(runningOn.size).toBe(0);
    await cluster.clock.advance(1_000);
    expect(Object.fromEntries(await cluster.owners())).toEqual({ a: 'n2', b: 'n2' });
    expect(overlaps).toEqual([]);
  });
});

describe('Consumer node commands', () => {
  it('deletes invalid and unknown commands and runs on', async () => {
    cluster = new MemoryCluster();
    const starts: string[] = [];
    const node = cluster.consumer('n1', untilStopped(starts), { balancer: new DumbBalancer() });
    await cluster.start(node);
    const commands = `${NAMESPACE}/nodes/n1/commands/`;
    await cluster.store.put(`${commands}1`, 'not json');
    await cluster.store.put(`${commands}2`, JSON.stringify({ command: 'explode' }));
    await cluster.clock.advance(0);
    await cluster.client.submit('a');
    await cluster.clock.advance(0);
    expect(await cluster.keys(commands)).toEqual([]);
    expect(cluster.logger.find('invalid node command deleted')).toHaveLength(2);
    expect(node.state).toBe('running');
    expect(starts).toEqual(['a']);
  });

  it('stops claiming while frozen and resumes on unfreeze', async () => {
    cluster = new MemoryCluster();
    const starts: string[] = [];
    const node = cluster.consumer('n1', untilStopped(starts), { balancer: new DumbBalancer() });
    await cluster.start(node);
    await cluster.client.sendNodeCommand('n1', { command: 'freeze' });
    await cluster.clock.advance(0);
    await cluster.client.submit('a');
    await cluster.clock.advance(0);
    expect(starts).toEqual([]);
    await cluster.client.sendNodeCommand('n1', { command: 'unfreeze' });
    await cluster.clock.advance(0);
    expect(starts).toEqual(['a']);
  });

  it('publishes its frozen flag so others leave it out', async () => {
    cluster = new MemoryCluster();
    const frozen = cluster.consumer('n1', untilStopped(), { balancer: new DumbBalancer() });
    const watcher = new StoreCoordinator({ store: cluster.store, node: 'n2', namespace: NAMESPACE, clock: cluster.clock });
    await cluster.start(frozen);
    await watcher.start({ offer() {}, lost() {}, command() {} });
    await cluster.client.sendNodeCommand('n1', { command: 'freeze' });
    await cluster.clock.advance(0);
    expect(watcher.clusterSnapshot().activeNodes).toEqual(['n2']);
    await cluster.client.sendNodeCommand('n1', { command: 'unfreeze' });
    await cluster.clock.advance(0);
    expect(watcher.clusterSnapshot().activeNodes).toEqual(['n1', 'n2']);
    await watcher.close();
  });

  it('stops a task on stop_task and leaves it to other nodes', async () => {
    cluster = new MemoryCluster();
    const node = cluster.consumer('n1', untilStopped(), { balancer: new DumbBalancer() });
    await cluster.start(node);
    await cluster.client.submit('a');
    await cluster.clock.advance(0);
    await cluster.client.sendNodeCommand('n1', { command: 'stop_task', parameters: { task: 'a' } });
    await cluster.clock.advance(0);
    expect((await cluster.owners()).get('a')).toBeNull();
    const other = cluster.consumer('n2', untilStopped(), { balancer: new DumbBalancer() });
    await cluster.start(other);
    await cluster.clock.advance(0);
    expect((await cluster.owners()).get('a')).toBe('n2');
  });
});
