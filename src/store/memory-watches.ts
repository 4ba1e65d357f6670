import { InvalidArgumentError } from '../runtime/errors.js';
import { CompactedError } from './errors.js';
import { copyKeyValue } from './memory-keyspace.js';
import type { Watch, WatchEvent, WatchListener } from './store.js';

/** The events of one revision. */
interface RevisionEvents {
  readonly revision: number;
  readonly events: readonly WatchEvent[];
}

/** A batch of events to deliver, or the error that ends the stream. */
type Delivery = WatchEvent[] | Error;

/**
 * One open watch. Deliveries queue and run in a microtask, so a listener never runs inside the
 * store call that wrote the events, and `cancel` drops what is still queued.
 */
class Watcher implements Watch {
  private readonly queue: Delivery[] = [];
  private scheduled = false;
  /** Set once an error is queued: nothing is queued after it. */
  private ending = false;
  private cancelled = false;

  constructor(
    readonly prefix: string,
    /** The lowest revision this watch delivers. */
    readonly startRevision: number,
    private readonly listener: WatchListener,
    private readonly onClose: (watcher: Watcher) => void,
  ) {}

  /** Queues the events of `revision` under the prefix, as copies; ignores revisions before the start. */
  offer(revision: number, events: readonly WatchEvent[]): void {
    if (this.ending || this.cancelled || revision < this.startRevision) return;
    const matching = events
      .filter((event) => event.kv.key.startsWith(this.prefix))
      .map((event) => ({ type: event.type, kv: copyKeyValue(event.kv) }));
    if (matching.length === 0) return;
    this.queue.push(matching);
    this.schedule();
  }

  /** Ends the stream with `error` after the batches already queued. */
  fail(error: Error): void {
    if (this.ending || this.cancelled) return;
    this.ending = true;
    this.onClose(this);
    this.queue.push(error);
    this.schedule();
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.queue.length = 0;
    this.onClose(this);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  /**
   * Delivers the queue in order. If a listener throws, the rest stays queued for another
   * microtask and the error reaches the caller of the microtask as an uncaught exception.
   */
  private flush(): void {
    this.scheduled = false;
    try {
      for (;;) {
        const delivery = this.queue.shift();
        if (delivery === undefined || this.cancelled) return;
        if (delivery instanceof Error) {
          this.cancelled = true;
          this.listener.onError(delivery);
        } else {
          this.listener.onEvents(delivery);
        }
      }
    } finally {
      if (this.queue.length > 0 && !this.cancelled) this.schedule();
    }
  }
}

/**
 * The event history and open watches of a MemoryStore. History is kept from the compacted revision
 * on, so a watch can start at any revision since then; it grows until `compact` trims it.
 */
export class MemoryWatches {
  private readonly history: RevisionEvents[] = [];
  /** Revisions below this one are compacted; 0 while nothing is. */
  private compactedRevision = 0;
  private readonly watchers = new Set<Watcher>();

  /** Records the events of a committed revision and queues them for the open watches. */
  record(revision: number, events: WatchEvent[]): void {
    this.history.push({ revision, events });
    for (const watcher of this.watchers) watcher.offer(revision, events);
  }

  /**
   * Opens a watch of `prefix` from `fromRevision` (0: from `currentRevision + 1`). It replays the
   * stored history from there, then streams new revisions. A start below the compacted revision
   * ends the watch with `CompactedError`.
   */
  open(prefix: string, fromRevision: number, currentRevision: number, listener: WatchListener): Watch {
    if (!Number.isInteger(fromRevision) || fromRevision < 0) {
      throw new InvalidArgumentError(
        `invalid watch start revision ${fromRevision}: give a revision >= 1, or 0 for the next write`,
      );
    }
    const startRevision = fromRevision === 0 ? currentRevision + 1 : fromRevision;
    const watcher = new Watcher(prefix, startRevision, listener, (closed) => {
      this.watchers.delete(closed);
    });
    if (startRevision < this.compactedRevision) {
      watcher.fail(new CompactedError(startRevision, this.compactedRevision));
      return watcher;
    }
    for (const entry of this.history) watcher.offer(entry.revision, entry.events);
    this.watchers.add(watcher);
    return watcher;
  }

  /**
   * Drops the history below `revision`. As etcd, throws `InvalidArgumentError` for a revision above
   * `currentRevision` and `CompactedError` for one at or below the compacted revision.
   */
  compact(revision: number, currentRevision: number): void {
    if (!Number.isInteger(revision) || revision < 1 || revision > currentRevision) {
      throw new InvalidArgumentError(
        `invalid compact revision ${revision}: give a whole revision from 1 to the current revision ${currentRevision}`,
      );
    }
    if (revision <= this.compactedRevision) {
      throw new CompactedError(revision, this.compactedRevision);
    }
    this.compactedRevision = revision;
    const keepFrom = this.history.findIndex((entry) => entry.revision >= revision);
    this.history.splice(0, keepFrom === -1 ? this.history.length : keepFrom);
  }

  /** Ends every open watch with `error`. */
  failAll(error: Error): void {
    for (const watcher of [...this.watchers]) watcher.fail(error);
  }
}
