import type { KeyValue } from '../store/store.js';
import type { Keys, NodeRegistration, OwnerRecord } from './keys.js';

/** One submitted task as `Client.tasks()` lists it. */
export interface TaskInfo {
  id: string;
  /** The node that owns the claim, or null when the task is unclaimed. */
  owner: string | null;
  /** The props given at submission, parsed from JSON; null when none were given. */
  props: unknown;
  /**
   * The `state` field of the task's stored state (`runnable`, `paused`, ...). It is null when no
   * state is stored, and `invalid` when the stored state is not JSON or has no such field.
   */
  state: string | null;
}

/** One registered node as `Client.nodes()` lists it. */
export interface NodeInfo {
  node: string;
  host: string;
  /** ISO 8601 time the node started, from its own clock. */
  started: string;
  /** Number of tasks whose owner key names this node. */
  tasks: number;
  /** True once the node has begun a graceful shutdown. */
  stopping: boolean;
  /** True while the node is frozen by a `freeze` command. */
  frozen: boolean;
}

export function collectTasks(keys: Keys, kvs: KeyValue[], stateKvs: KeyValue[]): TaskInfo[] {
  const byId = new Map<string, TaskInfo>();
  const children: { task: string; child: string; value: string }[] = [];
  for (const kv of kvs) {
    const parsed = keys.parseTaskKey(kv.key);
    if (parsed === undefined) continue;
    if (parsed.child === null) {
      byId.set(parsed.task, { id: parsed.task, owner: null, props: null, state: null });
    } else {
      children.push({ task: parsed.task, child: parsed.child, value: kv.value });
    }
  }
  // Keys below a task whose own key is absent are leftovers of a deletion in flight; skip them.
  for (const { task, child, value } of children) {
    const info = byId.get(task);
    if (info === undefined) continue;
    if (child === 'props') info.props = parseJsonOrText(value);
    if (child === 'owner') info.owner = ownerName(value);
  }
  for (const kv of stateKvs) {
    const info = byId.get(kv.key.slice(keys.statePrefix.length));
    if (info !== undefined) info.state = stateName(kv.value);
  }
  return [...byId.values()].sort((a, b) => compareStrings(a.id, b.id));
}

export function countOwnedTasks(keys: Keys, kvs: KeyValue[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kv of kvs) {
    if (keys.parseTaskKey(kv.key)?.child !== 'owner') continue;
    const owner = ownerName(kv.value);
    counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  return counts;
}

export function collectNodes(keys: Keys, kvs: KeyValue[], taskCounts: Map<string, number>): NodeInfo[] {
  const nodes: NodeInfo[] = [];
  for (const kv of kvs) {
    const parsed = keys.parseNodeKey(kv.key);
    if (parsed === undefined || parsed.commandId !== null) continue;
    const registration = parseRegistration(kv.value);
    nodes.push({
      node: parsed.node,
      host: registration.host ?? '',
      started: registration.started ?? '',
      tasks: taskCounts.get(parsed.node) ?? 0,
      stopping: registration.stopping === true,
      frozen: registration.frozen === true,
    });
  }
  return nodes.sort((a, b) => compareStrings(a.node, b.node));
}

/** Reads the fields of a registration, leaving out the ones that are missing or mistyped. */
function parseRegistration(value: string): Partial<NodeRegistration> {
  const record = parseJsonOrText(value);
  if (typeof record !== 'object' || record === null) return {};
  const fields = record as Record<string, unknown>;
  const result: Partial<NodeRegistration> = {};
  if (typeof fields['host'] === 'string') result.host = fields['host'];
  if (typeof fields['started'] === 'string') result.started = fields['started'];
  if (fields['stopping'] === true) result.stopping = true;
  if (fields['frozen'] === true) result.frozen = true;
  return result;
}

/** Returns the `state` field of a stored task state, or `invalid` when it has none. */
function stateName(value: string): string {
  const record = parseJsonOrText(value) as { state?: unknown } | null;
  return typeof record === 'object' && record !== null && typeof record.state === 'string' ? record.state : 'invalid';
}

/**
 * Returns the node named by an owner value. An owner key that is not an `OwnerRecord` still marks
 * the task as claimed, so its raw value is used as the name.
 */
function ownerName(value: string): string {
  const record = parseJsonOrText(value) as Partial<OwnerRecord> | null;
  return typeof record?.node === 'string' ? record.node : value;
}

function parseJsonOrText(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** Orders by UTF-16 code units, so the order does not depend on the locale. */
function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
