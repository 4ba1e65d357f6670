/**
 * A command stored for one task at `<ns>/tasks/<task>/commands`. The key holds one command, so a
 * newer command replaces an older one that was not handled yet.
 */
export interface TaskCommand {
  readonly taskId: string;
  /** The stored text; writers store JSON, but the coordinator passes any text on unchecked. */
  readonly value: string;
  /** The command key's modRevision: a newer command of the same task has a larger one. */
  readonly revision: number;
}

/**
 * The commands of one claimed task, as the node's task watch sees them. Available to a handler
 * through `TaskContext.commands` when the coordinator supports task commands.
 */
export interface TaskCommandSource {
  /**
   * Calls `listener` with the command stored now, if the watch has seen one, before returning,
   * and then with every newer command, in revision order and each at most once per subscription.
   * Returns a function that stops the calls.
   */
  subscribe(listener: (command: TaskCommand) => void): () => void;

  /**
   * Deletes `command` in one transaction guarded by the claim (owner key createRevision equals
   * the fencing token) and by the command key's modRevision, so a newer command is never deleted.
   * Resolves whether the delete applied; rejects with the store's error when the store failed.
   */
  delete(command: TaskCommand): Promise<boolean>;
}
