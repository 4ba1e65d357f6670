import { describe, expect, it } from 'vitest';

import { LeaseNotFoundError } from '../../src/store/errors.js';
import type { Compare, KeyValue, Op } from '../../src/store/store.js';
import { UNKNOWN_LEASE, type ContractContext } from './store-contract-context.js';

/** A compare and whether it must hold. */
type CompareCase = { compare: Compare; holds: boolean };

/** Compares of every target and op against `kv`, an existing key bound to a lease. */
function existingKeyCases(kv: KeyValue): CompareCase[] {
  const { key, createRevision: create, modRevision: mod, lease } = kv;
  return [
    { compare: { key, target: 'version', op: '=', value: 2 }, holds: true },
    { compare: { key, target: 'version', op: '=', value: 1 }, holds: false },
    { compare: { key, target: 'version', op: '!=', value: 1 }, holds: true },
    { compare: { key, target: 'version', op: '!=', value: 2 }, holds: false },
    { compare: { key, target: 'version', op: '<', value: 3 }, holds: true },
    { compare: { key, target: 'version', op: '<', value: 2 }, holds: false },
    { compare: { key, target: 'version', op: '>', value: 1 }, holds: true },
    { compare: { key, target: 'version', op: '>', value: 2 }, holds: false },
    { compare: { key, target: 'createRevision', op: '=', value: create }, holds: true },
    { compare: { key, target: 'createRevision', op: '=', value: create + 1 }, holds: false },
    { compare: { key, target: 'createRevision', op: '!=', value: create }, holds: false },
    { compare: { key, target: 'createRevision', op: '<', value: create + 1 }, holds: true },
    { compare: { key, target: 'createRevision', op: '<', value: create }, holds: false },
    { compare: { key, target: 'createRevision', op: '>', value: create - 1 }, holds: true },
    { compare: { key, target: 'createRevision', op: '>', value: create }, holds: false },
    { compare: { key, target: 'modRevision', op: '=', value: mod }, holds: true },
    { compare: { key, target: 'modRevision', op: '!=', value: mod }, holds: false },
    { compare: { key, target: 'modRevision', op: '!=', value: create }, holds: true },
    { compare: { key, target: 'modRevision', op: '<', value: mod + 1 }, holds: true },
    { compare: { key, target: 'modRevision', op: '<', value: mod }, holds: false },
    { compare: { key, target: 'modRevision', op: '>', value: create }, holds: true },
    { compare: { key, target: 'modRevision', op: '>', value: mod }, holds: false },
    { compare: { key, target: 'value', op: '=', value: 'two' }, holds: true },
    { compare: { key, target: 'value', op: '=', value: 'one' }, holds: false },
    { compare: { key, target: 'value', op: '!=', value: 'one' }, holds: true },
    { compare: { key, target: 'value', op: '!=', value: 'two' }, holds: false },
    { compare: { key, target: 'lease', op: '=', value: lease }, holds: true },
    { compare: { key, target: 'lease', op: '=', value: null }, holds: false },
    { compare: { key, target: 'lease', op: '!=', value: null }, holds: true },
    { compare: { key, target: 'lease', op: '!=', value: lease }, holds: false },
  ];
}

/** Compares against a key that does not exist; value compares always fail, as in etcd. */
function absentKeyCases(key: string): CompareCase[] {
  return [
    { compare: { key, target: 'version', op: '=', value: 0 }, holds: true },
    { compare: { key, target: 'version', op: '>', value: 0 }, holds: false },
    { compare: { key, target: 'createRevision', op: '=', value: 0 }, holds: true },
    { compare: { key, target: 'createRevision', op: '<', value: 1 }, holds: true },
    { compare: { key, target: 'modRevision', op: '=', value: 0 }, holds: true },
    { compare: { key, target: 'modRevision', op: '!=', value: 0 }, holds: false },
    { compare: { key, target: 'value', op: '=', value: '' }, holds: false },
    { compare: { key, target: 'value', op: '!=', value: 'x' }, holds: false },
    { compare: { key, target: 'lease', op: '=', value: null }, holds: true },
    { compare: { key, target: 'lease', op: '!=', value: null }, holds: false },
  ];
}

