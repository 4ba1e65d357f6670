import type { Clock } from '../runtime/clock.js';

/**
 * Tasks this node declined for now, each with the time it may be offered again. One timer sleeps
 * until the earliest deadline, so a declined task is not reconsidered in a tight loop.
 */
export class IgnoreList {
  private readonly deadlines = new Map<string, number>();
  private timer: AbortController | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private closed = false;

  /** `reoffer` runs for each task whose deadline passed; it is never called after `close()`. */
  constructor(
    private readonly clock: Clock,
    private readonly reoffer: (taskId: string) => void,
  ) {}

  /**
   * Ignores `taskId` until `retryAt` (monotonic node clock ms); a deadline already past re-offers
   * at once.
   */
  add(taskId: string, retryAt: number): void {
    if (this.closed) return;
    this.deadlines.set(taskId, retryAt);
    if (retryAt < this.timerAt) this.arm(retryAt);
  }

  has(taskId: string): boolean {
    return this.deadlines.has(taskId);
  }

  remove(taskId: string): void {
    this.deadlines.delete(taskId);
  }

  get size(): number {
    return this.deadlines.size;
  }

  /** Drops every entry and stops the timer. */
  close(): void {
    this.closed = true;
    this.deadlines.clear();
    this.timer?.abort();
  }

  private arm(at: number): void {
    this.timer?.abort();
    const timer = new AbortController();
    this.timer = timer;
    this.timerAt = at;
    void this.clock.sleep(at - this.clock.monotonic(), timer.signal).then(() => {
      if (timer.signal.aborted || this.closed) return;
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.fireDue();
    });
  }

  private fireDue(): void {
    const now = this.clock.monotonic();
    let next = Number.POSITIVE_INFINITY;
    const due: string[] = [];
    for (const [taskId, at] of this.deadlines) {
      if (at <= now) due.push(taskId);
      else next = Math.min(next, at);
    }
    for (const taskId of due) this.deadlines.delete(taskId);
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
    for (const taskId of due) {
      if (this.closed) return;
      this.reoffer(taskId);
    }
  }
}
