import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import type { Random } from '../runtime/random.js';
import type { Task } from './task.js';

/** A task running on this node. */
export interface RunningTask {
  readonly task: Task;
  /** When the run started, in the node's clock milliseconds. */
  readonly startedAt: number;
}

/** A snapshot of the cluster as this node last saw it. */
export interface ClusterSnapshot {
  /** Number of tasks that exist, owned or not. */
  totalTasks: number;
  /** Tasks owned per node, for every node that owns at least one. */
  counts: Map<string, number>;
  /** Live nodes that are neither shutting down nor frozen, sorted by name. */
  activeNodes: string[];
}

/** The cluster as seen through this node's watches: cheap to read, and possibly a little stale. */
export interface ClusterState {
  clusterSnapshot(): ClusterSnapshot;
}

/** The view of its node and cluster that a balancer gets. */
export interface BalancerContext {
  readonly node: string;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly cluster: ClusterState;
  /** Tasks running on this node now. */
  runningTasks(): RunningTask[];
  /** Claims this node has sent and has no reply for yet. */
  claimsInFlight(): number;
}

/**
 * `retryAt` is a time on the node's monotonic clock (`Clock.monotonic()`), in milliseconds, when
 * the task may be offered again; wall-clock jumps do not move it.
 */
export type ClaimDecision = { claim: true } | { claim: false; retryAt: number };

/** Decides which tasks this node claims and which it gives back. */
export interface Balancer {
  init(context: BalancerContext): void;

  /** Decides whether to claim a task now. A rejection is asked again only after `retryAt`. */
  canClaim(taskId: string): ClaimDecision;

  /** Returns the ids of running tasks to release; called once every balance period. */
  balance(): Promise<string[]>;
}
