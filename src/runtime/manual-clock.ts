import type { Clock } from './clock.js';

interface Sleeper {
  wakeAt: number;
  sequence: number;
  resolve: () => void;
}

/**
 * A clock that moves only when told to. Sleepers wake in (time, sequence) order as `advance`
 * passes their deadline, and pending promise callbacks run between wake-ups, so tests of timing
 * logic are exact and need no fake timers.
 */
export class ManualClock implements Clock {
  private current: number;
  private sequence = 0;
  private sleepers: Sleeper[] = [];

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  /** The same as `now()`: a manual clock never jumps. */
  monotonic(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper: Sleeper = {
        wakeAt: this.current + Math.max(0, ms),
        sequence: this.sequence++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.sleepers = this.sleepers.filter((other) => other !== sleeper);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }

  /** Number of sleepers not yet woken. */
  get pendingSleepers(): number {
    return this.sleepers.length;
  }

  /**
   * Moves time forward by `ms`, waking every sleeper whose deadline falls inside the step in
   * deadline order, and lets the woken code run before moving on.
   */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await flushPromises();
    for (;;) {
      const next = this.nextSleeper();
      if (next === undefined || next.wakeAt > target) break;
      this.sleepers = this.sleepers.filter((other) => other !== next);
      this.current = Math.max(this.current, next.wakeAt);
      next.resolve();
      await flushPromises();
    }
    this.current = target;
    await flushPromises();
  }

  private nextSleeper(): Sleeper | undefined {
    let best: Sleeper | undefined;
    for (const sleeper of this.sleepers) {
      if (
        best === undefined ||
        sleeper.wakeAt < best.wakeAt ||
        (sleeper.wakeAt === best.wakeAt && sleeper.sequence < best.sequence)
      ) {
        best = sleeper;
      }
    }
    return best;
  }
}

/**
 * Lets every promise callback that is already queued, and those they queue in turn, run. A fixed
 * number of microtask turns is enough for the short await chains of runtime code; the count is a
 * bound, not a guarantee, for chains deeper than it.
 */
export async function flushPromises(turns = 50): Promise<void> {
  for (let i = 0; i < turns; i++) await Promise.resolve();
}
