import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { InvalidArgumentError } from '../../src/runtime/errors.js';
import {
  CompactedError,
  LeaseNotFoundError,
  StoreClosedError,
  StoreUnavailableError,
} from '../../src/store/errors.js';
import { EtcdStore } from '../../src/store/etcd-store.js';
import type { WatchEvent, WatchListener } from '../../src/store/store.js';
import { describeWithEtcd, uniquePrefix } from '../support/etcd.js';
import { findEtcdBinary, freeLoopbackPort, startEtcd, type EtcdProcess } from '../support/etcd-process.js';
import { describeStoreContract } from '../support/store-contract.js';

/** Polls `read` every 100 ms until `done` is true or `timeoutMs` passes, and returns the last value. */
async function pollUntil<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  let value = await read();
  for (let waited = 0; !done(value) && waited < timeoutMs; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

/** Records what a watch delivers. */
function recorder(): { batches: WatchEvent[][]; errors: Error[]; listener: WatchListener } {
  const batches: WatchEvent[][] = [];
  const errors: Error[] = [];
  const listener: WatchListener = {
    onEvents: (events) => batches.push(events),
    onError: (error) => errors.push(error),
  };
  return { batches, errors, listener };
}

type Settled<T> = { value: T } | { error: unknown } | 'pending';

/** Settles `promise`, or gives 'pending' after `ms`, so a hang fails an assertion, not the run. */
async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<'pending'>((resolve) => {
    timer = setTimeout(() => resolve('pending'), ms);
  });
  const settled = promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  try {
    return await Promise.race([settled, pending]);
  } finally {
    clearTimeout(timer);
  }
}

describeWithEtcd('EtcdStore', (endpoints) => {
  describeStoreContract('EtcdStore', async () => {
    const store = new EtcdStore({ endpoints });
    const prefix = `${uniquePrefix('contract')}/`;
    const cleanup = async (): Promise<void> => {
      try {
        await store.txn({ compare: [], success: [{ type: 'deletePrefix', prefix }] });
      } finally {
        await store.close();
      }
    };
    return { store, prefix, cleanup };
  });
});

describeWithEtcd('EtcdStore on the shared etcd', (endpoints) => {
  let store: EtcdStore;
  let prefix: string;

  beforeEach(() => {
    store = new EtcdStore({ endpoints });
    prefix = uniquePrefix();
  });

  afterEach(async () => {
    await store.close();
  });

  it('keeps int64 lease ids exact', async () => {
    const lease = await store.grantLease(10);
    await store.put(`${prefix}/leased`, 'v', { lease: lease.id });
    const { kv } = await store.get(`${prefix}/leased`);
    expect(kv?.lease).toBe(lease.id);
    await expect(store.keepAliveOnce(lease.id)).resolves.toEqual({ ttlSeconds: 10 });
    await store.revokeLease(lease.id);
  });

  it('returns revisions as numbers', async () => {
    const first = await store.put(`${prefix}/k`, 'a');
    const second = await store.put(`${prefix}/k`, 'b');
    const { kv } = await store.get(`${prefix}/k`);
    expect(kv).toMatchObject({ createRevision: first.revision, modRevision: second.revision, version: 2 });
  });

  it('expires a 2-second lease on the server', async () => {
    const lease = await store.grantLease(2);
    await store.put(`${prefix}/ephemeral`, 'v', { lease: lease.id });
    // etcd deletes the keys shortly after the TTL. 10 s leaves a wide margin.
    const read = async (): Promise<unknown> => (await store.get(`${prefix}/ephemeral`)).kv;
    const kv = await pollUntil(read, (value) => value === null, 10_000);
    expect(kv).toBeNull();
    await expect(store.keepAliveOnce(lease.id)).rejects.toBeInstanceOf(LeaseNotFoundError);
  });

  it('delivers one txn in one onEvents call', async () => {
    const { batches, listener } = recorder();
    const watch = await store.watch(`${prefix}/`, 0, listener);
    await store.txn({
      compare: [],
      success: [
        { type: 'put', key: `${prefix}/a`, value: '1' },
        { type: 'put', key: `${prefix}/b`, value: '2' },
      ],
    });
    await pollUntil(() => batches.length, (count) => count > 0, 5_000);
    watch.cancel();
    const keys = batches.map((batch) => batch.map((event) => event.kv.key));
    expect(keys).toEqual([[`${prefix}/a`, `${prefix}/b`]]);
  });

  it('fails calls after close with StoreClosedError', async () => {
    await store.close();
    const error = await store.get(`${prefix}/k`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreClosedError);
    expect((error as Error).message).toContain(endpoints[0]);
  });

  it('ends open watches on close', async () => {
    const { errors, listener } = recorder();
    await store.watch(`${prefix}/`, 0, listener);
    await store.close();
    expect(errors).toEqual([expect.any(StoreClosedError)]);
  });
});

