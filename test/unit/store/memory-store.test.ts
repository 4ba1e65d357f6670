import { describe, expect, it } from 'vitest';

import type { Clock } from '../../../src/runtime/clock.js';
import { InvalidArgumentError } from '../../../src/runtime/errors.js';
import { flushPromises, ManualClock } from '../../../src/runtime/manual-clock.js';
import { CompactedError, LeaseNotFoundError, StoreClosedError } from '../../../src/store/errors.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import type { Store, WatchEvent } from '../../../src/store/store.js';
import { describeStoreContract } from '../../support/store-contract.js';
import { WatchRecorder } from '../../support/watch-recorder.js';

describeStoreContract('MemoryStore', async () => {
  const store = new MemoryStore({ clock: new ManualClock() });
  return { store, prefix: '/contract/', cleanup: () => store.close() };
});

/**
 * A clock whose sleeps end only when aborted, so lease timers never fire and only the store's own
 * calls can notice a passed deadline.
 */
class StoppedTimersClock implements Clock {
  nowMs = 0;

  now(): number {
    return this.nowMs;
  }

  monotonic(): number {
    return this.nowMs;
  }

  sleep(_ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true }));
  }
}

function setUp(): { clock: ManualClock; store: MemoryStore } {
  const clock = new ManualClock();
  return { clock, store: new MemoryStore({ clock }) };
}

async function currentRevision(store: Store): Promise<number> {
  return (await store.get('/revision-probe')).revision;
}

async function keysOf(store: Store): Promise<string[]> {
  return (await store.range('')).kvs.map((kv) => kv.key);
}

async function watchAll(store: Store, fromRevision = 0): Promise<WatchRecorder> {
  const recorder = new WatchRecorder();
  await store.watch('', fromRevision, recorder);
  return recorder;
}

function summarize(events: WatchEvent[]): string[] {
  return events.map((event) => `${event.type} ${event.kv.key}@${event.kv.modRevision}`);
}

describe('MemoryStore revisions', () => {
  it('empty store is at revision 1', async () => {
    const { store } = setUp();

    expect(await currentRevision(store)).toBe(1);
    expect((await store.range('')).revision).toBe(1);
  });

  it('each changing call bumps the revision by one', async () => {
    const { store } = setUp();

    expect((await store.put('a', '1')).revision).toBe(2);
    expect((await store.put('a', '1')).revision).toBe(3);
    expect((await store.delete('a')).revision).toBe(4);
    const txn = await store.txn({
      compare: [],
      success: [
        { type: 'put', key: 'b', value: '1' },
        { type: 'put', key: 'c', value: '1' },
        { type: 'put', key: 'd', value: '1' },
      ],
    });
    expect(txn.revision).toBe(5);
    expect((await store.txn({ compare: [], success: [{ type: 'deletePrefix', prefix: '' }] })).revision).toBe(6);
  });

  it('calls that change nothing keep the revision', async () => {
    const { store } = setUp();
    await store.put('a', '1');

    expect((await store.delete('absent')).revision).toBe(2);
    expect((await store.txn({ compare: [], success: [{ type: 'deletePrefix', prefix: 'none/' }] })).revision).toBe(2);
    expect((await store.txn({ compare: [], success: [{ type: 'get', key: 'a' }] })).revision).toBe(2);
    const failed = await store.txn({
      compare: [{ key: 'a', target: 'version', op: '=', value: 7 }],
      success: [{ type: 'put', key: 'a', value: '2' }],
    });
    expect(failed.revision).toBe(2);
    const lease = await store.grantLease(10);
    await store.keepAliveOnce(lease.id);
    await store.revokeLease(lease.id);
    expect(await currentRevision(store)).toBe(2);
  });
});

describe('MemoryStore txn validation', () => {
  it('duplicate writes reject with InvalidArgumentError', async () => {
    const { store } = setUp();

    const txn = store.txn({
      compare: [],
      success: [],
      failure: [
        { type: 'put', key: 'k', value: '1' },
        { type: 'deletePrefix', prefix: 'k' },
      ],
    });

    await expect(txn).rejects.toThrow(InvalidArgumentError);
    await expect(txn).rejects.toThrow('"k"');
    expect(await currentRevision(store)).toBe(1);
  });

  it('dead lease rejects and keeps the revision', async () => {
    const { store } = setUp();
    const lease = await store.grantLease(10);
    await store.revokeLease(lease.id);

    const txn = store.txn({
      compare: [],
      success: [
        { type: 'put', key: 'a', value: '1' },
        { type: 'put', key: 'b', value: '1', lease: lease.id },
      ],
    });

    await expect(txn).rejects.toThrow(LeaseNotFoundError);
    expect(await currentRevision(store)).toBe(1);
  });

  it('empty keys reject', async () => {
    const { store } = setUp();

    await expect(store.put('', 'v')).rejects.toThrow(InvalidArgumentError);
    await expect(store.get('')).rejects.toThrow(InvalidArgumentError);
    await expect(store.delete('')).rejects.toThrow(InvalidArgumentError);
    await expect(store.txn({ compare: [], success: [{ type: 'get', key: '' }] })).rejects.toThrow(
      InvalidArgumentError,
    );
  });
});

