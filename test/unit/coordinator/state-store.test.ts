import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { StateStore } from '../../../src/coordinator/state-store.js';
import { InvalidArgumentError } from '../../../src/runtime/errors.js';
import { ManualClock } from '../../../src/runtime/manual-clock.js';
import { MemoryStore } from '../../../src/store/memory-store.js';

const NS = '/ns';
const OWNER = `${NS}/tasks/a/owner`;
const COMMAND = `${NS}/tasks/a/commands`;
const STATE = `${NS}/state/a`;

let store: MemoryStore;
let states: StateStore;
let token: number;

beforeEach(async () => {
  store = new MemoryStore({ clock: new ManualClock() });
  states = new StateStore({ store, namespace: NS });
  token = (await store.put(OWNER, '{"node":"n1"}')).revision;
});

afterEach(async () => {
  await store.close();
});

describe('StateStore', () => {
  it('reads null when no state is stored', async () => {
    expect(await states.read('a')).toBeNull();
  });

  it('writes while the claim holds', async () => {
    expect(await states.write('a', token, '{"state":"paused"}')).toBe('written');

    const stored = await states.read('a');
    expect(stored?.value).toBe('{"state":"paused"}');
    expect(stored?.modRevision).toBeGreaterThan(token);
  });

  it('writes nothing once the claim is gone', async () => {
    await store.delete(OWNER);
    await store.put(OWNER, '{"node":"n2"}');

    expect(await states.write('a', token, '{"state":"paused"}')).toBe('claim-lost');
    expect((await store.get(STATE)).kv).toBeNull();
  });

  it('deletes the command in the same write', async () => {
    const command = await store.put(COMMAND, '{"type":"pause"}');

    const outcome = await states.write('a', token, '{"state":"paused"}', { commandRevision: command.revision });

    expect(outcome).toBe('written');
    expect((await store.get(COMMAND)).kv).toBeNull();
    expect((await store.get(STATE)).kv?.value).toBe('{"state":"paused"}');
  });

  it('writes nothing when a newer command replaced the one to delete', async () => {
    const command = await store.put(COMMAND, '{"type":"pause"}');
    await store.put(COMMAND, '{"type":"kill"}');

    const outcome = await states.write('a', token, '{"state":"paused"}', { commandRevision: command.revision });

    expect(outcome).toBe('command-changed');
    expect((await store.get(COMMAND)).kv?.value).toBe('{"type":"kill"}');
    expect((await store.get(STATE)).kv).toBeNull();
  });

  it('overwrites without a claim', async () => {
    await store.delete(OWNER);

    await states.overwrite('a', '{"state":"runnable"}');

    expect((await states.read('a'))?.value).toBe('{"state":"runnable"}');
  });

  it('rejects an invalid task id on overwrite', async () => {
    await expect(states.overwrite('a/b', '{}')).rejects.toThrow(InvalidArgumentError);
  });
});
