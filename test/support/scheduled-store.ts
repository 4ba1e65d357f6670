import type fc from 'fast-check';

import type { Store, Watch, WatchListener } from '../../src/store/store.js';

/**
 * A Store whose replies reach the caller in the order a fast-check scheduler picks: each call is
 * applied on the inner store at once, and its reply waits in the scheduler. Watch batches of one
 * watch keep their order among themselves, as a real watch stream does, but each waits in the
 * scheduler too, so replies and watch events interleave in every order. `close()` leaves the
 * inner store open, since a test cluster shares it.
 */
export class ScheduledStore implements Store {
  constructor(
    private readonly inner: Store,
    private readonly scheduler: fc.Scheduler,
  ) {}

  get: Store['get'] = (key) => this.reply(`get ${key}`, this.inner.get(key));
  range: Store['range'] = (prefix) => this.reply(`range ${prefix}`, this.inner.range(prefix));
  put: Store['put'] = (key, value, options) => this.reply(`put ${key}`, this.inner.put(key, value, options));
  delete: Store['delete'] = (key) => this.reply(`delete ${key}`, this.inner.delete(key));
  txn: Store['txn'] = (request) => this.reply('txn', this.inner.txn(request));
  grantLease: Store['grantLease'] = (ttl) => this.reply('grantLease', this.inner.grantLease(ttl));
  keepAliveOnce: Store['keepAliveOnce'] = (lease) => this.reply('keepAliveOnce', this.inner.keepAliveOnce(lease));
  revokeLease: Store['revokeLease'] = (lease) => this.reply('revokeLease', this.inner.revokeLease(lease));
  compact: Store['compact'] = (revision) => this.reply('compact', this.inner.compact(revision));

  async watch(prefix: string, fromRevision: number, listener: WatchListener): Promise<Watch> {
    let stream = Promise.resolve();
    let cancelled = false;
    const deliver = (label: string, action: () => void): void => {
      stream = stream.then(() => this.scheduler.schedule(Promise.resolve(), label)).then(() => {
        if (!cancelled) action();
      });
    };
    const inner = await this.reply(
      `watch ${prefix}`,
      this.inner.watch(prefix, fromRevision, {
        onEvents: (events) => deliver(`events ${prefix}`, () => listener.onEvents(events)),
        onError: (error) => deliver(`error ${prefix}`, () => listener.onError(error)),
      }),
    );
    return {
      cancel: () => {
        cancelled = true;
        inner.cancel();
      },
    };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private reply<T>(label: string, applied: Promise<T>): Promise<T> {
    return this.scheduler.schedule(applied, label);
  }
}
