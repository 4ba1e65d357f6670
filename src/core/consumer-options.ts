import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import type { Random } from '../runtime/random.js';
import type { Balancer } from './balancer.js';
import type { Coordinator } from './coordinator.js';
import type { Handler } from './handler.js';

export interface ConsumerOptions {
  coordinator: Coordinator;
  handler: Handler;
  /** Decides what to claim and what to release. Default: a new `FairBalancer`. */
  balancer?: Balancer;
  /** Default: the system clock. */
  clock?: Clock;
  /** Default: a generator seeded from the operating system. */
  random?: Random;
  /** Default: a logger that drops every line. */
  logger?: Logger;
  /** Time between two balance runs, in milliseconds. Default 60,000. */
  balanceEveryMs?: number;
  /**
   * Upper bound of the random extra wait added to each balance period, in milliseconds, so nodes
   * started together do not balance in lockstep. Default: a tenth of `balanceEveryMs`.
   */
  balanceJitterMs?: number;
  /**
   * After a `stop_task` command, this node leaves the task to other nodes for this many
   * milliseconds before it may claim it again. Default: `balanceEveryMs`.
   */
  stopTaskHoldOffMs?: number;
  /**
   * When a task is offered while an earlier run of it still winds down here, the offer is retried
   * after this many milliseconds. Default 1,000.
   */
  busyRetryMs?: number;
}
