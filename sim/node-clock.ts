import type { Clock } from '../src/runtime/clock.js';
import type { NodeGate } from './node-gate.js';
import type { Scheduler } from './scheduler.js';

/** Virtual time 0 shown as wall time: 2026-01-01T00:00:00Z, so traces read like real dates. */
export const SIM_EPOCH_MS = Date.UTC(2026, 0, 1);

/**
 * One node's view of time. Its monotonic clock runs at `rate` times virtual time (a drifting
 * crystal); its wall clock adds an offset that jumps can change. Sleeps are measured on the
 * monotonic clock, as Node.js timers are, and wake through the node's gate, so a paused node
 * oversleeps until it resumes. A rate change applies to sleeps that start after it.
 */
export class NodeClock implements Clock {
  private rate = 1;
  private anchorVirtual = 0;
  private anchorMonotonic = 0;
  private wallOffsetMs: number;
  private gate: NodeGate | undefined;

  constructor(
    private readonly scheduler: Scheduler,
    wallOffsetMs = 0,
  ) {
    this.wallOffsetMs = wallOffsetMs;
    this.anchorVirtual = scheduler.now;
    this.anchorMonotonic = scheduler.now;
  }

  monotonic(): number {
    return this.anchorMonotonic + (this.scheduler.now - this.anchorVirtual) * this.rate;
  }

  now(): number {
    return Math.floor(SIM_EPOCH_MS + this.wallOffsetMs + this.monotonic());
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.resolve();
    return new Promise((resolve) => {
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        handle.cancel();
        finish();
      };
      // Node.js timers count whole milliseconds; rounding up also guarantees that every positive
      // sleep moves virtual time forward, even by less than the float resolution of `now`.
      const virtualDelay = ms > 0 ? Math.ceil(ms) / this.rate : 0;
      const gate = this.gate;
      const handle = this.scheduler.after(virtualDelay, () => (gate === undefined ? finish() : gate.deliver(finish)));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Moves the wall clock by `byMs` (negative for backwards); the monotonic clock is unaffected. */
  jump(byMs: number): void {
    this.wallOffsetMs += byMs;
  }

  /** Sets the monotonic clock's speed relative to virtual time, like 1.001 for 0.1% fast. */
  setRate(rate: number): void {
    this.anchorMonotonic = this.monotonic();
    this.anchorVirtual = this.scheduler.now;
    this.rate = rate;
  }

  /** Binds the clock to a restarted process's gate; the machine's clock itself carries on. */
  attach(gate: NodeGate): void {
    this.gate = gate;
  }
}
