import { afterEach, describe, expect, it } from 'vitest';

import { runCtlAction } from '../../../src/cli/ctl-command.js';
import type { Consumer } from '../../../src/core/consumer.js';
import type { Message } from '../../../src/statemachine/message.js';
import { StoreTimeoutError } from '../../../src/store/errors.js';
import { FaultyStore } from '../../support/faulty-store.js';
import type { StoreCall } from '../../support/faulty-store.js';
import { NAMESPACE } from '../../support/memory-cluster.js';
import type { HandlerCall } from '../../support/state-machine-cluster.js';
import { recordingHandler, StateMachineCluster } from '../../support/state-machine-cluster.js';

const MINUTE_MS = 60_000;
const STATE_KEY = `${NAMESPACE}/state/a`;
const COMMAND_KEY = `${NAMESPACE}/tasks/a/commands`;

let cluster: StateMachineCluster;

afterEach(async () => {
  await cluster.close();
});

function sleepUntil(untilMs: number): () => Promise<Message> {
  return () => Promise.resolve({ type: 'sleep', untilMs });
}

/** Shuts `consumer` down and returns how much virtual time that took; fails if it never ends. */
async function shutdownTime(consumer: Consumer): Promise<number> {
  const startMs = cluster.clock.now();
  let stopped = false;
  void consumer.shutdown({ timeoutMs: 30_000 }).then(() => (stopped = true));
  for (let step = 0; step < 40 && !stopped; step++) await cluster.clock.advance(step === 0 ? 0 : 1_000);
  if (!stopped) throw new Error('shutdown did not finish within 39 s of virtual time');
  return cluster.clock.now() - startMs;
}

function stateWrites(call: StoreCall): boolean {
  return call.method === 'txn' && call.keys.includes(STATE_KEY);
}

describe('sleeping tasks', () => {
  it('keep their wake-up time across a release and a move', async () => {
    cluster = new StateMachineCluster();
    const t0 = cluster.clock.now();
    const onFirst: HandlerCall[] = [];
    const onSecond: HandlerCall[] = [];
    const first = cluster.stateNode('n1', recordingHandler(onFirst, sleepUntil(t0 + 60 * MINUTE_MS)));
    await cluster.start(first);
    await cluster.client.submit('a');
    await cluster.clock.advance(10 * MINUTE_MS);
    await cluster.start(cluster.stateNode('n2', recordingHandler(onSecond)));

    await shutdownTime(first);

    expect((await cluster.owners()).get('a')).toBe('n2');
    expect(await cluster.state('a')).toEqual({ name: 'sleeping', untilMs: t0 + 60 * MINUTE_MS, errors: [] });
    await cluster.clock.advance(t0 + 60 * MINUTE_MS - 1 - cluster.clock.now());
    expect(onSecond).toHaveLength(0);
    await cluster.clock.advance(1);
    expect(onSecond.map((call) => call.atMs)).toEqual([t0 + 60 * MINUTE_MS]);
    expect(onFirst).toHaveLength(1);
  });

  it('let a node shut down promptly', async () => {
    cluster = new StateMachineCluster();
    const node = cluster.stateNode('n1', recordingHandler([], sleepUntil(cluster.clock.now() + 60 * MINUTE_MS)));
    await cluster.start(node);
    for (const id of ['a', 'b', 'c']) await cluster.client.submit(id);
    await cluster.clock.advance(0);

    expect(await shutdownTime(node)).toBe(0);
    expect(Object.fromEntries(await cluster.owners())).toEqual({ a: null, b: null, c: null });
    expect((await cluster.state('b')).name).toBe('sleeping');
  });
});

describe('commands written before the claim', () => {
  it('apply a pause when the task starts', async () => {
    cluster = new StateMachineCluster();
    await cluster.client.submit('a');
    await cluster.client.sendTaskCommand('a', { type: 'pause' });
    const calls: HandlerCall[] = [];

    await cluster.start(cluster.stateNode('n1', recordingHandler(calls)));
    await cluster.clock.advance(0);

    expect(await cluster.state('a')).toEqual({ name: 'paused', errors: [] });
    expect(await cluster.command('a')).toBeNull();
    expect(calls).toEqual([]);
    expect((await cluster.owners()).get('a')).toBe('n1');
  });
});

