import type { NodeCommand } from '../core/node-command.js';
import { MAX_PROPS_BYTES, validateNodeName, validateTaskId } from '../core/task.js';
import type { Clock } from '../runtime/clock.js';
import { InvalidArgumentError } from '../runtime/errors.js';
import type { Random } from '../runtime/random.js';
import { systemClock } from '../runtime/system-clock.js';
import { systemRandom } from '../runtime/system-random.js';
import type { KeyValue, Store } from '../store/store.js';
import { NodeNotFoundError, TaskExistsError } from './errors.js';
import { Keys } from './keys.js';
import type { NodeRegistration, OwnerRecord } from './keys.js';

export interface ClientOptions {
  store: Store;
  /** Key prefix of the cluster; default `/metafora`. */
  namespace?: string;
  /** Source of the time part of node command ids; default the system clock. */
  clock?: Clock;
  /** Source of the random part of node command ids; default seeded from the OS. */
  random?: Random;
}

/** One submitted task as `Client.tasks()` lists it. */
export interface TaskInfo {
  id: string;
  /** The node that owns the claim, or null when the task is unclaimed. */
  owner: string | null;
  /** The props given at submission, parsed from JSON; null when none were given. */
  props: unknown;
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
}

/**
 * The value written at `<ns>/tasks/<id>`. Only the key's existence matters to the cluster; the
 * value is an empty JSON object so fields can be added later without a format change.
 */
export const TASK_VALUE = '{}';

/** Width of the zero-padded millisecond part of node command ids: enough for any 64-bit time. */
const COMMAND_TIME_DIGITS = 16;
const COMMAND_SEQUENCE_DIGITS = 6;
const MAX_COMMAND_SEQUENCE = 10 ** COMMAND_SEQUENCE_DIGITS;

/**
 * The operator API of a cluster: submits and deletes tasks, lists tasks and nodes, and sends
 * commands to nodes. It writes the store directly, so it needs no running node.
 */
export class Client {
  private readonly store: Store;
  private readonly keys: Keys;
  private readonly clock: Clock;
  private readonly random: Random;
  private lastCommandMs = 0;
  private commandSequence = 0;

  constructor(options: ClientOptions) {
    this.store = options.store;
    this.keys = new Keys(options.namespace);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? systemRandom();
  }

  /**
   * Submits task `id`, with `props` stored as JSON when given (`undefined` and `null` mean none).
   * Throws `InvalidArgumentError` for an invalid id or props and `TaskExistsError` when the id is
   * in use; in both cases nothing is written.
   */
  async submit(id: string, props?: unknown): Promise<void> {
    validateTaskId(id);
    const propsText = props === undefined || props === null ? undefined : serializeProps(props);
    const taskKey = this.keys.task(id);
    const success = [{ type: 'put' as const, key: taskKey, value: TASK_VALUE }];
    if (propsText !== undefined) {
      success.push({ type: 'put', key: this.keys.taskProps(id), value: propsText });
    }
    const result = await this.store.txn({
      compare: [{ key: taskKey, target: 'version', op: '=', value: 0 }],
      success,
    });
    if (!result.succeeded) throw new TaskExistsError(id);
  }

  /**
   * Deletes task `id` and every key below it (props, owner, commands) in one transaction. A node
   * running the task loses its owner key and stops the handler. The persisted state at
   * `<ns>/state/<id>` is kept. Returns whether the task existed.
   */
  async delete(id: string): Promise<boolean> {
    validateTaskId(id);
    const result = await this.store.txn({
      compare: [],
      success: [
        { type: 'delete', key: this.keys.task(id) },
        { type: 'deletePrefix', prefix: this.keys.taskChildrenPrefix(id) },
      ],
    });
    const response = result.responses[0];
    return response?.type === 'delete' && response.deleted > 0;
  }

  /** Lists every submitted task, sorted by id, from one consistent read. */
  async tasks(): Promise<TaskInfo[]> {
    const { kvs } = await this.store.range(this.keys.tasksPrefix);
    return collectTasks(this.keys, kvs);
  }

