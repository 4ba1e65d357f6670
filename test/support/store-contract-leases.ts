import { describe, expect, it } from 'vitest';

import { LeaseNotFoundError } from '../../src/store/errors.js';
import {
  CONTRACT_LEASE_TTL_SECONDS,
  UNKNOWN_LEASE,
  type ContractContext,
} from './store-contract-context.js';

/** Contract of leases, without waiting for any lease to expire. */
export function describeLeaseContract(context: ContractContext): void {
  describe('leases', () => {
    it('grantLease returns an id and a TTL', async () => {
      const lease = await context.grantLease();

      expect(lease.id).not.toBe('');
      // etcd may grant more than requested, never less.
      expect(lease.ttlSeconds).toBeGreaterThanOrEqual(CONTRACT_LEASE_TTL_SECONDS);
    });

    it('put with a lease binds the key', async () => {
      const lease = await context.grantLease();
      const key = context.key('a');

      await context.store.put(key, 'one', { lease: lease.id });
      const { kv } = await context.store.get(key);

      expect(kv?.lease).toBe(lease.id);
    });

    it('keepAliveOnce renews a live lease', async () => {
      const lease = await context.grantLease();

      const renewed = await context.store.keepAliveOnce(lease.id);

      expect(renewed.ttlSeconds).toBe(lease.ttlSeconds);
    });

    it('revokeLease deletes bound keys in one revision', async () => {
      const { store } = context;
      const lease = await context.grantLease();
      await store.put(context.key('b'), 'bound', { lease: lease.id });
      await store.put(context.key('a'), 'bound', { lease: lease.id });
      const kept = await store.put(context.key('c'), 'free');
      const { recorder } = await context.watch('', kept.revision + 1);

      await store.revokeLease(lease.id);
      await recorder.waitForEvents(2);
      const { kvs } = await store.range(context.prefix);

      expect(kvs.map((kv) => kv.key)).toEqual([context.key('c')]);
      expect(recorder.batches).toHaveLength(1);
      const events = recorder.events;
      expect(events.map((event) => event.type)).toEqual(['delete', 'delete']);
      expect(events.map((event) => event.kv.key).sort()).toEqual([context.key('a'), context.key('b')]);
      expect(events[0]?.kv.modRevision).toBe(events[1]?.kv.modRevision);
    });

    it('revokeLease of a lease without keys succeeds', async () => {
      const lease = await context.grantLease();

      await context.store.revokeLease(lease.id);

      await expect(context.store.keepAliveOnce(lease.id)).rejects.toBeInstanceOf(LeaseNotFoundError);
    });

    it('put with a revoked lease rejects', async () => {
      const lease = await context.grantLease();
      await context.store.revokeLease(lease.id);

      const put = context.store.put(context.key('a'), 'one', { lease: lease.id });

      await expect(put).rejects.toBeInstanceOf(LeaseNotFoundError);
      expect((await context.store.get(context.key('a'))).kv).toBeNull();
    });

    it('put with an unknown lease rejects', async () => {
      const put = context.store.put(context.key('a'), 'one', { lease: UNKNOWN_LEASE });

      await expect(put).rejects.toBeInstanceOf(LeaseNotFoundError);
    });

    it('keepAliveOnce of a revoked lease rejects', async () => {
      const lease = await context.grantLease();
      await context.store.revokeLease(lease.id);

      await expect(context.store.keepAliveOnce(lease.id)).rejects.toBeInstanceOf(LeaseNotFoundError);
    });

    it('revokeLease of a revoked lease rejects', async () => {
      const lease = await context.grantLease();
      await context.store.revokeLease(lease.id);

      await expect(context.store.revokeLease(lease.id)).rejects.toBeInstanceOf(LeaseNotFoundError);
    });

    it('put with another lease rebinds the key', async () => {
      const { store } = context;
      const key = context.key('a');
      const first = await context.grantLease();
      const second = await context.grantLease();
      await store.put(key, 'one', { lease: first.id });
      await store.put(key, 'two', { lease: second.id });

      await store.revokeLease(first.id);
      const afterFirst = await store.get(key);
      await store.revokeLease(second.id);
      const afterSecond = await store.get(key);

      expect(afterFirst.kv?.lease).toBe(second.id);
      expect(afterSecond.kv).toBeNull();
    });

    it('put without a lease unbinds the key', async () => {
      const { store } = context;
      const key = context.key('a');
      const lease = await context.grantLease();
      await store.put(key, 'one', { lease: lease.id });
      await store.put(key, 'two');

      await store.revokeLease(lease.id);
      const { kv } = await store.get(key);

      expect(kv?.value).toBe('two');
      expect(kv?.lease).toBeNull();
    });
  });
}
