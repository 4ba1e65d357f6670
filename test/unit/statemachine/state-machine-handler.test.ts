import { afterEach, describe, expect, it } from 'vitest';

import type { Message } from '../../../src/statemachine/message.js';
import type { StateChange } from '../../../src/statemachine/state-machine-handler.js';
import { FaultyStore } from '../../support/faulty-store.js';
import { NAMESPACE } from '../../support/memory-cluster.js';
import type { HandlerCall } from '../../support/state-machine-cluster.js';
import { recordingHandler, StateMachineCluster } from '../../support/state-machine-cluster.js';

const MINUTE_MS = 60_000;

let cluster: StateMachineCluster;

afterEach(async () => {
  await cluster.close();
});

/** Starts node n1 with `handler`, submits task `a` and lets the node claim it. */
async function runTask(calls: HandlerCall[], behave?: Parameters<typeof recordingHandler>[1]): Promise<void> {
  cluster = new StateMachineCluster();
  await cluster.start(cluster.stateNode('n1', recordingHandler(calls, behave)));
  await cluster.client.submit('a');
  await cluster.clock.advance(0);
}

function resolveWith(message: Message): () => Promise<Message> {
  return () => Promise.resolve(message);
}

describe('stateMachineHandler runs', () => {
  it('stores runnable before the first run', async () => {
    const calls: HandlerCall[] = [];
    await runTask(calls);

    expect(await cluster.state('a')).toEqual({ name: 'runnable', errors: [] });
    expect(calls.map((call) => call.state.name)).toEqual(['runnable']);
  });

  it('completes a task and keeps its state', async () => {
    await runTask([], resolveWith({ type: 'complete' }));

    expect(await cluster.taskIds()).toEqual([]);
    expect(await cluster.state('a')).toEqual({ name: 'completed', errors: [] });
  });

  it('sleeps after a thrown error, then runs again', async () => {
    const calls: HandlerCall[] = [];
    const start = 1_700_000_000_000;
    await runTask(calls, (_context, call) => (call === 1 ? Promise.reject(new Error('boom')) : new Promise(() => {})));

    expect(await cluster.state('a')).toEqual({
      name: 'sleeping',
      untilMs: start + 10 * MINUTE_MS,
      errors: [{ timeMs: start, message: 'boom' }],
    });
    expect((await cluster.owners()).get('a')).toBe('n1');
    await cluster.clock.advance(10 * MINUTE_MS - 1);
    expect(calls).toHaveLength(1);
    await cluster.clock.advance(1);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.state.errors).toEqual([{ timeMs: start, message: 'boom' }]);
  });

  it('fails a task after eight errors', async () => {
    const calls: HandlerCall[] = [];
    await runTask(calls, () => Promise.reject(new Error('boom')));

    await cluster.clock.advance(7 * 10 * MINUTE_MS);

    expect(calls).toHaveLength(8);
    expect(await cluster.taskIds()).toEqual([]);
    const state = await cluster.state('a');
    expect(state.name).toBe('failed');
    expect(state.errors.at(-1)?.message).toMatch(/^8 errors within 14400000 ms/);
  });

  it('turns an illegal handler result into a fault', async () => {
    await runTask([], resolveWith({ type: 'run' }));

    const state = await cluster.state('a');
    expect(state.name).toBe('sleeping');
    expect(state.errors.map((error) => error.message)).toEqual([
      'stateful handler resolved "run", not allowed in state runnable',
    ]);
  });

  it('turns a result that is no message into a fault', async () => {
    await runTask([], () => Promise.resolve('complete' as unknown as Message));

    const state = await cluster.state('a');
    expect(state.name).toBe('sleeping');
    expect(state.errors[0]?.message).toMatch(/^unknown message in the stateful handler result/);
  });

  it('runs the handler again after a checkpoint', async () => {
    const calls: HandlerCall[] = [];
    await runTask(calls, (_context, call) =>
      Promise.resolve<Message>(call === 1 ? { type: 'checkpoint' } : { type: 'complete' }),
    );

    expect(calls).toHaveLength(2);
    expect(await cluster.state('a')).toEqual({ name: 'completed', errors: [] });
  });

  it('reports each stored change to onTransition', async () => {
    cluster = new StateMachineCluster();
    const changes: StateChange[] = [];
    const handler = recordingHandler([], resolveWith({ type: 'complete' }));
    await cluster.start(cluster.stateNode('n1', handler, { onTransition: (change) => changes.push(change) }));
    await cluster.client.submit('a');
    await cluster.clock.advance(0);

    expect(changes).toEqual([
      { task: 'a', from: null, to: 'runnable', message: 'initial' },
      { task: 'a', from: 'runnable', to: 'completed', message: 'complete' },
    ]);
  });

  it('uses a replaced error handler', async () => {
    cluster = new StateMachineCluster();
    const errorHandler = () => ({ message: { type: 'kill' } as const, errors: [] });
    const handler = recordingHandler([], () => Promise.reject(new Error('boom')));
    await cluster.start(cluster.stateNode('n1', handler, { errorHandler }));
    await cluster.client.submit('a');
    await cluster.clock.advance(0);

    expect(await cluster.state('a')).toEqual({ name: 'killed', errors: [] });
    expect(await cluster.taskIds()).toEqual([]);
  });
});