describe('store failures', () => {
  it('release the task when loading its state fails', async () => {
    cluster = new StateMachineCluster();
    const faulty = new FaultyStore(cluster.store);
    faulty.failWhen((call) => call.method === 'get' && call.keys[0] === STATE_KEY);
    const failing = cluster.stateNode('n1', recordingHandler([]), { store: faulty });
    await cluster.start(failing);
    await cluster.client.submit('a');
    await cluster.clock.advance(1_000);

    expect(cluster.logger.find('loading task state failed; releasing task').length).toBeGreaterThan(0);
    expect(await cluster.taskIds()).toEqual(['a']);
    expect(await cluster.rawState('a')).toBeNull();

    await shutdownTime(failing);
    const calls: HandlerCall[] = [];
    await cluster.start(cluster.stateNode('n2', recordingHandler(calls)));
    await cluster.clock.advance(0);
    expect(calls.map((call) => call.task)).toEqual(['a']);
    expect((await cluster.owners()).get('a')).toBe('n2');
  });

  it('release and keep the task when storing its state fails', async () => {
    cluster = new StateMachineCluster();
    await cluster.client.submit('a');
    await cluster.client.overwriteState('a', '{"state":"runnable"}');
    const faulty = new FaultyStore(cluster.store);
    faulty.failWhen(stateWrites, () => new StoreTimeoutError('injected'));
    const calls: HandlerCall[] = [];
    const released: string[] = [];
    const node = cluster.stateNode('n1', recordingHandler(calls, () => Promise.resolve({ type: 'complete' })), {
      store: faulty,
    });
    node.on('released', ({ taskId }) => released.push(taskId));
    await cluster.start(node);
    await cluster.clock.advance(600);

    expect(released).toEqual(['a']);
    expect(await cluster.taskIds()).toEqual(['a']);
    expect(await cluster.state('a')).toEqual({ name: 'runnable', errors: [] });
    expect(cluster.logger.find('storing task state failed; releasing task')).toHaveLength(1);

    faulty.heal();
    await cluster.clock.advance(2_000);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(await cluster.taskIds()).toEqual([]);
    expect(await cluster.state('a')).toEqual({ name: 'completed', errors: [] });
  });

  it('stop at once while a state write hangs', async () => {
    cluster = new StateMachineCluster();
    const faulty = new FaultyStore(cluster.store);
    let answer: () => void = () => {};
    const hanging = new Promise<void>((resolve) => (answer = resolve));
    // The first state write, of the initial state, goes through; the one after the handler hangs.
    let writes = 0;
    faulty.beforeCall((call) => (stateWrites(call) && ++writes > 1 ? hanging : Promise.resolve()));
    const handler = recordingHandler([], () => Promise.resolve({ type: 'complete' }));
    const node = cluster.stateNode('n1', handler, { store: faulty });
    await cluster.start(node);
    await cluster.client.submit('a');
    await cluster.clock.advance(0);

    expect(await shutdownTime(node)).toBe(0);
    answer();
    await cluster.clock.advance(0);
    expect(await cluster.state('a')).toEqual({ name: 'runnable', errors: [] });
    expect(await cluster.taskIds()).toEqual(['a']);
  });

  it('stop at once while loading the state hangs', async () => {
    cluster = new StateMachineCluster();
    const faulty = new FaultyStore(cluster.store);
    let answer: () => void = () => {};
    const hanging = new Promise<void>((resolve) => (answer = resolve));
    faulty.beforeCall((call) => (call.method === 'get' && call.keys.includes(STATE_KEY) ? hanging : Promise.resolve()));
    const calls: HandlerCall[] = [];
    const node = cluster.stateNode('n1', recordingHandler(calls), { store: faulty });
    await cluster.start(node);
    await cluster.client.submit('a');
    await cluster.clock.advance(0);

    expect(await shutdownTime(node)).toBe(0);
    answer();
    await cluster.clock.advance(0);
    expect(calls).toEqual([]);
    expect(await cluster.taskIds()).toEqual(['a']);
  });

  it('end the run without writes once the claim is gone', async () => {
    cluster = new StateMachineCluster();
    let finish: (message: Message) => void = () => {};
    const node = cluster.stateNode('n1', recordingHandler([], () => new Promise((resolve) => (finish = resolve))));
    await cluster.start(node);
    await cluster.client.submit('a');
    await cluster.clock.advance(0);
    // Another node's claim replaces this node's owner key before the handler resolves.
    await cluster.store.delete(`${NAMESPACE}/tasks/a/owner`);
    await cluster.store.put(`${NAMESPACE}/tasks/a/owner`, '{"node":"elsewhere"}');
    finish({ type: 'complete' });
    await cluster.clock.advance(0);

    // The node saw its claim go and stopped the run, so it did not wait for the fenced write.
    expect(cluster.logger.find('run stopped while storing task state; releasing task')).toHaveLength(1);
    expect(await cluster.state('a')).toEqual({ name: 'runnable', errors: [] });
    expect(await cluster.taskIds()).toEqual(['a']);
  });
});

