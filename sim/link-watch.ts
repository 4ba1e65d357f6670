import { StoreUnavailableError } from '../src/store/errors.js';
import type { Watch, WatchEvent, WatchListener } from '../src/store/store.js';
import type { SimLink } from './sim-link.js';

/**
 * A watch stream over a simulated link. Batches reach the node in the order the store sent them,
 * each after the link latency. A batch lost on the way breaks the stream, as a broken TCP stream
 * does, and the node learns of a break only after the link's detection time.
 */
export class LinkWatch implements Watch {
  private inner: Watch | undefined;
  private ended = false;
  private cancelled = false;
  /** Virtual time of the latest scheduled delivery, so batches never overtake each other. */
  private lastDeliveryAt = 0;

  readonly serverListener: WatchListener = {
    onEvents: (events) => this.forward(events),
    onError: (error) => this.end(error, this.link.delay()),
  };

  constructor(
    private readonly link: SimLink,
    private readonly listener: WatchListener,
  ) {}

  attach(inner: Watch): void {
    if (this.ended) inner.cancel();
    else this.inner = inner;
  }

  cancel(): void {
    this.cancelled = true;
    this.ended = true;
    this.inner?.cancel();
    this.link.forget(this);
  }

  /** Ends the stream from the link's side; the node hears of it after the detection time. */
  breakStream(error: Error): void {
    this.end(error, this.link.config.breakDetectMs);
  }

  private forward(events: WatchEvent[]): void {
    if (this.ended) return;
    if (!this.link.deliversToNode(this.link.config.lossRate)) {
      this.breakStream(new StoreUnavailableError('watch stream broke'));
      return;
    }
    const at = Math.max(this.lastDeliveryAt, this.link.scheduler.now + this.link.delay());
    this.lastDeliveryAt = at;
    const copy = events.map((event) => ({ ...event, kv: { ...event.kv } }));
    this.link.gate.deliverAt(at, () => {
      if (!this.cancelled) this.listener.onEvents(copy);
    });
  }

  private end(error: Error, afterMs: number): void {
    if (this.ended) return;
    this.ended = true;
    this.inner?.cancel();
    this.link.forget(this);
    const at = Math.max(this.lastDeliveryAt, this.link.scheduler.now + afterMs);
    this.link.gate.deliverAt(at, () => {
      if (!this.cancelled) this.listener.onError(error);
    });
  }
}
