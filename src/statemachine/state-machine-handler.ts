import type { StateStore } from '../coordinator/state-store.js';
import type { Handler } from '../core/handler.js';
import { InvalidArgumentError } from '../runtime/errors.js';
import type { ErrorHandler } from './error-handler.js';
import { defaultErrorHandler } from './error-handler.js';
import type { StatefulHandler } from './stateful-handler.js';
import type { StateChange } from './state-machine-run.js';
import { StateMachineRun } from './state-machine-run.js';

export type { StateChange } from './state-machine-run.js';

export interface StateMachineOptions {
  /** The store of task states, on the cluster's store and namespace. */
  states: StateStore;
  /** Decides how a task leaves `fault`. Default `defaultErrorHandler`. */
  errorHandler?: ErrorHandler;
  /**
   * The wait before a node reads an invalid stored state again, in milliseconds. A task command
   * makes it read at once. Default 30,000.
   */
  invalidStateRetryMs?: number;
  /**
   * Called after each state write succeeded, with the change as this node saw it. Meant for
   * observers such as the simulator's history; it must not throw. Default: none.
   */
  onTransition?: (change: StateChange) => void;
}

/**
 * Wraps a stateful handler into a plain `Handler`, so a `Consumer` runs it unchanged. Each run
 * loads the task's state from `options.states`, applies the task's commands (those written before
 * the claim first), runs `statefulHandler` while the task is `runnable`, waits while it is
 * `sleeping` or `paused`, calls the error handler in `fault`, and stores every transition while the
 * claim holds. A terminal state resolves `done`. A stop, a `release`, a lost claim or a store
 * failure resolves `release` and keeps the stored state, including a sleeping task's wake-up time.
 */
export function stateMachineHandler(statefulHandler: StatefulHandler, options: StateMachineOptions): Handler {
  const invalidStateRetryMs = options.invalidStateRetryMs ?? 30_000;
  if (!Number.isFinite(invalidStateRetryMs) || invalidStateRetryMs <= 0) {
    throw new InvalidArgumentError(
      `invalidStateRetryMs must be a positive number of milliseconds, got ${invalidStateRetryMs}`,
    );
  }
  const settings = {
    states: options.states,
    errorHandler: options.errorHandler ?? defaultErrorHandler,
    invalidStateRetryMs,
    ...(options.onTransition === undefined ? {} : { onTransition: options.onTransition }),
  };
  return (context) => new StateMachineRun(statefulHandler, settings, context).run();
}