describe('stateMachineHandler commands', () => {
  it('pauses a running task and runs it again', async () => {
    const calls: HandlerCall[] = [];
    await runTask(calls);

    await cluster.client.sendTaskCommand('a', { type: 'pause' });
    await cluster.clock.advance(0);
    expect(await cluster.state('a')).toEqual({ name: 'paused', errors: [] });
    expect(await cluster.command('a')).toBeNull();

    await cluster.client.sendTaskCommand('a', { type: 'run' });
    await cluster.clock.advance(0);
    expect(await cluster.state('a')).toEqual({ name: 'runnable', errors: [] });
    expect(calls).toHaveLength(2);
  });

  it('sleeps a running task until the given time', async () => {
    const calls: HandlerCall[] = [];
    await runTask(calls);
    const untilMs = cluster.clock.now() + 30 * MINUTE_MS;

    await cluster.client.sendTaskCommand('a', { type: 'sleep', until: new Date(untilMs).toISOString() });
    await cluster.clock.advance(0);

    expect(await cluster.state('a')).toEqual({ name: 'sleeping', untilMs, errors: [] });
    await cluster.clock.advance(30 * MINUTE_MS);
    expect(calls).toHaveLength(2);
  });

  it('kills a sleeping task', async () => {
    await runTask([], resolveWith({ type: 'sleep', untilMs: 1_800_000_000_000 }));

    await cluster.client.sendTaskCommand('a', { type: 'kill' });
    await cluster.clock.advance(0);

    expect(await cluster.state('a')).toEqual({ name: 'killed', errors: [] });
    expect(await cluster.taskIds()).toEqual([]);
  });

  it('passes a checkpoint to a running handler without stopping it', async () => {
    const seen: Message[] = [];
    let aborted = false;
    await runTask([], async (context) => {
      for await (const message of context.messages) {
        seen.push(message);
        aborted = context.signal.aborted;
        if (message.type !== 'checkpoint') return message;
      }
      return { type: 'release' };
    });

    await cluster.client.sendTaskCommand('a', { type: 'checkpoint' });
    await cluster.clock.advance(0);

    expect(seen).toEqual([{ type: 'checkpoint' }]);
    expect(aborted).toBe(false);
  });

  it('applies a command the handler did not follow', async () => {
    const calls: HandlerCall[] = [];
    await runTask(calls, async (context, call) => {
      if (call > 1) return new Promise<Message>(() => {});
      for await (const message of context.messages) if (message.type === 'pause') break;
      return { type: 'checkpoint' };
    });

    await cluster.client.sendTaskCommand('a', { type: 'pause' });
    await cluster.clock.advance(0);

    expect(await cluster.state('a')).toEqual({ name: 'paused', errors: [] });
    expect(await cluster.command('a')).toBeNull();
    expect(calls).toHaveLength(1);
  });

  it('stores the result when a newer command replaced the delivered one', async () => {
    cluster = new StateMachineCluster();
    const racing = new FaultyStore(cluster.store);
    await cluster.start(cluster.stateNode('n1', recordingHandler([]), { store: racing }));
    await cluster.client.submit('a');
    await cluster.clock.advance(0);
    // The kill lands after the handler resolved the pause and before the pause is stored.
    racing.beforeCall(async (call) => {
      if (call.method !== 'txn' || !call.keys.includes(`${NAMESPACE}/tasks/a/commands`)) return;
      racing.beforeCall(undefined);
      await cluster.client.sendTaskCommand('a', { type: 'kill' });
    });

    await cluster.client.sendTaskCommand('a', { type: 'pause' });
    await cluster.clock.advance(0);

    const changes = cluster.logger.find('task state changed').map((line) => line.fields['to']);
    expect(changes).toEqual(['runnable', 'paused', 'killed']);
    expect(cluster.logger.find('claim gone; task state not stored')).toEqual([]);
  });

  it('releases the task on a release command and keeps its state', async () => {
    const calls: HandlerCall[] = [];
    await runTask(calls, resolveWith({ type: 'pause' }));
    const released: string[] = [];
    cluster.consumers[0]!.on('released', ({ taskId }) => released.push(taskId));

    await cluster.client.sendTaskCommand('a', { type: 'release' });
    await cluster.clock.advance(0);

    expect(released).toEqual(['a']);
    expect(await cluster.command('a')).toBeNull();
    expect(await cluster.state('a')).toEqual({ name: 'paused', errors: [] });
  });

  it('rejects an illegal command and deletes it', async () => {
    const calls: HandlerCall[] = [];
    await runTask(calls);

    await cluster.client.sendTaskCommand('a', { type: 'run' });
    await cluster.clock.advance(0);

    expect(await cluster.command('a')).toBeNull();
    expect(cluster.logger.find('illegal task state transition rejected')).toHaveLength(1);
    expect(await cluster.state('a')).toEqual({ name: 'runnable', errors: [] });
    expect(calls).toHaveLength(1);
  });

  it('keeps a command that arrives with a stop for the next claim', async () => {
    await runTask([], (context) =>
      new Promise((resolve) => context.stopSignal.addEventListener('abort', () => resolve({ type: 'release' }))),
    );

    await cluster.client.sendTaskCommand('a', { type: 'pause' });
    const stopping = cluster.consumers[0]!.shutdown({ timeoutMs: 1_000 });
    await cluster.clock.advance(0);
    await stopping;

    expect(await cluster.command('a')).toBe('{"type":"pause"}');
    expect(await cluster.state('a')).toEqual({ name: 'runnable', errors: [] });
  });

});
