import { afterEach, describe, expect, it } from 'vitest';

import type { Claim, CoordinatorContext } from '../../../src/core/coordinator.js';
import type { TaskCommand } from '../../../src/core/task-command.js';
import { StoreCoordinator } from '../../../src/coordinator/store-coordinator.js';
import { StoreUnavailableError } from '../../../src/store/errors.js';
import { MemoryCluster, NAMESPACE } from '../../support/memory-cluster.js';

const COMMAND_KEY = `${NAMESPACE}/tasks/a/commands`;

const idle: CoordinatorContext = { offer() {}, lost() {}, command() {} };

let cluster: MemoryCluster;
const coordinators: StoreCoordinator[] = [];

async function startCoordinator(node: string): Promise<StoreCoordinator> {
  const coordinator = new StoreCoordinator({
    store: cluster.store,
    node,
    namespace: NAMESPACE,
    clock: cluster.clock,
    logger: cluster.logger,
  });
  coordinators.push(coordinator);
  await coordinator.start(idle);
  return coordinator;
}

/** Starts a node, submits task `a` and claims it. */
async function claimedTask(): Promise<{ coordinator: StoreCoordinator; claim: Claim }> {
  cluster = new MemoryCluster();
  const coordinator = await startCoordinator('n1');
  await cluster.client.submit('a');
  const claim = await coordinator.claim('a');
  if (claim === null) throw new Error('claim of a failed');
  return { coordinator, claim };
}

function record(received: TaskCommand[]): (command: TaskCommand) => void {
  return (command) => received.push(command);
}

afterEach(async () => {
  for (const coordinator of coordinators.splice(0)) await coordinator.close();
  await cluster.close();
});

describe('task commands through the task watch', () => {
  it('delivers a command stored before subscribing', async () => {
    const { coordinator, claim } = await claimedTask();
    await cluster.store.put(COMMAND_KEY, '{"type":"pause"}');
    await cluster.clock.advance(0);
    const received: TaskCommand[] = [];

    coordinator.taskCommands(claim).subscribe(record(received));

    expect(received.map((command) => command.value)).toEqual(['{"type":"pause"}']);
  });

  it('delivers later commands in order', async () => {
    const { coordinator, claim } = await claimedTask();
    const received: TaskCommand[] = [];
    coordinator.taskCommands(claim).subscribe(record(received));

    await cluster.store.put(COMMAND_KEY, '{"type":"pause"}');
    await cluster.store.put(COMMAND_KEY, '{"type":"run"}');
    await cluster.clock.advance(0);

    expect(received.map((command) => command.value)).toEqual(['{"type":"pause"}', '{"type":"run"}']);
    expect(received[0]!.revision).toBeLessThan(received[1]!.revision);
  });

  it('ignores commands of other tasks', async () => {
    const { coordinator, claim } = await claimedTask();
    await cluster.client.submit('ab');
    const received: TaskCommand[] = [];
    coordinator.taskCommands(claim).subscribe(record(received));

    await cluster.store.put(`${NAMESPACE}/tasks/ab/commands`, '{"type":"pause"}');
    await cluster.clock.advance(0);

    expect(received).toEqual([]);
  });

  it('stops delivering after unsubscribe', async () => {
    const { coordinator, claim } = await claimedTask();
    const received: TaskCommand[] = [];
    const unsubscribe = coordinator.taskCommands(claim).subscribe(record(received));

    unsubscribe();
    await cluster.store.put(COMMAND_KEY, '{"type":"pause"}');
    await cluster.clock.advance(0);

    expect(received).toEqual([]);
  });

  it('delete removes the delivered command', async () => {
    const { coordinator, claim } = await claimedTask();
    const received: TaskCommand[] = [];
    const source = coordinator.taskCommands(claim);
    source.subscribe(record(received));
    await cluster.store.put(COMMAND_KEY, '{"type":"pause"}');
    await cluster.clock.advance(0);

    expect(await source.delete(received[0]!)).toBe(true);
    expect((await cluster.store.get(COMMAND_KEY)).kv).toBeNull();
  });

  it('delete keeps a newer command', async () => {
    const { coordinator, claim } = await claimedTask();
    const received: TaskCommand[] = [];
    const source = coordinator.taskCommands(claim);
    source.subscribe(record(received));
    await cluster.store.put(COMMAND_KEY, '{"type":"pause"}');
    await cluster.clock.advance(0);
    await cluster.store.put(COMMAND_KEY, '{"type":"kill"}');

    expect(await source.delete(received[0]!)).toBe(false);
    expect((await cluster.store.get(COMMAND_KEY)).kv?.value).toBe('{"type":"kill"}');
  });

  it('delete changes nothing after the claim is gone', async () => {
    const { coordinator, claim } = await claimedTask();
    const received: TaskCommand[] = [];
    const source = coordinator.taskCommands(claim);
    source.subscribe(record(received));
    await cluster.store.put(COMMAND_KEY, '{"type":"pause"}');
    await cluster.clock.advance(0);
    await coordinator.release(claim);

    expect(await source.delete(received[0]!)).toBe(false);
    expect((await cluster.store.get(COMMAND_KEY)).kv?.value).toBe('{"type":"pause"}');
  });

  it('does not deliver a command again after a new listing', async () => {
    const { coordinator, claim } = await claimedTask();
    const received: TaskCommand[] = [];
    coordinator.taskCommands(claim).subscribe(record(received));
    await cluster.store.put(COMMAND_KEY, '{"type":"pause"}');
    await cluster.clock.advance(0);

    // A broken watch makes the coordinator list the prefix again, which shows the same command.
    cluster.store.breakWatches(new StoreUnavailableError('watch broken by the test'));
    await cluster.clock.advance(1_000);
    expect(cluster.logger.find('watch restored').length).toBeGreaterThan(0);

    expect(received.map((command) => command.value)).toEqual(['{"type":"pause"}']);
  });
});