/** Contract of txn: compares, branches, ops, and the writes it rejects. */
export function describeTxnContract(context: ContractContext): void {
  describe('txn', () => {
    it('txn applies every op in one revision', async () => {
      const { store } = context;
      const created = await store.put(context.key('c'), 'old');

      const result = await store.txn({
        compare: [],
        success: [
          { type: 'put', key: context.key('a'), value: 'one' },
          { type: 'put', key: context.key('b'), value: 'two' },
          { type: 'delete', key: context.key('c') },
        ],
      });
      const { kvs } = await store.range(context.prefix);

      expect(result.succeeded).toBe(true);
      expect(result.revision).toBeGreaterThan(created.revision);
      expect(result.responses).toEqual([
        { type: 'put' },
        { type: 'put' },
        { type: 'delete', deleted: 1 },
      ]);
      expect(kvs.map((kv) => kv.key)).toEqual([context.key('a'), context.key('b')]);
      expect(kvs.map((kv) => kv.modRevision)).toEqual([result.revision, result.revision]);
    });

    it('txn compares on an existing key', async () => {
      const { store } = context;
      const key = context.key('a');
      const lease = await context.grantLease();
      await store.put(key, 'one', { lease: lease.id });
      await store.put(key, 'two', { lease: lease.id });
      const { kv } = await store.get(key);
      if (kv === null) throw new Error(`key ${key} vanished`);

      for (const { compare, holds } of existingKeyCases(kv)) {
        const result = await store.txn({ compare: [compare], success: [] });
        expect(result.succeeded, JSON.stringify(compare)).toBe(holds);
      }
    });

    it('txn compares on an absent key', async () => {
      for (const { compare, holds } of absentKeyCases(context.key('absent'))) {
        const result = await context.store.txn({ compare: [compare], success: [] });
        expect(result.succeeded, JSON.stringify(compare)).toBe(holds);
      }
    });

    it('txn needs every compare to hold', async () => {
      const key = context.key('absent');

      const result = await context.store.txn({
        compare: [
          { key, target: 'version', op: '=', value: 0 },
          { key, target: 'version', op: '=', value: 1 },
        ],
        success: [],
      });

      expect(result.succeeded).toBe(false);
    });

    it('failed compare runs the failure branch', async () => {
      const { store } = context;
      await store.put(context.key('a'), 'one');

      const result = await store.txn({
        compare: [{ key: context.key('a'), target: 'value', op: '=', value: 'other' }],
        success: [{ type: 'put', key: context.key('b'), value: 'success' }],
        failure: [
          { type: 'put', key: context.key('c'), value: 'failure' },
          { type: 'get', key: context.key('a') },
        ],
      });
      const { kvs } = await store.range(context.prefix);

      expect(result.succeeded).toBe(false);
      expect(result.responses).toHaveLength(2);
      expect(result.responses[0]).toEqual({ type: 'put' });
      expect(result.responses[1]).toMatchObject({ type: 'get', kv: { key: context.key('a'), value: 'one' } });
      expect(kvs.map((kv) => kv.key)).toEqual([context.key('a'), context.key('c')]);
    });

    it('failed compare without failure ops changes nothing', async () => {
      const { store } = context;
      const put = await store.put(context.key('a'), 'one');

      const result = await store.txn({
        compare: [{ key: context.key('a'), target: 'version', op: '=', value: 5 }],
        success: [{ type: 'put', key: context.key('a'), value: 'two' }],
      });
      const { kv } = await store.get(context.key('a'));

      expect(result.succeeded).toBe(false);
      expect(result.responses).toEqual([]);
      expect(kv?.modRevision).toBe(put.revision);
    });

    it('txn get and range read the store', async () => {
      const { store } = context;
      await store.put(context.key('r/2'), 'two');
      await store.put(context.key('r/1'), 'one');

      const result = await store.txn({
        compare: [],
        success: [
          { type: 'get', key: context.key('r/1') },
          { type: 'get', key: context.key('absent') },
          { type: 'range', prefix: context.key('r/') },
        ],
      });

      expect(result.responses[0]).toMatchObject({ type: 'get', kv: { value: 'one', version: 1 } });
      expect(result.responses[1]).toEqual({ type: 'get', kv: null });
      const range = result.responses[2];
      expect(range?.type === 'range' ? range.kvs.map((kv) => kv.value) : range).toEqual(['one', 'two']);
    });

    it('txn reads see earlier writes of the txn', async () => {
      const { store } = context;
      await store.put(context.key('a'), 'old');

      const result = await store.txn({
        compare: [],
        success: [
          { type: 'put', key: context.key('a'), value: 'new' },
          { type: 'get', key: context.key('a') },
          { type: 'delete', key: context.key('b') },
          { type: 'range', prefix: context.prefix },
        ],
      });

      expect(result.responses[1]).toMatchObject({
        type: 'get',
        kv: { value: 'new', version: 2, modRevision: result.revision },
      });
      const range = result.responses[3];
      expect(range?.type === 'range' ? range.kvs.map((kv) => kv.value) : range).toEqual(['new']);
    });

    it('deletePrefix spares sibling keys', async () => {
      const { store } = context;
      for (const name of ['a', 'a/1', 'a/2', 'ab']) await store.put(context.key(name), name);

      const result = await store.txn({
        compare: [],
        success: [{ type: 'deletePrefix', prefix: context.key('a/') }],
      });
      const { kvs } = await store.range(context.prefix);

      expect(result.responses).toEqual([{ type: 'deletePrefix', deleted: 2 }]);
      expect(kvs.map((kv) => kv.key)).toEqual([context.key('a'), context.key('ab')]);
    });

    it('txn rejects writing one key twice', async () => {
      const { store } = context;
      const key = context.key('a');
      const put: Op = { type: 'put', key, value: 'v' };
      const branches: Op[][] = [
        [put, { ...put, value: 'w' }],
        [put, { type: 'delete', key }],
        [{ type: 'delete', key }, put],
        [put, { type: 'deletePrefix', prefix: context.prefix }],
      ];

      for (const ops of branches) {
        await expect(store.txn({ compare: [], success: ops }), JSON.stringify(ops)).rejects.toThrow();
        await expect(
          store.txn({ compare: [], success: [], failure: ops }),
          `failure branch ${JSON.stringify(ops)}`,
        ).rejects.toThrow();
      }
      expect((await store.get(key)).kv).toBeNull();
    });

    it('txn allows two deletes of one key', async () => {
      const key = context.key('a');
      await context.store.put(key, 'one');

      const result = await context.store.txn({
        compare: [],
        success: [
          { type: 'delete', key },
          { type: 'delete', key },
        ],
      });

      expect(result.responses).toEqual([
        { type: 'delete', deleted: 1 },
        { type: 'delete', deleted: 0 },
      ]);
    });

    it('put on an unknown lease applies nothing', async () => {
      const { store } = context;

      const txn = store.txn({
        compare: [],
        success: [
          { type: 'put', key: context.key('a'), value: 'one' },
          { type: 'put', key: context.key('b'), value: 'two', lease: UNKNOWN_LEASE },
        ],
      });

      await expect(txn).rejects.toBeInstanceOf(LeaseNotFoundError);
      expect((await store.range(context.prefix)).kvs).toEqual([]);
    });

    it('lease of the branch not run is not checked', async () => {
      const result = await context.store.txn({
        compare: [],
        success: [{ type: 'put', key: context.key('a'), value: 'one' }],
        failure: [{ type: 'put', key: context.key('b'), value: 'two', lease: UNKNOWN_LEASE }],
      });

      expect(result.succeeded).toBe(true);
    });
  });
}
