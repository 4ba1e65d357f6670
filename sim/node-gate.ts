import type { Scheduler } from './scheduler.js';

/**
 * Everything that reaches one node process goes through its gate: timer wake-ups and messages from
 * the store. A paused process runs nothing: deliveries wait until it resumes, then run in their
 * original order. A crashed process runs nothing ever again.
 */
export class NodeGate {
  private paused = false;
  private crashed = false;
  private held: Array<() => void> = [];

  constructor(private readonly scheduler: Scheduler) {}

  get isPaused(): boolean {
    return this.paused;
  }

  get isCrashed(): boolean {
    return this.crashed;
  }

  /** Runs `action` now, later when the node resumes, or never when it crashed. */
  deliver(action: () => void): void {
    if (this.crashed) return;
    if (this.paused) this.held.push(action);
    else action();
  }

  /** Schedules `action` for virtual time `at`, delivered through the gate. */
  deliverAt(at: number, action: () => void): void {
    this.scheduler.at(at, () => this.deliver(action));
  }

  pause(): void {
    this.paused = true;
  }

  /** Resumes the node; each held delivery runs as its own event, in order. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    const held = this.held;
    this.held = [];
    for (const action of held) this.scheduler.after(0, () => this.deliver(action));
  }

  crash(): void {
    this.crashed = true;
    this.held = [];
  }
}