describe('MemoryStore leases', () => {
  it('grantLease rejects invalid TTLs', async () => {
    const { store } = setUp();

    for (const ttlSeconds of [0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 9_000_000_001]) {
      const grant = store.grantLease(ttlSeconds);
      await expect(grant, `TTL ${ttlSeconds}`).rejects.toThrow(InvalidArgumentError);
      await expect(grant, `TTL ${ttlSeconds}`).rejects.toThrow(`TTL ${ttlSeconds}`);
    }
  });

  it('lease ids count up from 1', async () => {
    const { store } = setUp();

    const first = await store.grantLease(10);
    const second = await store.grantLease(20);

    expect([first.id, second.id]).toEqual(['1', '2']);
    expect(second.ttlSeconds).toBe(20);
  });

  it('lease expires exactly at its TTL', async () => {
    const { clock, store } = setUp();
    const lease = await store.grantLease(10);
    await store.put('b', 'bound', { lease: lease.id });
    await store.put('a', 'bound', { lease: lease.id });
    await store.put('c', 'free');
    const recorder = await watchAll(store);

    await clock.advance(9_999);
    const beforeDeadline = recorder.events.length;
    await clock.advance(1);

    expect(beforeDeadline).toBe(0);
    expect(recorder.batches).toHaveLength(1);
    expect(summarize(recorder.events)).toEqual(['delete a@5', 'delete b@5']);
    expect(await keysOf(store)).toEqual(['c']);
    await expect(store.keepAliveOnce(lease.id)).rejects.toThrow(LeaseNotFoundError);
    await expect(store.put('d', 'v', { lease: lease.id })).rejects.toThrow(LeaseNotFoundError);
  });

  it('keepAliveOnce postpones expiry', async () => {
    const { clock, store } = setUp();
    const lease = await store.grantLease(10);
    await store.put('a', 'bound', { lease: lease.id });

    await clock.advance(6_000);
    expect((await store.keepAliveOnce(lease.id)).ttlSeconds).toBe(10);
    await clock.advance(9_999);
    const beforeDeadline = await keysOf(store);
    await clock.advance(1);

    expect(beforeDeadline).toEqual(['a']);
    expect(await keysOf(store)).toEqual([]);
  });

  it('expiry without keys keeps the revision', async () => {
    const { clock, store } = setUp();
    const lease = await store.grantLease(1);

    await clock.advance(1_000);

    expect(await currentRevision(store)).toBe(1);
    await expect(store.revokeLease(lease.id)).rejects.toThrow(LeaseNotFoundError);
  });

  it('rebound key outlives its first lease', async () => {
    const { clock, store } = setUp();
    const short = await store.grantLease(1);
    const long = await store.grantLease(60);
    await store.put('a', '1', { lease: short.id });
    await store.put('a', '2', { lease: long.id });

    await clock.advance(1_000);

    expect((await store.get('a')).kv?.lease).toBe(long.id);
  });

  it('leases expire in deadline order', async () => {
    const { clock, store } = setUp();
    const later = await store.grantLease(5);
    const sooner = await store.grantLease(3);
    await store.put('later', 'v', { lease: later.id });
    await store.put('sooner', 'v', { lease: sooner.id });
    const recorder = await watchAll(store);

    await clock.advance(10_000);

    expect(summarize(recorder.events)).toEqual(['delete sooner@4', 'delete later@5']);
  });

  it('store calls expire leases whose timer has not run', async () => {
    const clock = new StoppedTimersClock();
    const store = new MemoryStore({ clock });
    const lease = await store.grantLease(10);
    await store.put('a', 'bound', { lease: lease.id });

    clock.nowMs = 9_999;
    const beforeDeadline = await keysOf(store);
    clock.nowMs = 10_000;

    expect(beforeDeadline).toEqual(['a']);
    expect(await keysOf(store)).toEqual([]);
    await expect(store.keepAliveOnce(lease.id)).rejects.toThrow(LeaseNotFoundError);
  });
});

