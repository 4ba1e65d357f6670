import type { Task } from '../core/task.js';
import { InvalidArgumentError } from '../runtime/errors.js';
import type { Message } from './message.js';
import type { TaskError } from './task-state.js';

/** The input of an error handler for a task in `fault`. */
export interface FaultInput {
  readonly task: Task;
  /** The error history, oldest first; the last entry is the error that caused the fault. */
  readonly errors: readonly TaskError[];
  /** The node's clock time, in epoch milliseconds. */
  readonly nowMs: number;
}

/** The decision of an error handler. */
export interface FaultDecision {
  /**
   * The message that leaves `fault`: usually `sleep` (retry later) or `error` (fail the task);
   * `run`, `pause` and `kill` are legal too.
   */
  readonly message: Message;
  /** The error history to store from now on, so the handler can drop old errors. */
  readonly errors: readonly TaskError[];
}

/** Decides what happens to a task in `fault`. It may be async. */
export type ErrorHandler = (input: FaultInput) => FaultDecision | Promise<FaultDecision>;

export interface ErrorHandlerOptions {
  /** Errors inside the window that fail the task. Default 8. */
  maxErrors?: number;
  /** The window errors are counted in, in milliseconds. Default 4 hours. */
  windowMs?: number;
  /** How long a task sleeps after an error below the limit, in milliseconds. Default 10 minutes. */
  sleepMs?: number;
}

export const ERROR_HANDLER_DEFAULTS = {
  maxErrors: 8,
  windowMs: 4 * 60 * 60 * 1000,
  sleepMs: 10 * 60 * 1000,
} as const;

/**
 * Creates an error handler that fails the task once `maxErrors` errors fall inside the last
 * `windowMs`, and otherwise sleeps it for `sleepMs`. An error counts as inside when it is younger
 * than `windowMs`. The stored history keeps only the errors inside the window.
 */
export function createErrorHandler(options: ErrorHandlerOptions = {}): ErrorHandler {
  const maxErrors = options.maxErrors ?? ERROR_HANDLER_DEFAULTS.maxErrors;
  const windowMs = options.windowMs ?? ERROR_HANDLER_DEFAULTS.windowMs;
  const sleepMs = options.sleepMs ?? ERROR_HANDLER_DEFAULTS.sleepMs;
  if (!Number.isInteger(maxErrors) || maxErrors < 1) {
    throw new InvalidArgumentError(`maxErrors must be a whole number of at least 1, got ${maxErrors}`);
  }
  for (const [name, value] of [['windowMs', windowMs], ['sleepMs', sleepMs]] as const) {
    if (!Number.isFinite(value) || value < 0) {
      throw new InvalidArgumentError(`${name} must be a non-negative number of milliseconds, got ${value}`);
    }
  }
  return ({ errors, nowMs }) => {
    const recent = errors.filter((error) => error.timeMs > nowMs - windowMs);
    if (recent.length >= maxErrors) {
      const error = `${recent.length} errors within ${windowMs} ms, the limit is ${maxErrors}; task failed`;
      return { message: { type: 'error', error }, errors: recent };
    }
    return { message: { type: 'sleep', untilMs: nowMs + sleepMs }, errors: recent };
  };
}

/** Fails a task after 8 errors within 4 hours; otherwise sleeps it for 10 minutes. */
export const defaultErrorHandler: ErrorHandler = createErrorHandler();
