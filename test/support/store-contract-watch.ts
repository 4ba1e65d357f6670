import { describe, expect, it } from 'vitest';

import type { WatchEvent } from '../../src/store/store.js';
import type { ContractContext } from './store-contract-context.js';

/** `type key` of each event, for compact comparisons. */
function summarize(events: WatchEvent[]): string[] {
  return events.map((event) => `${event.type} ${event.kv.key}`);
}

/** Contract of watch: replay, batching per revision, prefix filtering and cancel. */
export function describeWatchContract(context: ContractContext): void {
  describe('watch', () => {
    it('watch from a past revision replays history', async () => {
      const { store } = context;
      const first = await store.put(context.key('a'), 'one');
      await store.put(context.key('b'), 'two');
      const deleted = await store.delete(context.key('a'));

      const { recorder } = await context.watch('', first.revision);
      await recorder.waitForEvents(3);
      await store.put(context.key('c'), 'three');
      await recorder.waitForEvents(4);

      const [putA, putB, deleteA, putC] = recorder.events;
      expect(summarize(recorder.events)).toEqual([
        `put ${context.key('a')}`,
        `put ${context.key('b')}`,
        `delete ${context.key('a')}`,
        `put ${context.key('c')}`,
      ]);
      expect(putA?.kv).toEqual({
        key: context.key('a'),
        value: 'one',
        createRevision: first.revision,
        modRevision: first.revision,
        version: 1,
        lease: null,
      });
      expect(putB?.kv.value).toBe('two');
      expect(deleteA?.kv.modRevision).toBe(deleted.revision);
      expect(putC?.kv.modRevision).toBeGreaterThan(deleted.revision);
    });

    it('watch from 0 starts at the next write', async () => {
      const { store } = context;
      await store.put(context.key('a'), 'before');

      const { recorder } = await context.watch('', 0);
      const after = await store.put(context.key('b'), 'after');
      await recorder.waitForEvents(1);

      expect(summarize(recorder.events)).toEqual([`put ${context.key('b')}`]);
      expect(recorder.events[0]?.kv.modRevision).toBe(after.revision);
    });

    it('watch delivers a revision in one call', async () => {
      const { store } = context;
      const created = await store.put(context.key('c'), 'old');
      const { recorder } = await context.watch('', created.revision + 1);

      const result = await store.txn({
        compare: [],
        success: [
          { type: 'put', key: context.key('b'), value: 'one' },
          { type: 'put', key: context.key('a'), value: 'two' },
          { type: 'delete', key: context.key('c') },
        ],
      });
      await recorder.waitForEvents(3);

      expect(recorder.batches).toHaveLength(1);
      expect(summarize(recorder.events)).toEqual([
        `put ${context.key('b')}`,
        `put ${context.key('a')}`,
        `delete ${context.key('c')}`,
      ]);
      const revisions = recorder.events.map((event) => event.kv.modRevision);
      expect(revisions).toEqual([result.revision, result.revision, result.revision]);
    });

    it('watch keeps revision order and never splits one', async () => {
      const { store } = context;
      const { recorder } = await context.watch('', 0);

      await store.put(context.key('a'), '1');
      await store.txn({
        compare: [],
        success: [
          { type: 'put', key: context.key('b'), value: '2' },
          { type: 'put', key: context.key('c'), value: '2' },
        ],
      });
      await store.delete(context.key('a'));
      await store.put(context.key('a'), '4');
      await recorder.waitForEvents(5);

      const revisions = recorder.events.map((event) => event.kv.modRevision);
      expect(revisions).toEqual([...revisions].sort((x, y) => x - y));
      const batchOfRevision = new Map<number, number>();
      recorder.batches.forEach((batch, index) => {
        for (const event of batch) {
          const seen = batchOfRevision.get(event.kv.modRevision) ?? index;
          expect(seen, `batch of revision ${event.kv.modRevision}`).toBe(index);
          batchOfRevision.set(event.kv.modRevision, index);
        }
      });
    });

    it('watch sends only keys under its prefix', async () => {
      const { store } = context;
      const { recorder } = await context.watch('w/', 0);

      for (const name of ['w', 'wx', 'w/1', 'v/1', 'w/end']) await store.put(context.key(name), name);
      await recorder.waitForEvents(2);

      expect(summarize(recorder.events)).toEqual([
        `put ${context.key('w/1')}`,
        `put ${context.key('w/end')}`,
      ]);
    });

    it('writes that change nothing send no events', async () => {
      const { store } = context;
      await store.put(context.key('a'), 'one');
      const { recorder } = await context.watch('', 0);

      await store.delete(context.key('absent'));
      await store.txn({ compare: [], success: [{ type: 'deletePrefix', prefix: context.key('none/') }] });
      await store.txn({ compare: [], success: [{ type: 'get', key: context.key('a') }] });
      await store.txn({
        compare: [{ key: context.key('a'), target: 'version', op: '=', value: 9 }],
        success: [{ type: 'put', key: context.key('a'), value: 'two' }],
      });
      await store.put(context.key('marker'), 'last');
      await recorder.waitForEvents(1);

      expect(summarize(recorder.events)).toEqual([`put ${context.key('marker')}`]);
    });

    it('cancel stops delivery', async () => {
      const { store } = context;
      const cancelled = await context.watch('', 0);
      const witness = await context.watch('', 0);
      await store.put(context.key('a'), 'one');
      await cancelled.recorder.waitForEvents(1);

      cancelled.watch.cancel();
      await store.put(context.key('b'), 'two');
      await witness.recorder.waitForEvents(2);

      // NOTE: the witness saw the second put, which makes it likely, not certain, that a remote
      // store would have delivered it to the cancelled watch by now.
      expect(summarize(cancelled.recorder.events)).toEqual([`put ${context.key('a')}`]);
      expect(cancelled.recorder.errors).toEqual([]);
    });

    it('cancel is idempotent', async () => {
      const { watch, recorder } = await context.watch('', 0);

      watch.cancel();
      watch.cancel();
      await context.store.put(context.key('a'), 'one');

      expect(recorder.errors).toEqual([]);
    });
  });
}