describe('invalid task commands', () => {
  const cases = [
    ['not JSON', 'pause!'],
    ['an unknown message', '{"type":"explode"}'],
  ] as const;

  it.each(cases)('of %s are deleted while the task runs', async (_kind, value) => {
    cluster = new StateMachineCluster();
    const calls: HandlerCall[] = [];
    await cluster.start(cluster.stateNode('n1', recordingHandler(calls)));
    await cluster.client.submit('a');
    await cluster.clock.advance(0);

    await cluster.store.put(COMMAND_KEY, value);
    await cluster.clock.advance(60 * MINUTE_MS);

    expect(await cluster.command('a')).toBeNull();
    const logged = cluster.logger.find('invalid task command deleted');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.fields['task']).toBe('a');
    expect(await cluster.state('a')).toEqual({ name: 'runnable', errors: [] });
    expect(calls).toHaveLength(1);
  });

  it.each(cases)('of %s are deleted while the task is paused', async (_kind, value) => {
    cluster = new StateMachineCluster();
    await cluster.client.submit('a');
    await cluster.client.overwriteState('a', '{"state":"paused"}');
    await cluster.start(cluster.stateNode('n1', recordingHandler([])));
    await cluster.clock.advance(0);

    await cluster.store.put(COMMAND_KEY, value);
    await cluster.clock.advance(60 * MINUTE_MS);

    expect(await cluster.command('a')).toBeNull();
    expect(cluster.logger.find('invalid task command deleted')).toHaveLength(1);
    expect(await cluster.state('a')).toEqual({ name: 'paused', errors: [] });
    const faults = cluster.logger.find('task state changed').filter((line) => line.fields['to'] === 'fault');
    expect(faults).toEqual([]);
  });
});

describe('an unparseable stored state', () => {
  it('holds the task until an operator overwrites it', async () => {
    cluster = new StateMachineCluster();
    await cluster.client.submit('a');
    await cluster.client.overwriteState('a', '{"state":"runnable"');
    const calls: HandlerCall[] = [];
    await cluster.start(cluster.stateNode('n1', recordingHandler(calls), { invalidStateRetryMs: 30_000 }));
    await cluster.clock.advance(5 * MINUTE_MS);

    expect(calls).toEqual([]);
    expect(await cluster.taskIds()).toEqual(['a']);
    expect(await cluster.rawState('a')).toBe('{"state":"runnable"');
    expect(cluster.logger.find('stored task state is invalid; task kept until it is overwritten')).toHaveLength(1);
    let output = '';
    const shown = runCtlAction({ action: 'state', id: 'a', json: false }, cluster.client, (text) => (output += text));
    await expect(shown).rejects.toThrow(
      'invalid stored state of task "a": not valid JSON; stored value "{\\"state\\":\\"runnable\\""; ' +
        'overwrite it with metafora ctl state a --set runnable',
    );
    expect(output).toBe('');

    const set = { action: 'set-state', id: 'a', state: { name: 'runnable', errors: [] } } as const;
    await runCtlAction(set, cluster.client, (text) => (output += text));
    await cluster.clock.advance(30_000);

    expect(output).toBe('set the state of a to runnable\n');
    expect(calls).toHaveLength(1);
  });

  it('is read again at once when a command arrives', async () => {
    cluster = new StateMachineCluster();
    await cluster.client.submit('a');
    await cluster.client.overwriteState('a', 'garbage');
    await cluster.start(cluster.stateNode('n1', recordingHandler([]), { invalidStateRetryMs: 30_000 }));
    await cluster.clock.advance(0);

    await cluster.client.overwriteState('a', '{"state":"runnable"}');
    await cluster.client.sendTaskCommand('a', { type: 'pause' });
    await cluster.clock.advance(0);

    expect(await cluster.state('a')).toEqual({ name: 'paused', errors: [] });
  });
});
