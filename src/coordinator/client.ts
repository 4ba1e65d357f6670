import type { NodeCommand } from '../core/node-command.js';
import { MAX_PROPS_BYTES, validateNodeName, validateTaskId } from '../core/task.js';
import type { Clock } from '../runtime/clock.js';
import { InvalidArgumentError } from '../runtime/errors.js';
import type { Random } from '../runtime/random.js';
import { systemClock } from '../runtime/system-clock.js';
import { systemRandom } from '../runtime/system-random.js';
import type { Store } from '../store/store.js';
import type { NodeInfo, TaskInfo } from './client-listing.js';
import { collectNodes, collectTasks, countOwnedTasks } from './client-listing.js';
import { NodeNotFoundError, TaskExistsError, TaskNotFoundError } from './errors.js';
import { Keys } from './keys.js';
import { StateStore } from './state-store.js';

export interface ClientOptions {
  store: Store;
  /** Key prefix of the cluster; default `/metafora`. */
  namespace?: string;
  /** Source of the time part of node command ids; default the system clock. */
  clock?: Clock;
  /** Source of the random part of node command ids; default seeded from the OS. */
  random?: Random;
}

export type { NodeInfo, TaskInfo } from './client-listing.js';

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
  private readonly states: StateStore;
  private lastCommandMs = 0;
  private commandSequence = 0;

  constructor(options: ClientOptions) {
    this.store = options.store;
    this.keys = new Keys(options.namespace);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? systemRandom();
    this.states = new StateStore({ store: this.store, namespace: options.namespace });
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

  /** Lists every submitted task, sorted by id, with its state name, from one consistent read. */
  async tasks(): Promise<TaskInfo[]> {
    const result = await this.store.txn({
      compare: [],
      success: [
        { type: 'range', prefix: this.keys.tasksPrefix },
        { type: 'range', prefix: this.keys.statePrefix },
      ],
    });
    const [taskRange, stateRange] = result.responses;
    const taskKvs = taskRange?.type === 'range' ? taskRange.kvs : [];
    const stateKvs = stateRange?.type === 'range' ? stateRange.kvs : [];
    return collectTasks(this.keys, taskKvs, stateKvs);
  }

  /**
   * Stores `command` as JSON at `<ns>/tasks/<id>/commands`, replacing a command not handled yet.
   * The write is guarded by the task's key, so a command never lands for a task that is gone.
   * Throws `InvalidArgumentError` for an invalid id or a command that is not JSON data, and
   * `TaskNotFoundError` when the task does not exist.
   */
  async sendTaskCommand(id: string, command: unknown): Promise<void> {
    validateTaskId(id);
    let value: string | undefined;
    try {
      value = JSON.stringify(command);
    } catch (error) {
      throw new InvalidArgumentError(`invalid task command: cannot be written as JSON (${(error as Error).message})`);
    }
    if (value === undefined) {
      throw new InvalidArgumentError(`invalid task command of type ${typeof command}: pass plain data`);
    }
    const result = await this.store.txn({
      compare: [{ key: this.keys.task(id), target: 'version', op: '>', value: 0 }],
      success: [{ type: 'put', key: this.keys.taskCommand(id), value }],
    });
    if (!result.succeeded) throw new TaskNotFoundError(id);
  }

  /** Reads the stored state text of task `id`; null when none is stored. */
  async readState(id: string): Promise<string | null> {
    validateTaskId(id);
    return (await this.states.read(id))?.value ?? null;
  }

  /**
   * Overwrites the stored state of task `id` with `value`, with no guard, to repair a state. A
   * node running the task keeps its own copy and may overwrite this with its next transition.
   */
  async overwriteState(id: string, value: string): Promise<void> {
    await this.states.overwrite(id, value);
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
