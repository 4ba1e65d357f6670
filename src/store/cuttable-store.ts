import { StoreUnavailableError } from './errors.js';
import type { Store, Watch, WatchListener } from './store.js';

/**
 * A Store seen through a link that can be cut: while cut, every call rejects with
 * StoreUnavailableError and every watch opened through the link ends with that error. It stands
 * for a node that lost its network, or crashed, while the store itself stays up. `close()` leaves
 * the inner store open, since other nodes share it.
 */
export class CuttableStore implements Store {
  private isCut = false;
  private readonly listeners = new Set<WatchListener>();

  constructor(private readonly inner: Store) {}

  cut(): void {
    this.isCut = true;
    const error = new StoreUnavailableError('link cut');
    for (const listener of this.listeners) listener.onError(error);
    this.listeners.clear();
  }

  heal(): void {
    this.isCut = false;
  }

  get: Store['get'] = (key) => this.pass(() => this.inner.get(key));
  range: Store['range'] = (prefix) => this.pass(() => this.inner.range(prefix));
  put: Store['put'] = (key, value, options) => this.pass(() => this.inner.put(key, value, options));
  delete: Store['delete'] = (key) => this.pass(() => this.inner.delete(key));
  txn: Store['txn'] = (request) => this.pass(() => this.inner.txn(request));
  grantLease: Store['grantLease'] = (ttl) => this.pass(() => this.inner.grantLease(ttl));
  keepAliveOnce: Store['keepAliveOnce'] = (lease) => this.pass(() => this.inner.keepAliveOnce(lease));
  revokeLease: Store['revokeLease'] = (lease) => this.pass(() => this.inner.revokeLease(lease));
  compact: Store['compact'] = (revision) => this.pass(() => this.inner.compact(revision));

  async watch(prefix: string, fromRevision: number, listener: WatchListener): Promise<Watch> {
    const linked: WatchListener = {
      onEvents: (events) => {
        if (!this.isCut) listener.onEvents(events);
      },
      onError: (error) => {
        this.listeners.delete(linked);
        listener.onError(error);
      },
    };
    const watch = await this.pass(() => this.inner.watch(prefix, fromRevision, linked));
    this.listeners.add(linked);
    return {
      cancel: () => {
        this.listeners.delete(linked);
        watch.cancel();
      },
    };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private pass<T>(call: () => Promise<T>): Promise<T> {
    if (this.isCut) return Promise.reject(new StoreUnavailableError('link cut'));
    return call();
  }
}
