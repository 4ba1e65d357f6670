import { MetaforaError } from '../runtime/errors.js';

/** The base of every failure reported by the coordinator layer. */
export class CoordinatorError extends MetaforaError {}

/** A task was submitted with an id that is already in use. */
export class TaskExistsError extends CoordinatorError {
  constructor(readonly task: string) {
    super(
      `task ${JSON.stringify(task)} already exists: choose another id, ` +
        'or delete the task first with `metafora ctl delete`',
    );
  }
}

/** A command was addressed to a node that is not registered in the namespace. */
export class NodeNotFoundError extends CoordinatorError {
  constructor(
    readonly node: string,
    readonly namespace: string,
  ) {
    super(
      `node ${JSON.stringify(node)} not found in namespace ${namespace}: ` +
        'list the live nodes with `metafora ctl nodes`',
    );
  }
}
