import type { Task } from '../core/task.js';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import type { Message } from './message.js';
import type { TaskState } from './task-state.js';

/** The context of one stateful handler run of a `runnable` task. */
export interface StatefulContext {
  readonly task: Task;
  /**
   * Aborts when a message for this run arrives, with the message as its `reason`: an operator
   * command other than `checkpoint`, or a `release` when the node stops the run. The handler
   * should then wind down and resolve, usually with `signal.reason`.
   */
  readonly signal: AbortSignal;
  /**
   * Every message for this run, in arrival order, including `checkpoint` commands. Every iterator
   * starts at the first message, and iteration ends when the run ends.
   */
  readonly messages: AsyncIterable<Message>;
  /**
   * The node's stop signal (`TaskContext.signal`): it aborts with the stop reason (`'balance'`,
   * `'command'`, `'shutdown'` or `'lost'`). After `'lost'` another node may run the task once the
   * lease safety margin runs out, so the handler must return within it.
   */
  readonly stopSignal: AbortSignal;
  /** The claim's fencing token; see `TaskContext.fencingToken`. */
  readonly fencingToken: number;
  readonly clock: Clock;
  /** A logger bound to the node and the task. */
  readonly logger: Logger;
  /** The state this run started in: `runnable`, with the error history so far. */
  readonly state: TaskState;
}

/**
 * Runs a `runnable` task and resolves to the message that ends this run: `complete`, `sleep`,
 * `pause`, `kill`, `error` or `release` end it, and `checkpoint` stores the state and starts the
 * handler again. A thrown error or rejected promise becomes an `error` message.
 */
export type StatefulHandler = (context: StatefulContext) => Promise<Message>;
