import type { ClusterState } from './balancer.js';
import type { NodeCommand } from './node-command.js';
import type { Task } from './task.js';
import type { TaskCommandSource } from './task-command.js';

/** A claim this node holds on a task. */
export interface Claim {
  readonly task: Task;
  /** The store revision that created the owner key; see `TaskContext.fencingToken`. */
  readonly fencingToken: number;
}

/** Callbacks through which a coordinator reports to its consumer. Each one returns at once. */
export interface CoordinatorContext {
  /** A task that exists and has no owner; the consumer may try to claim it. */
  offer(taskId: string): void;
  /**
   * A claim of this node is gone: its owner key was deleted or taken, the task was deleted, or the
   * node's lease could be expiring. The consumer must stop the task's handler.
   */
  lost(taskId: string): void;
  /**
   * A valid command for this node arrived; `id` names it uniquely. Invalid ones are logged and
   * deleted.
   */
  command(command: NodeCommand, id: string): void;
  /**
   * Another node claimed the task. A decision this node made while the task was free no longer
   * applies, so the consumer drops the time it had set to look at the task again.
   */
  claimedElsewhere?(taskId: string): void;
}

/**
 * Coordinates one node with the rest of the cluster through shared storage: registration and
 * liveness, claims, and the streams of claimable tasks and node commands.
 */
export interface Coordinator extends ClusterState {
  readonly node: string;

  /** Registers the node, starts its liveness loop and its watches. Rejects if that fails. */
  start(context: CoordinatorContext): Promise<void>;

  /** Claims a task. Returns null when the task is owned, gone, or the outcome stays unknown. */
  claim(taskId: string): Promise<Claim | null>;

  /** Gives up a claim if this node still holds it; otherwise changes nothing. */
  release(claim: Claim): Promise<void>;

  /**
   * Removes a finished task if this node still holds its claim; otherwise changes nothing.
   * Resolves true when the task is gone afterwards, false when it still exists under a claim that
   * is no longer this node's.
   */
  done(claim: Claim): Promise<boolean>;

  /**
   * Returns the command stream of a claimed task, which the consumer hands to the task's handler.
   * Optional: a coordinator without task commands leaves it out.
   */
  taskCommands?(claim: Claim): TaskCommandSource;

  /** Offers again every known task without an owner, for example after an unfreeze. */
  offerUnclaimed(): void;

  /** Marks the node as shutting down, so other nodes stop counting it when they balance. */
  markStopping(): Promise<void>;

  /** Marks the node as frozen or not; other nodes leave a frozen node out when they balance. */
  markFrozen(frozen: boolean): Promise<void>;

  /** Stops the watches and the liveness loop and revokes the lease, deleting leftover claims. */
  close(): Promise<void>;
}
