import { InvalidArgumentError } from '../runtime/errors.js';

/** The default namespace, the prefix of every key this library writes. */
export const DEFAULT_NAMESPACE = '/metafora';

/**
 * The store key layout of one namespace:
 *
 *   <ns>/nodes/<node>                 lease-bound registration, JSON NodeRegistration
 *   <ns>/nodes/<node>/commands/<id>   node command JSON; deleted once handled
 *   <ns>/tasks/<task>                 task exists (submitted, not done)
 *   <ns>/tasks/<task>/props           optional task properties JSON, immutable
 *   <ns>/tasks/<task>/owner           lease-bound claim JSON {node}
 *   <ns>/tasks/<task>/commands        latest task command JSON
 *   <ns>/state/<task>                 persisted task state JSON, kept after the task ends
 *
 * Task and node names never contain "/", so the segment after a prefix is always a whole name.
 */
export class Keys {
  readonly nodesPrefix: string;
  readonly tasksPrefix: string;
  readonly statePrefix: string;

  constructor(readonly namespace: string = DEFAULT_NAMESPACE) {
    validateNamespace(namespace);
    this.nodesPrefix = `${namespace}/nodes/`;
    this.tasksPrefix = `${namespace}/tasks/`;
    this.statePrefix = `${namespace}/state/`;
  }

  node(node: string): string {
    return this.nodesPrefix + node;
  }

  nodeCommandsPrefix(node: string): string {
    return `${this.nodesPrefix}${node}/commands/`;
  }

  nodeCommand(node: string, id: string): string {
    return this.nodeCommandsPrefix(node) + id;
  }

  task(task: string): string {
    return this.tasksPrefix + task;
  }

  /** The prefix of every key below a task's key; it never matches another task's keys. */
  taskChildrenPrefix(task: string): string {
    return `${this.tasksPrefix}${task}/`;
  }

  taskProps(task: string): string {
    return `${this.tasksPrefix}${task}/props`;
  }

  taskOwner(task: string): string {
    return `${this.tasksPrefix}${task}/owner`;
  }

  taskCommand(task: string): string {
    return `${this.tasksPrefix}${task}/commands`;
  }

  state(task: string): string {
    return this.statePrefix + task;
  }

  /**
   * Splits a key under the tasks prefix into the task id and the child name (`props`, `owner`,
   * `commands`), or `null` for the task key itself. Returns undefined for keys outside the layout.
   */
  parseTaskKey(key: string): { task: string; child: string | null } | undefined {
    if (!key.startsWith(this.tasksPrefix)) return undefined;
    const rest = key.slice(this.tasksPrefix.length);
    const slash = rest.indexOf('/');
    if (slash === -1) return rest.length > 0 ? { task: rest, child: null } : undefined;
    return { task: rest.slice(0, slash), child: rest.slice(slash + 1) };
  }

  /**
   * Splits a key under the nodes prefix into the node name and, for command keys, the command id.
   * Returns undefined for keys outside the layout.
   */
  parseNodeKey(key: string): { node: string; commandId: string | null } | undefined {
    if (!key.startsWith(this.nodesPrefix)) return undefined;
    const parts = key.slice(this.nodesPrefix.length).split('/');
    const node = parts[0];
    if (node === undefined || node.length === 0) return undefined;
    if (parts.length === 1) return { node, commandId: null };
    if (parts.length === 3 && parts[1] === 'commands' && parts[2]) {
      return { node, commandId: parts[2] };
    }
    return undefined;
  }
}

/** Throws unless `namespace` starts with "/", does not end with "/" and has no empty segment. */
export function validateNamespace(namespace: string): void {
  if (!/^(\/[^/\u0000-\u001f]+)+$/.test(namespace)) {
    throw new InvalidArgumentError(
      `invalid namespace ${JSON.stringify(namespace)}: use a path like /metafora (leading "/", no trailing "/")`,
    );
  }
}

/** Registration value of a node at `<ns>/nodes/<node>`. */
export interface NodeRegistration {
  node: string;
  host: string;
  /** ISO 8601 time the node started, from its own clock. */
  started: string;
  version: string;
  /** True once the node has begun a graceful shutdown. */
  stopping?: boolean;
  /** True while the node is frozen: it neither claims nor balances. */
  frozen?: boolean;
}

/** Owner value at `<ns>/tasks/<task>/owner`. */
export interface OwnerRecord {
  node: string;
}
