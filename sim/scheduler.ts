import { PriorityQueue } from './priority-queue.js';

/**
 * No real run has this many events at one virtual instant; more means a loop that reschedules
 * itself with no delay, which would otherwise hang the run.
 */
const MAX_EVENTS_AT_ONE_INSTANT = 200_000;

interface ScheduledEvent {
  at: number;
  sequence: number;
  action: () => void;
  cancelled: boolean;
}

export interface ScheduledHandle {
  cancel(): void;
}

/**
 * Virtual time for a whole simulated run, on one JavaScript thread. Events run in (time, sequence)
 * order. After each event, every promise callback it set off runs before the next event starts:
 * the scheduler waits one macrotask turn, which Node.js only takes once the microtask queue is
 * empty. Nothing else in a simulated run does real I/O, so the order is fixed by the seed.
 */
export class Scheduler {
  private readonly queue = new PriorityQueue<ScheduledEvent>(
    (a, b) => a.at < b.at || (a.at === b.at && a.sequence < b.sequence),
  );
  private sequence = 0;
  private current = 0;
  /** Number of events run so far. */
  eventsRun = 0;
  private eventsAtCurrentTime = 0;

  /** Virtual milliseconds since the run began. */
  get now(): number {
    return this.current;
  }

  /** Runs `action` at virtual time `at` (not before now); later calls at the same time run later. */
  at(at: number, action: () => void): ScheduledHandle {
    const event: ScheduledEvent = { at: Math.max(at, this.current), sequence: this.sequence++, action, cancelled: false };
    this.queue.push(event);
    return {
      cancel: () => {
        event.cancelled = true;
      },
    };
  }

  /** Runs `action` `delayMs` virtual milliseconds from now. */
  after(delayMs: number, action: () => void): ScheduledHandle {
    return this.at(this.current + Math.max(0, delayMs), action);
  }

  /** Runs every event due up to and including `endMs`, then sets the time to `endMs`. */
  async runUntil(endMs: number): Promise<void> {
    await settle();
    for (;;) {
      const next = this.queue.peek();
      if (next === undefined || next.at > endMs) break;
      this.queue.pop();
      if (next.cancelled) continue;
      this.eventsAtCurrentTime = next.at === this.current ? this.eventsAtCurrentTime + 1 : 0;
      if (this.eventsAtCurrentTime > MAX_EVENTS_AT_ONE_INSTANT) {
        throw new Error(
          `simulation livelock: more than ${MAX_EVENTS_AT_ONE_INSTANT} events at virtual time ${next.at} ms; ` +
            'some loop reschedules itself without waiting',
        );
      }
      this.current = next.at;
      this.eventsRun++;
      next.action();
      await settle();
    }
    this.current = Math.max(this.current, endMs);
  }
}

/** Resolves after every queued promise callback, and those they queue, have run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
