import { describe, expect, it } from 'vitest';

import type { ContractContext } from './store-contract-context.js';

/**
 * Contract of get, range, put and delete. Other clients may write to the same store, so the tests
 * compare revisions with each other and never expect exact numbers or gaps.
 */
export function describeKeyValueContract(context: ContractContext): void {
  describe('keys and revisions', () => {
    it('put then get returns the key-value', async () => {
      const { store } = context;
      const key = context.key('a');

      const { revision } = await store.put(key, 'one');
      const read = await store.get(key);

      expect(read.kv).toEqual({
        key,
        value: 'one',
        createRevision: revision,
        modRevision: revision,
        version: 1,
        lease: null,
      });
      expect(read.revision).toBeGreaterThanOrEqual(revision);
    });

    it('get of an absent key returns null', async () => {
      const read = await context.store.get(context.key('absent'));

      expect(read.kv).toBeNull();
      expect(read.revision).toBeGreaterThanOrEqual(1);
    });

    it('second put bumps version and modRevision', async () => {
      const { store } = context;
      const key = context.key('a');

      const first = await store.put(key, 'one');
      const second = await store.put(key, 'two');
      const { kv } = await store.get(key);

      expect(second.revision).toBeGreaterThan(first.revision);
      expect(kv?.value).toBe('two');
      expect(kv?.createRevision).toBe(first.revision);
      expect(kv?.modRevision).toBe(second.revision);
      expect(kv?.version).toBe(2);
    });

    it('put of the same value still writes', async () => {
      const { store } = context;
      const key = context.key('a');

      const first = await store.put(key, 'same');
      const second = await store.put(key, 'same');
      const { kv } = await store.get(key);

      expect(second.revision).toBeGreaterThan(first.revision);
      expect(kv?.version).toBe(2);
    });

    it('range returns keys in UTF-8 byte order', async () => {
      const { store } = context;
      // Sorted by their UTF-8 bytes: "-" 0x2d < "/" 0x2f < "0" 0x30, "B" 0x42 < "a" 0x61, then
      // U+00E9 (c3 a9) < U+E000 (ee 80 80) < U+1F600 (f0 9f 98 80). UTF-16 order puts U+1F600 first.
      const sorted = ['B', 'a', 'a-b', 'a/b', 'a0', 'b', '\u00e9', '\ue000', '\u{1f600}'];
      const writeOrder = ['\u{1f600}', 'b', 'a/b', '\ue000', 'a', 'B', 'a0', '\u00e9', 'a-b'];
      let lastRevision = 0;
      for (const name of writeOrder) {
        lastRevision = (await store.put(context.key(name), name)).revision;
      }

      const result = await store.range(context.prefix);

      expect(result.kvs.map((kv) => kv.key)).toEqual(sorted.map((name) => context.key(name)));
      expect(result.kvs.map((kv) => kv.value)).toEqual(sorted);
      expect(result.revision).toBeGreaterThanOrEqual(lastRevision);
    });

    it('range excludes keys outside the prefix', async () => {
      const { store } = context;
      for (const name of ['x', 'x/1', 'x/2', 'xy']) await store.put(context.key(name), name);

      const result = await store.range(context.key('x/'));

      expect(result.kvs.map((kv) => kv.key)).toEqual([context.key('x/1'), context.key('x/2')]);
    });

    it('range of an unused prefix is empty', async () => {
      await context.store.put(context.key('a'), 'one');

      const result = await context.store.range(context.key('unused/'));

      expect(result.kvs).toEqual([]);
    });

    it('delete removes the key', async () => {
      const { store } = context;
      const key = context.key('a');
      const put = await store.put(key, 'one');

      const deleted = await store.delete(key);
      const read = await store.get(key);

      expect(deleted.deleted).toBe(1);
      expect(deleted.revision).toBeGreaterThan(put.revision);
      expect(read.kv).toBeNull();
    });

    it('delete of an absent key deletes nothing', async () => {
      const result = await context.store.delete(context.key('absent'));

      expect(result.deleted).toBe(0);
    });

    it('put after delete re-creates the key', async () => {
      const { store } = context;
      const key = context.key('a');
      await store.put(key, 'one');
      await store.put(key, 'two');
      await store.delete(key);

      const { revision } = await store.put(key, 'three');
      const { kv } = await store.get(key);

      expect(kv?.createRevision).toBe(revision);
      expect(kv?.modRevision).toBe(revision);
      expect(kv?.version).toBe(1);
    });

    it('returned key-values are copies', async () => {
      const { store } = context;
      const key = context.key('a');
      await store.put(key, 'one');

      const got = await store.get(key);
      if (got.kv !== null) got.kv.value = 'changed by get caller';
      const ranged = await store.range(context.prefix);
      for (const kv of ranged.kvs) kv.value = 'changed by range caller';
      const { kv } = await store.get(key);

      expect(kv?.value).toBe('one');
    });
  });
}
