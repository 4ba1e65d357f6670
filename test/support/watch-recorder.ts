import type { WatchEvent, WatchListener } from '../../src/store/store.js';

/** How long `waitFor` waits by default, in real milliseconds. A local etcd delivers events well within it. */
export const DEFAULT_WAIT_MS = 5_000;

/** A WatchListener that records every call, for tests to wait on and inspect. */
export class WatchRecorder implements WatchListener {
  /** The event arrays of every `onEvents` call, in call order. */
  readonly batches: WatchEvent[][] = [];
  readonly errors: Error[] = [];
  private readonly waiters = new Set<() => void>();

  onEvents(events: WatchEvent[]): void {
    this.batches.push(events);
    this.wake();
  }

  onError(error: Error): void {
    this.errors.push(error);
    this.wake();
  }

  /** Every event received so far, in delivery order. */
  get events(): WatchEvent[] {
    return this.batches.flat();
  }

  /** Waits until at least `count` events have arrived. */
  waitForEvents(count: number, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    return this.waitFor(() => this.events.length >= count, `${count} watch events`, timeoutMs);
  }

  /** Waits until `onError` has been called. */
  waitForError(timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    return this.waitFor(() => this.errors.length > 0, 'a watch error', timeoutMs);
  }

  /**
   * Resolves once `condition` is true after a listener call, or rejects after `timeoutMs` real
   * milliseconds with a message that lists what arrived.
   */
  waitFor(condition: () => boolean, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received ${this.describe()}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  private wake(): void {
    for (const check of [...this.waiters]) check();
  }

  private describe(): string {
    const batches = this.batches.map((batch) =>
      batch.map((event) => `${event.type} ${event.kv.key}@${event.kv.modRevision}`).join(', '),
    );
    const errors = this.errors.map((error) => error.message);
    return JSON.stringify({ batches, errors });
  }
}
