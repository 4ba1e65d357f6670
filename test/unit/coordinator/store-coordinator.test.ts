import { afterEach, describe, expect, it } from 'vitest';

import type { CoordinatorContext } from '../../../src/core/coordinator.js';
import type { NodeCommand } from '../../../src/core/node-command.js';
import { StoreCoordinator } from '../../../src/coordinator/store-coordinator.js';
import { InvalidArgumentError } from '../../../src/runtime/errors.js';
import { CuttableStore } from '../../../src/store/cuttable-store.js';
import { MemoryCluster, NAMESPACE } from '../../support/memory-cluster.js';

/** A coordinator context that records what it is told. */
class Recorder implements CoordinatorContext {
  offers: string[] = [];
  losses: string[] = [];
  commands: NodeCommand[] = [];
  offer(taskId: string): void {
    this.offers.push(taskId);
  }
  lost(taskId: string): void {
    this.losses.push(taskId);
  }
  command(command: NodeCommand): void {
    this.commands.push(command);
  }
}

let cluster: MemoryCluster;
const coordinators: StoreCoordinator[] = [];

async function startCoordinator(node: string, context = new Recorder()) {
  const coordinator = new StoreCoordinator({
    store: cluster.store,
    node,
    namespace: NAMESPACE,
    clock: cluster.clock,
    logger: cluster.logger,
  });
  coordinators.push(coordinator);
  await coordinator.start(context);
  return { coordinator, context };
}

afterEach(async () => {
  for (const coordinator of coordinators.splice(0)) await coordinator.close();
  await cluster.close();
});

describe('StoreCoordinator claims', () => {
  it('fails a claim on a deleted task and leaves no keys', async () => {
    cluster = new MemoryCluster();
    const { coordinator, context } = await startCoordinator('n1');
    await cluster.client.submit('gone', { a: 1 });
    await cluster.clock.advance(0);
    expect(context.offers).toEqual(['gone']);
    await cluster.client.delete('gone');
    expect(await coordinator.claim('gone')).toBeNull();
    expect(await cluster.keys(`${NAMESPACE}/tasks/`)).toEqual([]);
  });

  it('uses the owner key revision as fencing token', async () => {
    cluster = new MemoryCluster();
    const { coordinator } = await startCoordinator('n1');
    await cluster.client.submit('a', { size: 2 });
    const claim = await coordinator.claim('a');
    const owner = await cluster.store.get(`${NAMESPACE}/tasks/a/owner`);
    expect(claim?.fencingToken).toBe(owner.kv?.createRevision);
    expect(claim?.task).toEqual({ id: 'a', props: { size: 2 } });
  });

  it('gives a later claim a larger fencing token', async () => {
    cluster = new MemoryCluster();
    const { coordinator } = await startCoordinator('n1');
    await cluster.client.submit('a');
    const first = await coordinator.claim('a');
    await coordinator.release(first!);
    const second = await coordinator.claim('a');
    expect(second!.fencingToken).toBeGreaterThan(first!.fencingToken);
  });

  it('rejects a second claim of an owned task', async () => {
    cluster = new MemoryCluster();
    const { coordinator: one } = await startCoordinator('n1');
    const { coordinator: two } = await startCoordinator('n2');
    await cluster.client.submit('a');
    expect(await one.claim('a')).not.toBeNull();
    expect(await two.claim('a')).toBeNull();
  });

  it('finishing a leaves task ab alone', async () => {
    cluster = new MemoryCluster();
    const { coordinator } = await startCoordinator('n1');
    await cluster.client.submit('a', { x: 1 });
    await cluster.client.submit('ab', { x: 2 });
    const claimA = await coordinator.claim('a');
    const claimAb = await coordinator.claim('ab');
    await coordinator.done(claimA!);
    expect(await cluster.keys(`${NAMESPACE}/tasks/`)).toEqual([
      `${NAMESPACE}/tasks/ab`,
      `${NAMESPACE}/tasks/ab/owner`,
      `${NAMESPACE}/tasks/ab/props`,
    ]);
    expect(claimAb).not.toBeNull();
  });

  it('release and done by a former owner change nothing', async () => {
    cluster = new MemoryCluster();
    const { coordinator: old } = await startCoordinator('n1');
    const { coordinator: current } = await startCoordinator('n2');
    await cluster.client.submit('a');
    const stale = await old.claim('a');
    await cluster.store.delete(`${NAMESPACE}/tasks/a/owner`);
    const fresh = await current.claim('a');
    const before = await cluster.store.range(NAMESPACE);

    await old.release(stale!);
    await old.done(stale!);
    const after = await cluster.store.range(NAMESPACE);
    expect(after.revision).toBe(before.revision);
    expect((await cluster.owners()).get('a')).toBe('n2');
    expect(fresh).not.toBeNull();
  });

  it('reports a claim lost when its owner key is deleted', async () => {
    cluster = new MemoryCluster();
    const { coordinator, context } = await startCoordinator('n1');
    await cluster.client.submit('a');
    await coordinator.claim('a');
    await cluster.store.delete(`${NAMESPACE}/tasks/a/owner`);
    await cluster.clock.advance(0);
    expect(context.losses).toEqual(['a']);
  });

  it('deletes an owner key of its own that no run uses', async () => {
    cluster = new MemoryCluster();
    const { context } = await startCoordinator('n1');
    await cluster.client.submit('a');
    await cluster.clock.advance(0);
    const lease = (await cluster.store.get(`${NAMESPACE}/nodes/n1`)).kv!.lease!;
    await cluster.store.put(`${NAMESPACE}/tasks/a/owner`, JSON.stringify({ node: 'n1' }), { lease });
    await cluster.clock.advance(0);
    expect((await cluster.owners()).get('a')).toBeNull();
    expect(context.offers).toEqual(['a', 'a']);
  });
});