  /** Lists every registered node, sorted by name, with its task count from the same revision. */
  async nodes(): Promise<NodeInfo[]> {
    const result = await this.store.txn({
      compare: [],
      success: [
        { type: 'range', prefix: this.keys.nodesPrefix },
        { type: 'range', prefix: this.keys.tasksPrefix },
      ],
    });
    const [nodeRange, taskRange] = result.responses;
    const nodeKvs = nodeRange?.type === 'range' ? nodeRange.kvs : [];
    const taskKvs = taskRange?.type === 'range' ? taskRange.kvs : [];
    return collectNodes(this.keys, nodeKvs, countOwnedTasks(this.keys, taskKvs));
  }

  /**
   * Sends `command` to `node`. The write is guarded by the node's registration in the same
   * transaction, so a command never lands for a node that is gone. Throws `NodeNotFoundError` when
   * the node is not registered. Returns the command's id.
   */
  async sendNodeCommand(node: string, command: NodeCommand): Promise<string> {
    validateNodeName(node);
    const id = this.nextCommandId();
    const body =
      command.command === 'stop_task'
        ? { command: command.command, parameters: command.parameters }
        : { command: command.command };
    const result = await this.store.txn({
      compare: [{ key: this.keys.node(node), target: 'version', op: '>', value: 0 }],
      success: [{ type: 'put', key: this.keys.nodeCommand(node, id), value: JSON.stringify(body) }],
    });
    if (!result.succeeded) throw new NodeNotFoundError(node, this.keys.namespace);
    return id;
  }

  /**
   * Makes a node command id, `<ms since epoch, 16 digits>-<sequence, 6 digits>-<8 random hex>`.
   * Ids of one client sort in creation order even if its clock steps back, because the time part
   * never decreases. Ids of different clients sort by their clocks, and the random part keeps
   * them apart.
   */
  private nextCommandId(): string {
    const nowMs = Math.max(this.lastCommandMs, Math.floor(this.clock.now()));
    if (nowMs > this.lastCommandMs || this.commandSequence >= MAX_COMMAND_SEQUENCE) {
      this.lastCommandMs = nowMs === this.lastCommandMs ? nowMs + 1 : nowMs;
      this.commandSequence = 0;
    }
    const time = String(this.lastCommandMs).padStart(COMMAND_TIME_DIGITS, '0');
    const sequence = String(this.commandSequence++).padStart(COMMAND_SEQUENCE_DIGITS, '0');
    const suffix = this.random.int(2 ** 32).toString(16).padStart(8, '0');
    return `${time}-${sequence}-${suffix}`;
  }
}

function serializeProps(props: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(props);
  } catch (error) {
    throw new InvalidArgumentError(
      `invalid task props: cannot be written as JSON (${(error as Error).message}); pass plain data`,
    );
  }
  if (text === undefined) {
    throw new InvalidArgumentError(`invalid task props of type ${typeof props}: pass plain data`);
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_PROPS_BYTES) {
    throw new InvalidArgumentError(
      `invalid task props: ${bytes} bytes of JSON, use at most ${MAX_PROPS_BYTES}`,
    );
  }
  return text;
}

function collectTasks(keys: Keys, kvs: KeyValue[]): TaskInfo[] {
  const byId = new Map<string, TaskInfo>();
  const children: { task: string; child: string; value: string }[] = [];
  for (const kv of kvs) {
    const parsed = keys.parseTaskKey(kv.key);
    if (parsed === undefined) continue;
    if (parsed.child === null) {
      byId.set(parsed.task, { id: parsed.task, owner: null, props: null });
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
  return [...byId.values()].sort((a, b) => compareStrings(a.id, b.id));
}

function countOwnedTasks(keys: Keys, kvs: KeyValue[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kv of kvs) {
    if (keys.parseTaskKey(kv.key)?.child !== 'owner') continue;
    const owner = ownerName(kv.value);
    counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  return counts;
}

function collectNodes(keys: Keys, kvs: KeyValue[], taskCounts: Map<string, number>): NodeInfo[] {
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
  return result;
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
