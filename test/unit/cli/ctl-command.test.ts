import { beforeEach, describe, expect, it } from 'vitest';

import { formatNodes, formatTasks, runCtlAction, TaskNotFoundError } from '../../../src/cli/ctl-command.js';
import { Client } from '../../../src/coordinator/client.js';
import { ManualClock } from '../../../src/runtime/manual-clock.js';
import { SeededRandom } from '../../../src/runtime/seeded-random.js';
import { MemoryStore } from '../../../src/store/memory-store.js';

const NS = '/metafora';

describe('runCtlAction', () => {
  let store: MemoryStore;
  let client: Client;
  let output: string;
  const write = (text: string): void => {
    output += text;
  };

  beforeEach(async () => {
    const clock = new ManualClock(1_700_000_000_000);
    store = new MemoryStore({ clock });
    client = new Client({ store, clock, random: new SeededRandom('ctl') });
    output = '';
    await store.put(
      `${NS}/nodes/n1`,
      JSON.stringify({ node: 'n1', host: 'box', started: '2024-01-02T03:04:05.000Z', version: '1', stopping: true }),
    );
  });

  it('submits a task with props', async () => {
    await runCtlAction({ action: 'submit', id: 'a', props: { n: 1 } }, client, write);

    expect(output).toBe('submitted a\n');
    expect(await client.tasks()).toEqual([{ id: 'a', owner: null, props: { n: 1 }, state: null }]);
  });

  it('deletes a task', async () => {
    await client.submit('a');

    await runCtlAction({ action: 'delete', id: 'a' }, client, write);

    expect(output).toBe('deleted a\n');
    expect(await client.tasks()).toEqual([]);
  });

  it('rejects deleting a missing task', async () => {
    await expect(runCtlAction({ action: 'delete', id: 'a' }, client, write)).rejects.toThrow(
      TaskNotFoundError,
    );
    expect(output).toBe('');
  });

  it('prints tasks as JSON', async () => {
    await client.submit('a', { n: 1 });
    await store.put(`${NS}/tasks/a/owner`, '{"node":"n1"}');
    await client.submit('b');

    await runCtlAction({ action: 'tasks', json: true }, client, write);

    expect(JSON.parse(output)).toEqual([
      { id: 'a', owner: 'n1', props: { n: 1 }, state: null },
      { id: 'b', owner: null, props: null, state: null },
    ]);
  });

  it('prints nodes as JSON without extra fields', async () => {
    await client.submit('a');
    await store.put(`${NS}/tasks/a/owner`, '{"node":"n1"}');

    await runCtlAction({ action: 'nodes', json: true }, client, write);

    expect(JSON.parse(output)).toEqual([
      { node: 'n1', host: 'box', started: '2024-01-02T03:04:05.000Z', tasks: 1 },
    ]);
  });

  it('sends a node command', async () => {
    await runCtlAction(
      { action: 'node-command', node: 'n1', command: { command: 'freeze' } },
      client,
      write,
    );

    expect(output).toMatch(/^sent freeze to n1 as command \d{16}-\d{6}-[0-9a-f]{8}\n$/);
    expect((await store.range(`${NS}/nodes/n1/commands/`)).kvs).toHaveLength(1);
  });

  it('sends a task command', async () => {
    await client.submit('a');
    const untilMs = Date.UTC(2030, 0, 2, 3, 4, 5);

    await runCtlAction({ action: 'task-command', id: 'a', message: { type: 'sleep', untilMs } }, client, write);

    expect(output).toBe('sent sleep to task a\n');
    expect((await store.get(`${NS}/tasks/a/commands`)).kv?.value).toBe(
      '{"type":"sleep","until":"2030-01-02T03:04:05.000Z"}',
    );
  });

  it('rejects a task command for a missing task', async () => {
    const sending = runCtlAction({ action: 'task-command', id: 'a', message: { type: 'pause' } }, client, write);

    await expect(sending).rejects.toThrow(TaskNotFoundError);
    expect(output).toBe('');
  });

  it('prints a stored state', async () => {
    await store.put(`${NS}/state/a`, '{"state":"paused"}');

    await runCtlAction({ action: 'state', id: 'a', json: false }, client, write);
    await runCtlAction({ action: 'state', id: 'a', json: true }, client, write);

    expect(output).toBe('a: paused\n{\n  "state": "paused"\n}\n');
  });

  it('sets a state', async () => {
    await store.put(`${NS}/state/a`, 'garbage');

    await runCtlAction({ action: 'set-state', id: 'a', state: { name: 'runnable', errors: [] } }, client, write);

    expect(output).toBe('set the state of a to runnable\n');
    expect((await store.get(`${NS}/state/a`)).kv?.value).toBe('{"state":"runnable"}');
  });
});

describe('formatTasks', () => {
  it('prints an aligned table', () => {
    const text = formatTasks(
      [
        { id: 'a', owner: 'node-1', props: { n: 1 }, state: 'sleeping' },
        { id: 'long-task', owner: null, props: null, state: null },
      ],
      false,
    );

    expect(text).toBe(
      'ID         OWNER   STATE     PROPS\n' +
        'a          node-1  sleeping  {"n":1}\n' +
        'long-task  -       -         -\n',
    );
  });

  it('prints only the header without tasks', () => {
    expect(formatTasks([], false)).toBe('ID  OWNER  STATE  PROPS\n');
    expect(formatTasks([], true)).toBe('[]\n');
  });

  it('cuts long props in the table only', () => {
    const props = { text: 'x'.repeat(100) };

    const table = formatTasks([{ id: 'a', owner: null, props, state: null }], false);
    const json = formatTasks([{ id: 'a', owner: null, props, state: null }], true);

    expect(table.split('\n')[1]).toMatch(/^a {3}- {6}- {6}\{"text":"x+\.\.\.$/);
    expect(table.split('\n')[1]).toHaveLength('a   -      -      '.length + 60);
    expect(JSON.parse(json)[0].props).toEqual(props);
  });
});

describe('formatNodes', () => {
  it('prints an aligned table with the state', () => {
    const text = formatNodes(
      [
        { node: 'n1', host: 'box', started: '2024-01-02T03:04:05.000Z', tasks: 12, stopping: false, frozen: false },
        { node: 'node-2', host: 'b', started: '', tasks: 0, stopping: true, frozen: false },
        { node: 'node-3', host: 'c', started: '', tasks: 1, stopping: false, frozen: true },
      ],
      false,
    );

    expect(text).toBe(
      'NODE    HOST  STARTED                   TASKS  STATE\n' +
        'n1      box   2024-01-02T03:04:05.000Z  12     running\n' +
        'node-2  b                               0      stopping\n' +
        'node-3  c                               1      frozen\n',
    );
  });

  it('escapes control characters from the store', () => {
    const text = formatNodes([{ node: 'n1', host: 'evil\u001b[2J', started: '', tasks: 0, stopping: false, frozen: false }], false);

    expect(text).toContain('evil\\u001b[2J');
    expect(text).not.toContain('\u001b');
  });
});
