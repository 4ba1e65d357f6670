import type { TaskCommand } from '../core/task-command.js';

/**
 * The task commands of one run that wait to be handled. The store keeps one command per task, so
 * the inbox keeps only the newest: an older command that was not handled is gone from the store.
 */
export class CommandInbox {
  private pending: TaskCommand | undefined;
  private newestRevision = 0;
  private arrivalListeners = new Set<() => void>();
  private forward: ((command: TaskCommand) => void) | undefined;

  /** Takes a command the source delivered; an older one than any seen before is dropped. */
  put(command: TaskCommand): void {
    if (command.revision <= this.newestRevision) return;
    this.newestRevision = command.revision;
    if (this.forward !== undefined) {
      this.forward(command);
      return;
    }
    this.pending = command;
    for (const listener of [...this.arrivalListeners]) listener();
  }

  /** True when a command waits. */
  get hasCommand(): boolean {
    return this.pending !== undefined;
  }

  /** Removes and returns the waiting command, if any. */
  take(): TaskCommand | undefined {
    const command = this.pending;
    this.pending = undefined;
    return command;
  }

  /** Makes `command` wait again, unless a newer command arrived since it was taken. */
  putBack(command: TaskCommand): void {
    if (command.revision < this.newestRevision || this.pending !== undefined) return;
    this.pending = command;
  }

  /**
   * Sends every command that arrives from now on to `listener` instead of keeping it, until
   * called again with undefined.
   */
  forwardTo(listener: ((command: TaskCommand) => void) | undefined): void {
    this.forward = listener;
  }

  /** Calls `listener` whenever a command starts waiting; returns a function that stops the calls. */
  onArrival(listener: () => void): () => void {
    this.arrivalListeners.add(listener);
    return () => this.arrivalListeners.delete(listener);
  }
}
