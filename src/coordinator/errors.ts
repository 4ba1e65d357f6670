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

/** A task id names no submitted task. */
export class TaskNotFoundError extends CoordinatorError {
  constructor(readonly task: string) {
    super(`task ${JSON.stringify(task)} not found: list the tasks with metafora ctl tasks`);
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

/**
 * A claim's outcome stayed unknown: its reply was lost and reading the owner key back did not
 * settle it. The task may be claimed again later.
 */
export class ClaimOutcomeUnknownError extends CoordinatorError {
  constructor(
    readonly task: string,
    options: { cause?: unknown } = {},
  ) {
    super(`claim of task ${JSON.stringify(task)} has an unknown outcome; it is tried again later`, {
      ...options,
      retryable: true,
    });
  }
}

/** Another live process holds the node name. */
export class NodeNameInUseError extends CoordinatorError {
  constructor(
    readonly node: string,
    waitedMs: number,
  ) {
    super(
      `node name ${JSON.stringify(node)} is registered by another live process ` +
        `(still there after ${Math.round(waitedMs / 1000)} s): give this node another name`,
    );
  }
}