describe('MemoryStore extendAllLeases', () => {
  it('extendAllLeases renews every lease to its TTL', async () => {
    const { clock, store } = setUp();
    const short = await store.grantLease(10);
    const long = await store.grantLease(20);
    await store.put('short', 'v', { lease: short.id });
    await store.put('long', 'v', { lease: long.id });

    await clock.advance(8_000);
    store.extendAllLeases();
    await clock.advance(9_999);
    const beforeShortDeadline = await keysOf(store);
    await clock.advance(1);
    const afterShortDeadline = await keysOf(store);
    await clock.advance(9_999);
    const beforeLongDeadline = await keysOf(store);
    await clock.advance(1);

    expect(beforeShortDeadline).toEqual(['long', 'short']);
    expect(afterShortDeadline).toEqual(['long']);
    expect(beforeLongDeadline).toEqual(['long']);
    expect(await keysOf(store)).toEqual([]);
  });

  it('extendAllLeases does not revive an expired lease', async () => {
    const clock = new StoppedTimersClock();
    const store = new MemoryStore({ clock });
    const lease = await store.grantLease(10);
    await store.put('a', 'bound', { lease: lease.id });

    clock.nowMs = 10_000;
    store.extendAllLeases();

    await expect(store.keepAliveOnce(lease.id)).rejects.toThrow(LeaseNotFoundError);
    expect(await keysOf(store)).toEqual([]);
  });
});

describe('MemoryStore compaction', () => {
  async function storeAtRevision4(): Promise<MemoryStore> {
    const { store } = setUp();
    await store.put('a', '2');
    await store.put('b', '3');
    await store.put('c', '4');
    return store;
  }

  it('watch below the compacted revision fails', async () => {
    const store = await storeAtRevision4();
    await store.compact(3);

    const recorder = await watchAll(store, 2);
    await flushPromises();

    expect(recorder.events).toEqual([]);
    expect(recorder.errors).toHaveLength(1);
    const error = recorder.errors[0];
    expect(error).toBeInstanceOf(CompactedError);
    expect((error as CompactedError).requestedRevision).toBe(2);
    expect((error as CompactedError).compactRevision).toBe(3);
  });

  it('watch at the compacted revision replays from it', async () => {
    const store = await storeAtRevision4();
    await store.compact(3);

    const recorder = await watchAll(store, 3);
    await flushPromises();

    expect(summarize(recorder.events)).toEqual(['put b@3', 'put c@4']);
    expect(recorder.errors).toEqual([]);
  });

  it('compaction keeps the keys', async () => {
    const store = await storeAtRevision4();

    await store.compact(4);

    expect(await keysOf(store)).toEqual(['a', 'b', 'c']);
  });

  it('compact rejects invalid revisions', async () => {
    const store = await storeAtRevision4();

    for (const revision of [0, 2.5, 5]) {
      await expect(store.compact(revision), `revision ${revision}`).rejects.toThrow(InvalidArgumentError);
    }
  });

  it('compact at the compacted revision rejects', async () => {
    const store = await storeAtRevision4();
    await store.compact(3);

    await expect(store.compact(3)).rejects.toThrow(CompactedError);
    await expect(store.compact(2)).rejects.toThrow(CompactedError);
  });
});

describe('MemoryStore watch delivery', () => {
  it('watch delivers after the writing call', async () => {
    const { store } = setUp();
    const recorder = await watchAll(store);

    const put = store.put('a', '1');
    const duringCall = recorder.events.length;
    await put;
    await flushPromises();

    expect(duringCall).toBe(0);
    expect(summarize(recorder.events)).toEqual(['put a@2']);
  });

  it('cancel drops queued batches', async () => {
    const { store } = setUp();
    const recorder = new WatchRecorder();
    const watch = await store.watch('', 0, recorder);

    void store.put('a', '1');
    void store.put('b', '1');
    watch.cancel();
    await flushPromises();

    expect(recorder.batches).toEqual([]);
  });

  it('cancel inside onEvents stops later batches', async () => {
    const { store } = setUp();
    const batches: WatchEvent[][] = [];
    const watch = await store.watch('', 0, {
      onEvents: (events) => {
        batches.push(events);
        watch.cancel();
      },
      onError: () => undefined,
    });

    void store.put('a', '1');
    void store.put('b', '1');
    await flushPromises();

    expect(batches).toHaveLength(1);
  });

  it('watch from a future revision skips earlier ones', async () => {
    const { store } = setUp();
    const recorder = await watchAll(store, 4);

    for (const key of ['a', 'b', 'c', 'd']) await store.put(key, '1');
    await flushPromises();

    expect(summarize(recorder.events)).toEqual(['put c@4', 'put d@5']);
  });

  it('watch rejects invalid start revisions', async () => {
    const { store } = setUp();

    for (const revision of [-1, 1.5]) {
      await expect(store.watch('', revision, new WatchRecorder()), `revision ${revision}`).rejects.toThrow(
        InvalidArgumentError,
      );
    }
  });
});

