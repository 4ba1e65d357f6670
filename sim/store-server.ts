import { StoreUnavailableError } from '../src/store/errors.js';
import type { MemoryStore } from '../src/store/memory-store.js';

/**
 * The store as a simulated server: a MemoryStore that can be made unavailable for a while or
 * restarted. A restart ends every watch stream and extends every lease to its full TTL, as etcd
 * does when a new leader takes over.
 */
export class StoreServer {
  private unavailable = false;

  constructor(readonly store: MemoryStore) {}

  get available(): boolean {
    return !this.unavailable;
  }

  setAvailable(available: boolean): void {
    this.unavailable = !available;
    if (!available) this.store.breakWatches(new StoreUnavailableError('store unavailable'));
  }

  restart(): void {
    this.store.breakWatches(new StoreUnavailableError('store restarted'));
    this.store.extendAllLeases();
  }
}