describe('StoreCoordinator session', () => {
  it('reports every claim lost before the lease can expire', async () => {
    cluster = new MemoryCluster();
    const link = new CuttableStore(cluster.store);
    const context = new Recorder();
    const coordinator = new StoreCoordinator({
      store: link,
      node: 'n1',
      namespace: NAMESPACE,
      leaseTtlSeconds: 10,
      leaseSafetyMarginMs: 2_000,
      clock: cluster.clock,
    });
    coordinators.push(coordinator);
    await coordinator.start(context);
    await cluster.client.submit('a');
    await coordinator.claim('a');
    link.cut();
    await cluster.clock.advance(7_999);
    expect(context.losses).toEqual([]);
    await cluster.clock.advance(1);
    expect(context.losses).toEqual(['a']);
    expect((await cluster.owners()).get('a')).toBe('n1');
    link.heal();
  });

  it('registers again after its lease was revoked', async () => {
    cluster = new MemoryCluster();
    const { coordinator, context } = await startCoordinator('n1');
    await cluster.client.submit('a');
    await coordinator.claim('a');
    const lease = (await cluster.store.get(`${NAMESPACE}/nodes/n1`)).kv!.lease!;
    await cluster.store.revokeLease(lease);
    await cluster.clock.advance(10_000);
    const registration = await cluster.store.get(`${NAMESPACE}/nodes/n1`);
    expect(registration.kv?.lease).not.toBe(lease);
    expect(registration.kv).not.toBeNull();
    expect(context.losses).toEqual(['a']);
  });

  it('rejects a lease TTL below two seconds', () => {
    cluster = new MemoryCluster();
    expect(
      () => new StoreCoordinator({ store: cluster.store, node: 'n1', leaseTtlSeconds: 1 }),
    ).toThrow(InvalidArgumentError);
  });

  it('keeps its own lease while waiting for its name', async () => {
    cluster = new MemoryCluster();
    const holder = await cluster.store.grantLease(10);
    await cluster.store.put(`${NAMESPACE}/nodes/n1`, '{}', { lease: holder.id });
    await cluster.clock.advance(500);
    const starting = startCoordinator('n1');
    const outcome = starting.then(
      () => 'started',
      (error: Error) => error.name,
    );
    await cluster.clock.advance(12_000);
    expect(await outcome).toBe('started');
  });

  it('waits for a previous holder of its name, then fails', async () => {
    cluster = new MemoryCluster();
    const lease = await cluster.store.grantLease(30);
    await cluster.store.put(`${NAMESPACE}/nodes/n1`, '{}', { lease: lease.id });
    const failing = startCoordinator('n1');
    const outcome = failing.then(
      () => 'started',
      (error: Error) => error.name,
    );
    await cluster.clock.advance(13_000);
    expect(await outcome).toBe('NodeNameInUseError');
  });
});

describe('StoreCoordinator commands', () => {
  it('applies a valid command once and deletes it', async () => {
    cluster = new MemoryCluster();
    const { context } = await startCoordinator('n1');
    await cluster.client.sendNodeCommand('n1', { command: 'balance' });
    await cluster.clock.advance(0);
    expect(context.commands).toEqual([{ command: 'balance' }]);
    expect(await cluster.keys(`${NAMESPACE}/nodes/n1/commands/`)).toEqual([]);
  });

  it('applies commands sent before it started', async () => {
    cluster = new MemoryCluster();
    await cluster.store.put(`${NAMESPACE}/nodes/n1/commands/1`, JSON.stringify({ command: 'freeze' }));
    const { context } = await startCoordinator('n1');
    await cluster.clock.advance(0);
    expect(context.commands).toEqual([{ command: 'freeze' }]);
  });
});
