import { beforeEach, describe, expect, it } from 'vitest';

import { Client } from '../../../src/coordinator/client.js';
import { NodeNotFoundError, TaskExistsError, TaskNotFoundError } from '../../../src/coordinator/errors.js';
import { InvalidArgumentError } from '../../../src/runtime/errors.js';
import { ManualClock } from '../../../src/runtime/manual-clock.js';
import { SeededRandom } from '../../../src/runtime/seeded-random.js';
import { MemoryStore } from '../../../src/store/memory-store.js';

const NS = '/metafora';

function registration(node: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    node,
    host: `${node}.local`,
    started: '2024-01-02T03:04:05.000Z',
    version: '0.1.0',
    ...extra,
  });
}

async function keysUnder(store: MemoryStore, prefix: string): Promise<Record<string, string>> {
  const { kvs } = await store.range(prefix);
  return Object.fromEntries(kvs.map((kv) => [kv.key, kv.value]));
}

describe('Client', () => {
  let clock: ManualClock;
  let store: MemoryStore;
  let client: Client;

  beforeEach(() => {
    clock = new ManualClock(1_700_000_000_000);
    store = new MemoryStore({ clock });
    client = new Client({ store, clock, random: new SeededRandom('client-test') });
  });

  describe('submit', () => {
    it('writes the task key and its props', async () => {
      await client.submit('a', { size: 3 });

      expect(await keysUnder(store, `${NS}/`)).toEqual({
        [`${NS}/tasks/a`]: '{}',
        [`${NS}/tasks/a/props`]: '{"size":3}',
      });
    });

    it('writes no props key without props', async () => {
      await client.submit('a');
      await client.submit('b', null);

      expect(Object.keys(await keysUnder(store, `${NS}/`))).toEqual([
        `${NS}/tasks/a`,
        `${NS}/tasks/b`,
      ]);
    });

    it('rejects a duplicate id and keeps the first props', async () => {
      await client.submit('a', { first: true });

      await expect(client.submit('a', { first: false })).rejects.toThrow(TaskExistsError);
      await expect(client.submit('a')).rejects.toThrow(/task "a" already exists/);
      expect((await store.get(`${NS}/tasks/a/props`)).kv?.value).toBe('{"first":true}');
    });

    it.each([
      ['empty', ''],
      ['slash', 'a/b'],
      ['control character', 'a\nb'],
      ['too long', 'x'.repeat(257)],
    ])('rejects an id that is %s and writes nothing', async (_case, id) => {
      const before = (await store.range('')).revision;

      await expect(client.submit(id)).rejects.toThrow(InvalidArgumentError);
      expect((await store.range('')).revision).toBe(before);
    });

    it('rejects props over the size limit', async () => {
      await expect(client.submit('a', 'x'.repeat(512 * 1024))).rejects.toThrow(/bytes of JSON/);
      expect(await keysUnder(store, `${NS}/`)).toEqual({});
    });

    it('rejects props that are not plain data', async () => {
      await expect(client.submit('a', 10n)).rejects.toThrow(InvalidArgumentError);
      await expect(client.submit('b', () => 1)).rejects.toThrow(/of type function/);
    });

    it('writes under a custom namespace', async () => {
      const other = new Client({ store, namespace: '/team/jobs', clock });

      await other.submit('a');

      expect(Object.keys(await keysUnder(store, ''))).toEqual(['/team/jobs/tasks/a']);
    });
  });

  describe('delete', () => {
    it('removes the task and every key below it', async () => {
      await client.submit('a', { n: 1 });
      await store.put(`${NS}/tasks/a/owner`, '{"node":"n1"}');
      await store.put(`${NS}/tasks/a/commands`, '{"message":"run"}');

      expect(await client.delete('a')).toBe(true);
      expect(await keysUnder(store, `${NS}/tasks/`)).toEqual({});
    });

    it('leaves a task whose id extends the deleted one', async () => {
      await client.submit('a', { n: 1 });
      await client.submit('ab', { n: 2 });

      await client.delete('a');

      expect(Object.keys(await keysUnder(store, `${NS}/tasks/`))).toEqual([
        `${NS}/tasks/ab`,
        `${NS}/tasks/ab/props`,
      ]);
    });

    it('keeps the persisted state', async () => {
      await client.submit('a');
      await store.put(`${NS}/state/a`, '{"state":"runnable"}');

      await client.delete('a');

      expect((await store.get(`${NS}/state/a`)).kv?.value).toBe('{"state":"runnable"}');
    });

    it('returns false for a missing task', async () => {
      expect(await client.delete('missing')).toBe(false);
    });

    it('rejects an invalid id', async () => {
      await expect(client.delete('a/props')).rejects.toThrow(InvalidArgumentError);
    });
  });

  describe('tasks', () => {
    it('lists tasks sorted by id with owner and props', async () => {
      await client.submit('b');
      await client.submit('a', { n: 1 });
      await store.put(`${NS}/tasks/b/owner`, '{"node":"n1"}');

      expect(await client.tasks()).toEqual([
        { id: 'a', owner: null, props: { n: 1 }, state: null },
        { id: 'b', owner: 'n1', props: null, state: null },
      ]);
    });

    it('shows the stored state name of each task', async () => {
      for (const id of ['a', 'b', 'c', 'd']) await client.submit(id);
      await store.put(`${NS}/state/a`, '{"state":"paused"}');
      await store.put(`${NS}/state/b`, 'not json');
      await store.put(`${NS}/state/c`, '{"until":0}');
      await store.put(`${NS}/state/gone`, '{"state":"completed"}');

      const states = (await client.tasks()).map((task) => [task.id, task.state]);

      expect(states).toEqual([
        ['a', 'paused'],
        ['b', 'invalid'],
        ['c', 'invalid'],
        ['d', null],
      ]);
    });

    it('skips keys of a task whose own key is gone', async () => {
      await store.put(`${NS}/tasks/ghost/owner`, '{"node":"n1"}');

      expect(await client.tasks()).toEqual([]);
    });

    it('shows a malformed owner value as the owner', async () => {
      await client.submit('a');
      await store.put(`${NS}/tasks/a/owner`, 'n1');

      expect((await client.tasks())[0]?.owner).toBe('n1');
    });
  });

  describe('task commands', () => {
    it('stores the command as JSON under the task', async () => {
      await client.submit('a');

      await client.sendTaskCommand('a', { type: 'sleep', until: '2030-01-02T03:04:05Z' });

      expect((await store.get(`${NS}/tasks/a/commands`)).kv?.value).toBe(
        '{"type":"sleep","until":"2030-01-02T03:04:05Z"}',
      );
    });

    it('replaces a command not handled yet', async () => {
      await client.submit('a');

      await client.sendTaskCommand('a', { type: 'pause' });
      await client.sendTaskCommand('a', { type: 'kill' });

      expect((await store.get(`${NS}/tasks/a/commands`)).kv?.value).toBe('{"type":"kill"}');
    });

    it('rejects a command for a missing task and writes nothing', async () => {
      await expect(client.sendTaskCommand('a', { type: 'pause' })).rejects.toThrow(TaskNotFoundError);
      expect(await keysUnder(store, NS)).toEqual({});
    });

    it('rejects a command that is not JSON data', async () => {
      await client.submit('a');

      await expect(client.sendTaskCommand('a', undefined)).rejects.toThrow(InvalidArgumentError);
      await expect(client.sendTaskCommand('a', { n: 1n })).rejects.toThrow(/cannot be written as JSON/);
    });
  });

  describe('task states', () => {
    it('reads the stored text, or null', async () => {
      await store.put(`${NS}/state/a`, '{"state":"paused"}');

      expect(await client.readState('a')).toBe('{"state":"paused"}');
      expect(await client.readState('b')).toBeNull();
    });

    it('overwrites a state', async () => {
      await store.put(`${NS}/state/a`, 'garbage');

      await client.overwriteState('a', '{"state":"runnable"}');

      expect(await client.readState('a')).toBe('{"state":"runnable"}');
    });
  });

  describe('nodes', () => {
    it('lists a frozen node as frozen', async () => {
      await store.put(`${NS}/nodes/n1`, registration('n1', { frozen: true }));

      expect((await client.nodes()).map((node) => node.frozen)).toEqual([true]);
    });

    it('lists nodes sorted by name with task counts', async () => {
      await store.put(`${NS}/nodes/n2`, registration('n2', { stopping: true }));
      await store.put(`${NS}/nodes/n1`, registration('n1'));
      await store.put(`${NS}/nodes/n1/commands/1`, '{"command":"freeze"}');
      for (const id of ['a', 'b', 'c']) await client.submit(id);
      await store.put(`${NS}/tasks/a/owner`, '{"node":"n1"}');
      await store.put(`${NS}/tasks/b/owner`, '{"node":"n1"}');
      await store.put(`${NS}/tasks/c/owner`, '{"node":"n2"}');

      expect(await client.nodes()).toEqual([
        { node: 'n1', host: 'n1.local', started: '2024-01-02T03:04:05.000Z', tasks: 2, stopping: false, frozen: false },
        { node: 'n2', host: 'n2.local', started: '2024-01-02T03:04:05.000Z', tasks: 1, stopping: true, frozen: false },
      ]);
    });

    it('shows empty fields for a malformed registration', async () => {
      await store.put(`${NS}/nodes/n1`, 'not json');

      expect(await client.nodes()).toEqual([
        { node: 'n1', host: '', started: '', tasks: 0, stopping: false, frozen: false },
      ]);
    });
  });

  describe('sendNodeCommand', () => {
    beforeEach(async () => {
      await store.put(`${NS}/nodes/n1`, registration('n1'));
    });

    it('writes the command under the node', async () => {
      const id = await client.sendNodeCommand('n1', { command: 'freeze' });

      expect(await keysUnder(store, `${NS}/nodes/n1/commands/`)).toEqual({
        [`${NS}/nodes/n1/commands/${id}`]: '{"command":"freeze"}',
      });
    });

    it('writes the parameters of stop_task', async () => {
      const id = await client.sendNodeCommand('n1', {
        command: 'stop_task',
        parameters: { task: 'a' },
      });

      const { kv } = await store.get(`${NS}/nodes/n1/commands/${id}`);
      expect(JSON.parse(kv?.value ?? '')).toEqual({ command: 'stop_task', parameters: { task: 'a' } });
    });

    it('rejects an unregistered node and writes nothing', async () => {
      const before = (await store.range('')).revision;

      await expect(client.sendNodeCommand('n9', { command: 'balance' })).rejects.toThrow(
        NodeNotFoundError,
      );
      await expect(client.sendNodeCommand('n9', { command: 'balance' })).rejects.toThrow(
        /node "n9" not found.*metafora ctl nodes/,
      );
      expect((await store.range('')).revision).toBe(before);
    });

    it('rejects an invalid node name', async () => {
      await expect(client.sendNodeCommand('n1/commands', { command: 'balance' })).rejects.toThrow(
        InvalidArgumentError,
      );
    });

    it('makes ids that sort in creation order', async () => {
      const ids: string[] = [];
      ids.push(await client.sendNodeCommand('n1', { command: 'freeze' }));
      ids.push(await client.sendNodeCommand('n1', { command: 'unfreeze' }));
      await clock.advance(5);
      ids.push(await client.sendNodeCommand('n1', { command: 'balance' }));

      expect(new Set(ids).size).toBe(3);
      expect([...ids].sort()).toEqual(ids);
      expect(ids[2]).toMatch(/^0001700000000005-000000-[0-9a-f]{8}$/);
    });

    it('keeps id order when the clock steps back', async () => {
      const times = [5_000, 4_000];
      const backwards = new Client({
        store,
        clock: {
          now: () => times.shift() ?? 0,
          monotonic: () => clock.monotonic(),
          sleep: (ms, signal) => clock.sleep(ms, signal),
        },
      });

      const first = await backwards.sendNodeCommand('n1', { command: 'freeze' });
      const second = await backwards.sendNodeCommand('n1', { command: 'unfreeze' });

      expect(first < second).toBe(true);
    });
  });
});
