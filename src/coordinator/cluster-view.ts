import type { ClusterSnapshot } from '../core/balancer.js';
import type { Logger } from '../runtime/logger.js';
import type { KeyValue, WatchEvent } from '../store/store.js';
import type { Keys, NodeRegistration } from './keys.js';

/** This node's view of one task's keys. */
export interface TaskEntry {
  exists: boolean;
  owner: { node: string; createRevision: number; lease: string | null } | null;
  /**
   * Revision of the latest event on the task key or the owner key, or of the listing that showed
   * them. The view says nothing about a claim made at a later revision.
   */
  seenAt: number;
}

/** Reactions to changes, decided by the coordinator. */
export interface ClusterViewListener {
  /** The owner key of a task changed or vanished, or the task vanished. */
  ownerChanged(taskId: string, entry: TaskEntry | undefined): void;
  /** A task exists and has no owner. */
  unowned(taskId: string): void;
  /** A command key for this node appeared. */
  nodeCommand(kv: KeyValue): void;
  /**
   * A task's command key was written, or a listing found it. A listing reports a command again,
   * so listeners skip revisions they already saw.
   */
  taskCommand(taskId: string, kv: KeyValue): void;
}

/**
 * The cluster as seen through this node's two prefix watches: tasks with their owners, and live
 * node registrations. It feeds the balancer's snapshot and tells the coordinator what changed.
 */
export class ClusterView {
  readonly tasks = new Map<string, TaskEntry>();
  readonly nodes = new Map<string, NodeRegistration>();
  /** The stored command of each task that has one: task id to its command key. */
  readonly commands = new Map<string, KeyValue>();

  constructor(
    private readonly keys: Keys,
    private readonly node: string,
    private readonly logger: Logger,
    private readonly listener: ClusterViewListener,
  ) {}

  resetTasks(kvs: KeyValue[], revision: number): void {
    const previous = new Set(this.tasks.keys());
    this.tasks.clear();
    this.commands.clear();
    for (const kv of kvs) {
      if (!this.applyCommandKey(kv.key, kv)) this.applyTaskKey(kv.key, kv, revision);
    }
    for (const taskId of new Set([...previous, ...this.tasks.keys()])) {
      this.listener.ownerChanged(taskId, this.tasks.get(taskId));
    }
    this.offerUnowned();
    for (const [taskId, kv] of this.commands) this.listener.taskCommand(taskId, kv);
  }

  applyTaskEvents(events: WatchEvent[]): void {
    const touched = new Set<string>();
    const commands: KeyValue[] = [];
    for (const event of events) {
      const kv = event.type === 'put' ? event.kv : null;
      if (this.applyCommandKey(event.kv.key, kv)) {
        if (kv !== null) commands.push(kv);
        continue;
      }
      const taskId = this.applyTaskKey(event.kv.key, kv, event.kv.modRevision);
      if (taskId !== undefined) touched.add(taskId);
    }
    for (const taskId of touched) {
      const entry = this.tasks.get(taskId);
      this.listener.ownerChanged(taskId, entry);
      if (entry?.exists === true && entry.owner === null) this.listener.unowned(taskId);
    }
    for (const kv of commands) {
      const taskId = this.keys.parseTaskKey(kv.key)?.task;
      if (taskId !== undefined && this.commands.get(taskId) === kv) this.listener.taskCommand(taskId, kv);
    }
  }

  resetNodes(kvs: KeyValue[]): void {
    this.nodes.clear();
    for (const kv of kvs) this.applyNodeKey(kv.key, kv);
  }

  applyNodeEvents(events: WatchEvent[]): void {
    for (const event of events) this.applyNodeKey(event.kv.key, event.type === 'put' ? event.kv : null);
  }

  /** Reports every existing task without an owner. */
  offerUnowned(): void {
    for (const [taskId, entry] of this.tasks) {
      if (entry.exists && entry.owner === null) this.listener.unowned(taskId);
    }
  }

  snapshot(): ClusterSnapshot {
    let totalTasks = 0;
    const counts = new Map<string, number>();
    for (const entry of this.tasks.values()) {
      if (!entry.exists) continue;
      totalTasks++;
      if (entry.owner !== null) counts.set(entry.owner.node, (counts.get(entry.owner.node) ?? 0) + 1);
    }
    const activeNodes = [...this.nodes.values()]
      .filter((registration) => registration.stopping !== true && registration.frozen !== true)
      .map((registration) => registration.node)
      .sort();
    return { totalTasks, counts, activeNodes };
  }

  /** Records a task's command key (null for a delete); returns false for keys of another kind. */
  private applyCommandKey(key: string, kv: KeyValue | null): boolean {
    const parsed = this.keys.parseTaskKey(key);
    if (parsed?.child !== 'commands') return false;
    if (kv === null) this.commands.delete(parsed.task);
    else this.commands.set(parsed.task, kv);
    return true;
  }

  /** Applies one task key's new value (null for a delete); returns the task id it belongs to. */
  private applyTaskKey(key: string, kv: KeyValue | null, revision: number): string | undefined {
    const parsed = this.keys.parseTaskKey(key);
    if (parsed === undefined) return undefined;
    const entry = this.tasks.get(parsed.task) ?? { exists: false, owner: null, seenAt: 0 };
    if (parsed.child === null) {
      entry.exists = kv !== null;
    } else if (parsed.child === 'owner') {
      entry.owner = kv === null ? null : this.parseOwner(kv);
    } else {
      return undefined;
    }
    entry.seenAt = Math.max(entry.seenAt, revision);
    if (entry.exists || entry.owner !== null) this.tasks.set(parsed.task, entry);
    else this.tasks.delete(parsed.task);
    return parsed.task;
  }

  private parseOwner(kv: KeyValue): TaskEntry['owner'] {
    let node = '';
    try {
      const value = JSON.parse(kv.value) as { node?: unknown };
      if (typeof value.node === 'string') node = value.node;
    } catch {
      this.logger.warn({ key: kv.key, value: kv.value.slice(0, 200) }, 'owner key is not valid JSON');
    }
    return { node, createRevision: kv.createRevision, lease: kv.lease };
  }

  private applyNodeKey(key: string, kv: KeyValue | null): void {
    const parsed = this.keys.parseNodeKey(key);
    if (parsed === undefined) return;
    if (parsed.commandId !== null) {
      if (kv !== null && parsed.node === this.node) this.listener.nodeCommand(kv);
      return;
    }
    if (kv === null) {
      this.nodes.delete(parsed.node);
      return;
    }
    try {
      const registration = JSON.parse(kv.value) as NodeRegistration;
      this.nodes.set(parsed.node, { ...registration, node: parsed.node });
    } catch {
      this.logger.warn({ key: kv.key, value: kv.value.slice(0, 200) }, 'node registration is not valid JSON');
      this.nodes.set(parsed.node, { node: parsed.node, host: '', started: '', version: '' });
    }
  }
}