describe('EtcdStore with no server at the endpoint', () => {
  let store: EtcdStore;
  let endpoint: string;

  beforeEach(async () => {
    endpoint = `http://127.0.0.1:${await freeLoopbackPort()}`;
    // A deadline far beyond the wait below: the error must come from the refused connection.
    store = new EtcdStore({ endpoints: [endpoint], requestTimeoutMs: 60_000 });
  });

  afterEach(async () => {
    await store.close();
  });

  it('read fails as unavailable, naming the URL', async () => {
    const outcome = await settleWithin(store.get('/k'), 10_000);
    expect(outcome).toEqual({ error: expect.any(StoreUnavailableError) });
    expect((outcome as { error: Error }).error.message).toContain(endpoint);
  });

  it('txn fails as unavailable', async () => {
    const txn = store.txn({ compare: [], success: [{ type: 'put', key: '/k', value: 'v' }] });
    const outcome = await settleWithin(txn, 10_000);
    expect(outcome).toEqual({ error: expect.any(StoreUnavailableError) });
  });

  it('watch fails as unavailable', async () => {
    const { listener } = recorder();
    const outcome = await settleWithin(store.watch('/k', 0, listener), 10_000);
    expect(outcome).toEqual({ error: expect.any(StoreUnavailableError) });
  });
});

describe.skipIf(findEtcdBinary() === undefined)('EtcdStore on a private etcd process', () => {
  let etcd: EtcdProcess;
  let store: EtcdStore;

  beforeEach(async () => {
    etcd = await startEtcd();
    store = new EtcdStore({ endpoints: [etcd.endpoint], requestTimeoutMs: 2_000 });
  });

  afterEach(async () => {
    await store.close();
    await etcd.stop();
  });

  it('watch fails as unavailable when etcd stops', async () => {
    const { batches, errors, listener } = recorder();
    await store.watch('/w/', 0, listener);
    await store.put('/w/before', 'v');
    await pollUntil(() => batches.length, (count) => count > 0, 5_000);
    await etcd.stop();
    await pollUntil(() => errors.length, (count) => count > 0, 15_000);
    expect(errors).toEqual([expect.any(StoreUnavailableError)]);
    expect(errors[0]?.message).toContain(etcd.endpoint);
    expect(batches).toHaveLength(1);
  });

  it('watch from compacted revision fails as compacted', async () => {
    await store.put('/c/k', '1');
    await store.put('/c/k', '2');
    const { revision } = await store.put('/c/k', '3');
    await store.compact(revision);
    const { batches, errors, listener } = recorder();
    await store.watch('/c/', 1, listener);
    await pollUntil(() => errors.length, (count) => count > 0, 5_000);
    expect(errors).toEqual([expect.any(CompactedError)]);
    expect(errors[0]).toMatchObject({ requestedRevision: 1, compactRevision: revision });
    expect(batches).toEqual([]);
  });

  it('compact at compacted revision throws CompactedError', async () => {
    await store.put('/c/k', '1');
    const { revision } = await store.put('/c/k', '2');
    await store.put('/c/k', '3');
    await store.compact(revision);
    const error = await store.compact(revision - 1).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CompactedError);
    expect(error).toMatchObject({ requestedRevision: revision - 1, compactRevision: revision });
  });

  it('compact beyond current revision throws InvalidArgumentError', async () => {
    const { revision } = await store.put('/c/k', '1');
    await expect(store.compact(revision + 1)).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