describe('MemoryStore copies', () => {
  it('watchers get their own event copies', async () => {
    const { store } = setUp();
    const first = new WatchRecorder();
    const second = new WatchRecorder();
    await store.watch('', 0, {
      onEvents: (events) => {
        for (const event of events) event.kv.value = 'changed by listener';
        first.onEvents(events);
      },
      onError: (error) => first.onError(error),
    });
    await store.watch('', 0, second);

    await store.put('a', 'original');
    await flushPromises();
    const replay = await watchAll(store, 1);
    await flushPromises();

    expect(first.events[0]?.kv.value).toBe('changed by listener');
    expect(second.events[0]?.kv.value).toBe('original');
    expect(replay.events[0]?.kv.value).toBe('original');
    expect((await store.get('a')).kv?.value).toBe('original');
  });

  it('txn responses are copies', async () => {
    const { store } = setUp();
    await store.put('a', 'original');

    const result = await store.txn({
      compare: [],
      success: [
        { type: 'get', key: 'a' },
        { type: 'range', prefix: '' },
      ],
    });
    for (const response of result.responses) {
      if (response.type === 'get' && response.kv !== null) response.kv.value = 'changed';
      if (response.type === 'range') for (const kv of response.kvs) kv.version = 99;
    }
    const { kv } = await store.get('a');

    expect(kv?.value).toBe('original');
    expect(kv?.version).toBe(1);
  });
});

describe('MemoryStore close', () => {
  it('close ends watches with StoreClosedError', async () => {
    const { store } = setUp();
    const recorder = await watchAll(store);

    await store.close();
    await store.close();
    await flushPromises();

    expect(recorder.errors).toHaveLength(1);
    expect(recorder.errors[0]).toBeInstanceOf(StoreClosedError);
  });

  it('closed store rejects every call', async () => {
    const { store } = setUp();
    const lease = await store.grantLease(10);
    await store.close();

    const calls: Array<[string, () => Promise<unknown>]> = [
      ['get', () => store.get('a')],
      ['range', () => store.range('')],
      ['put', () => store.put('a', '1')],
      ['delete', () => store.delete('a')],
      ['txn', () => store.txn({ compare: [], success: [] })],
      ['grantLease', () => store.grantLease(10)],
      ['keepAliveOnce', () => store.keepAliveOnce(lease.id)],
      ['revokeLease', () => store.revokeLease(lease.id)],
      ['watch', () => store.watch('', 0, new WatchRecorder())],
      ['compact', () => store.compact(1)],
    ];
    for (const [name, call] of calls) {
      await expect(call(), name).rejects.toThrow(StoreClosedError);
    }
    expect(() => store.breakWatches(new Error('broken'))).toThrow(StoreClosedError);
    expect(() => store.extendAllLeases()).toThrow(StoreClosedError);
  });

  it('close stops lease timers', async () => {
    const { clock, store } = setUp();
    await store.grantLease(10);
    await store.grantLease(20);

    await store.close();
    await flushPromises();

    expect(clock.pendingSleepers).toBe(0);
  });
});

describe('MemoryStore breakWatches', () => {
  it('breakWatches ends every open watch', async () => {
    const { store } = setUp();
    const first = await watchAll(store);
    const second = await watchAll(store);
    const error = new Error('connection lost');

    store.breakWatches(error);
    await store.put('a', '1');
    await flushPromises();

    for (const recorder of [first, second]) {
      expect(recorder.errors).toEqual([error]);
      expect(recorder.events).toEqual([]);
    }
  });

  it('breakWatches delivers queued events first', async () => {
    const { store } = setUp();
    const calls: string[] = [];
    await store.watch('', 0, {
      onEvents: (events) => calls.push(...summarize(events)),
      onError: (error) => calls.push(`error ${error.message}`),
    });

    void store.put('a', '1');
    store.breakWatches(new Error('connection lost'));
    await flushPromises();

    expect(calls).toEqual(['put a@2', 'error connection lost']);
  });

  it('breakWatches spares cancelled and later watches', async () => {
    const { store } = setUp();
    const cancelled = new WatchRecorder();
    (await store.watch('', 0, cancelled)).cancel();

    store.breakWatches(new Error('connection lost'));
    const later = await watchAll(store);
    await store.put('a', '1');
    await flushPromises();

    expect(cancelled.errors).toEqual([]);
    expect(later.errors).toEqual([]);
    expect(summarize(later.events)).toEqual(['put a@2']);
  });
});
