import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import type { Task } from './task.js';
import type { TaskCommandSource } from './task-command.js';

/** The input of a handler for one run of one claimed task. */
export interface TaskContext {
  readonly task: Task;
  /**
   * Aborts when the node stops this run. Its `reason` is the stop reason: `'balance'`,
   * `'command'`, `'shutdown'` or `'lost'`. After a loss another node may claim the task once this
   * node's lease safety margin runs out, so the handler must return within that margin.
   */
  readonly signal: AbortSignal;
  /**
   * The claim's fencing token: the store revision that created the owner key. It grows with every
   * claim of any task, so side effects elsewhere can reject writes from an older claim.
   */
  readonly fencingToken: number;
  readonly clock: Clock;
  /** A logger bound to the node and the task. */
  readonly logger: Logger;
  /**
   * The commands operators write for this task, when the coordinator delivers them (the
   * `StoreCoordinator` does); undefined otherwise. Handlers that ignore commands leave them stored.
   */
  readonly commands?: TaskCommandSource;
}

/**
 * How a run ended: `done` removes the task from the cluster; `release` gives up the claim so the
 * task can run again, here or on another node.
 */
export type HandlerResult = 'done' | 'release';

/**
 * Runs one claimed task until it is finished or stopped. A thrown error or rejected promise is
 * logged with its stack and treated as `done`, so a task that always crashes is not retried
 * forever.
 */
export type Handler = (context: TaskContext) => Promise<HandlerResult>;
