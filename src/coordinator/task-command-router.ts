import type { Claim } from '../core/coordinator.js';
import type { TaskCommand, TaskCommandSource } from '../core/task-command.js';
import type { Clock } from '../runtime/clock.js';
import type { KeyValue, Store } from '../store/store.js';
import type { Keys } from './keys.js';
import { retryStore } from './retry.js';

interface Subscriber {
  listener: (command: TaskCommand) => void;
  /** The revision of the last command delivered to this subscriber; 0 before the first. */
  lastRevision: number;
}

/**
 * Hands the task commands that the node's task watch sees to the runs that subscribed to them,
 * so a node needs no watch per task.
 */
export class TaskCommandRouter {
  private readonly subscribers = new Map<string, Set<Subscriber>>();

  constructor(
    private readonly store: Store,
    private readonly keys: Keys,
    private readonly clock: Clock,
  ) {}

  /**
   * Returns the command source of `claim`. `current` returns the command the watch holds for the
   * task now, delivered when a run subscribes.
   */
  source(claim: Claim, current: () => KeyValue | undefined): TaskCommandSource {
    const taskId = claim.task.id;
    return {
      subscribe: (listener) => {
        const subscriber: Subscriber = { listener, lastRevision: 0 };
        const set = this.subscribers.get(taskId) ?? new Set<Subscriber>();
        set.add(subscriber);
        this.subscribers.set(taskId, set);
        const kv = current();
        if (kv !== undefined) this.offer(subscriber, taskId, kv);
        return () => {
          set.delete(subscriber);
          if (set.size === 0 && this.subscribers.get(taskId) === set) this.subscribers.delete(taskId);
        };
      },
      delete: (command) => this.deleteCommand(claim, command),
    };
  }

  /** Delivers a command key the watch saw to every subscriber of its task that has not seen it. */
  deliver(taskId: string, kv: KeyValue): void {
    const set = this.subscribers.get(taskId);
    if (set === undefined) return;
    for (const subscriber of [...set]) this.offer(subscriber, taskId, kv);
  }

  private offer(subscriber: Subscriber, taskId: string, kv: KeyValue): void {
    if (kv.modRevision <= subscriber.lastRevision) return;
    subscriber.lastRevision = kv.modRevision;
    subscriber.listener({ taskId, value: kv.value, revision: kv.modRevision });
  }

  /** Deletes the command if it is still the stored one and the claim still holds. */
  private async deleteCommand(claim: Claim, command: TaskCommand): Promise<boolean> {
    const taskId = claim.task.id;
    const key = this.keys.taskCommand(taskId);
    // Both compares make the delete safe to repeat after a reply was lost.
    const result = await retryStore(this.clock, () =>
      this.store.txn({
        compare: [
          { key: this.keys.taskOwner(taskId), target: 'createRevision', op: '=', value: claim.fencingToken },
          { key, target: 'modRevision', op: '=', value: command.revision },
        ],
        success: [{ type: 'delete', key }],
      }),
    );
    return result.succeeded;
  }
}
