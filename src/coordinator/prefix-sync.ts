import type { Buggify } from '../runtime/buggify.js';
import { noBuggify } from '../runtime/buggify.js';
import type { Clock } from '../runtime/clock.js';
import { MetaforaError } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import type { KeyValue, Store, Watch, WatchEvent } from '../store/store.js';

export interface PrefixSyncHandlers {
  /** Replaces everything known under the prefix with a fresh listing read at `revision`. */
  reset(kvs: KeyValue[], revision: number): void;
  /** Applies the events of one or more revisions, in order. */
  apply(events: WatchEvent[]): void;
}

/** First wait after a broken watch, in milliseconds; doubles up to `MAX_RETRY_MS`. */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/**
 * Mirrors one key prefix: lists it, then watches from the listed revision on. When the watch
 * breaks or its revision was compacted, it lists again and watches from the new listing, so no
 * change is missed: the handlers see a `reset` and continue from there.
 */
export class PrefixSync {
  private watch: Watch | undefined;
  private generation = 0;
  /** Batches held back by an injected delay, handled strictly in arrival order. */
  private delayed: Promise<void> = Promise.resolve();
  private readonly stopped = new AbortController();

  constructor(
    private readonly store: Store,
    private readonly prefix: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly handlers: PrefixSyncHandlers,
    private readonly buggify: Buggify = noBuggify,
  ) {}

  /**
   * Lists and starts watching. A retryable failure is retried in the background, as after a
   * broken watch, so a store blip during start-up does not stop the node; any other failure
   * rejects.
   */
  async start(): Promise<void> {
    try {
      await this.listAndWatch();
    } catch (error) {
      if (!(error instanceof MetaforaError && error.retryable)) throw error;
      void this.recover(error);
    }
  }

  /** Cancels the watch and every pending retry. */
  stop(): void {
    this.stopped.abort();
    this.generation++;
    this.watch?.cancel();
    this.watch = undefined;
  }

  private async listAndWatch(): Promise<void> {
    const generation = ++this.generation;
    const listing = await this.store.range(this.prefix);
    if (generation !== this.generation) return;
    this.handlers.reset(listing.kvs, listing.revision);
    const watch = await this.store.watch(this.prefix, listing.revision + 1, {
      onEvents: (events) => this.deliver(generation, events),
      onError: (error) => {
        if (generation === this.generation) void this.recover(error);
      },
    });
    if (generation !== this.generation) {
      watch.cancel();
      return;
    }
    this.watch = watch;
  }

  private deliver(generation: number, events: WatchEvent[]): void {
    const apply = (): void => {
      if (generation === this.generation) this.handlers.apply(events);
    };
    if (!this.buggify.enabled) {
      apply();
      return;
    }
    this.delayed = this.delayed.then(() => this.buggify.point('watch-event').catch(() => undefined)).then(apply);
  }

  private async recover(cause: Error): Promise<void> {
    const signal = this.stopped.signal;
    this.watch = undefined;
    this.generation++;
    this.logger.warn({ prefix: this.prefix, err: cause }, 'watch broke; listing again');
    let waitMs = FIRST_RETRY_MS;
    while (!signal.aborted) {
      await this.clock.sleep(waitMs, signal);
      if (signal.aborted) return;
      try {
        await this.listAndWatch();
        this.logger.info({ prefix: this.prefix }, 'watch restored');
        return;
      } catch (error) {
        this.logger.warn({ prefix: this.prefix, err: error, waitMs }, 'listing again failed; retrying');
        waitMs = Math.min(MAX_RETRY_MS, waitMs * 2);
      }
    }
  }
}
