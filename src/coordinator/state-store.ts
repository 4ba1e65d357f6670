import { validateTaskId } from '../core/task.js';
import type { Compare, Op, Store } from '../store/store.js';
import { Keys } from './keys.js';

export interface StateStoreOptions {
  store: Store;
  /** Key prefix of the cluster; default `/metafora`. */
  namespace?: string;
}

/** A task's stored state text with the revision of its last write. */
export interface StoredState {
  value: string;
  modRevision: number;
}

/**
 * The outcome of a guarded write. `claim-lost`: the owner key is no longer the claim. Then
 * nothing was written. `command-changed`: the claim is still valid, but the task command is no
 * longer the one to delete. Then nothing was written either.
 */
export type StateWriteOutcome = 'written' | 'claim-lost' | 'command-changed';

/**
 * Task states at `<ns>/state/<task>`, stored as text. A node writes a state only while it owns
 * the task, and the key outlives the task as its history. Each call is one store request, so the
 * caller decides about retries; every write here is safe to repeat.
 */
export class StateStore {
  readonly keys: Keys;
  private readonly store: Store;

  constructor(options: StateStoreOptions) {
    this.store = options.store;
    this.keys = new Keys(options.namespace);
  }

  /** Reads a task's stored state; null when there is none. */
  async read(taskId: string): Promise<StoredState | null> {
    const { kv } = await this.store.get(this.keys.state(taskId));
    return kv === null ? null : { value: kv.value, modRevision: kv.modRevision };
  }

  /**
   * Writes `value` as the task's state in one transaction that applies only while the owner key's
   * createRevision equals `fencingToken`. With `commandRevision`, the same transaction also deletes
   * the task command, and applies only while that command's modRevision is unchanged, so a command
   * is deleted exactly when its effect is stored.
   */
  async write(
    taskId: string,
    fencingToken: number,
    value: string,
    options: { commandRevision?: number } = {},
  ): Promise<StateWriteOutcome> {
    const ownerKey = this.keys.taskOwner(taskId);
    const compare: Compare[] = [{ key: ownerKey, target: 'createRevision', op: '=', value: fencingToken }];
    const success: Op[] = [{ type: 'put', key: this.keys.state(taskId), value }];
    if (options.commandRevision !== undefined) {
      const commandKey = this.keys.taskCommand(taskId);
      compare.push({ key: commandKey, target: 'modRevision', op: '=', value: options.commandRevision });
      success.push({ type: 'delete', key: commandKey });
    }
    const result = await this.store.txn({ compare, success, failure: [{ type: 'get', key: ownerKey }] });
    if (result.succeeded) return 'written';
    const owner = result.responses[0];
    const held = owner?.type === 'get' && owner.kv?.createRevision === fencingToken;
    return held ? 'command-changed' : 'claim-lost';
  }

  /**
   * Writes `value` as the task's state with no guard, for operators repairing a state. A node
   * that runs the task keeps its own copy and may overwrite this with its next transition.
   */
  async overwrite(taskId: string, value: string): Promise<void> {
    validateTaskId(taskId);
    await this.store.put(this.keys.state(taskId), value);
  }
}
