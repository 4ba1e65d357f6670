import type { MessageType } from '../src/statemachine/message.js';
import type { StateName } from '../src/statemachine/task-state.js';

/**
 * The history of a simulated run: every event that the invariant checkers read, stamped with the
 * virtual time in milliseconds since the run began. Node-side events use the virtual (true) time,
 * not the node's skewed clock, so events on different nodes can be ordered.
 */
export type HistoryEvent =
  /** A consumer incarnation started and is running. */
  | { t: number; type: 'node-start'; node: string }
  /** A node began a graceful shutdown. */
  | { t: number; type: 'node-stopping'; node: string }
  /** A node finished its graceful shutdown. */
  | { t: number; type: 'node-stop'; node: string }
  /** A node crashed: its objects are dropped, its lease expires on the store later. */
  | { t: number; type: 'node-crash'; node: string }
  /** A task was submitted. */
  | { t: number; type: 'submit'; task: string }
  /** The node claimed a task; `token` is the fencing token. */
  | { t: number; type: 'claim'; node: string; task: string; token: number }
  /** A handler started running a task on a node. */
  | { t: number; type: 'handler-start'; node: string; task: string; token: number }
  /** The node asked a handler to stop. */
  | { t: number; type: 'handler-stop-requested'; node: string; task: string; reason: string }
  /** A handler returned (or the node crashed under it: `result` 'crash'). */
  | { t: number; type: 'handler-end'; node: string; task: string; token: number; result: 'done' | 'release' | 'error' | 'crash' }
  /** The node gave a claim back after a run; `lost` when the claim was already gone. */
  | { t: number; type: 'release'; node: string; task: string; lost: boolean }
  /** The node marked a task done; the task is removed from the cluster. */
  | { t: number; type: 'done'; node: string; task: string }
  /** The node reported a claim lost. */
  | { t: number; type: 'lost'; node: string; task: string }
  /** The node registered on a lease, at start or after its session expired. */
  | { t: number; type: 'session-started'; node: string; lease: string }
  /** The store confirmed a renewal of the node's lease. */
  | { t: number; type: 'lease-confirmed'; node: string; lease: string }
  /** The node assumed its lease gone and stopped its tasks. */
  | { t: number; type: 'session-expired'; node: string; lease: string; reason: string }
  /** A node command was written to the store for `node`. */
  | { t: number; type: 'command-sent'; node: string; id: string; command: string }
  /** A node applied a command. */
  | { t: number; type: 'command-applied'; node: string; id: string; command: string }
  /** A write to the external register, carrying the fencing token; `accepted` is the register's answer. */
  | { t: number; type: 'effect'; node: string; task: string; token: number; accepted: boolean }
  /**
   * The node stored a task state change under the state machine, after its guarded write
   * succeeded; `from` is the state the node held (null, with `message` 'initial', for a task that
   * had no state yet).
   */
  | { t: number; type: 'transition'; node: string; task: string; from: StateName | null; to: StateName; message: MessageType | 'initial' }
  /** An operator task command was written to the store for `task`. */
  | { t: number; type: 'task-command-sent'; task: string; command: MessageType }
  /** A fault began; `node` is absent for store-wide faults. */
  | { t: number; type: 'fault-start'; fault: string; node?: string; detail?: Record<string, unknown> }
  /** A fault ended. */
  | { t: number; type: 'fault-end'; fault: string; node?: string }
  /** The run entered a phase: faults are injected, then the cluster is quiet, then checked. */
  | { t: number; type: 'phase'; phase: 'faults' | 'quiet' | 'check' }
  /**
   * The store's ownership at the end of the quiet phase: task to owner node (null when unowned),
   * the live nodes, and per node how many tasks its handlers are running.
   */
  | {
      t: number;
      type: 'final-state';
      owners: Record<string, string | null>;
      liveNodes: string[];
      running: Record<string, string[]>;
    };

export type HistoryEventType = HistoryEvent['type'];

/** Appends events in order and serialises them as JSON lines. */
export class History {
  readonly events: HistoryEvent[] = [];

  record(event: HistoryEvent): void {
    this.events.push(event);
  }

  /** The trace: one JSON object per line, in the order recorded. */
  toJsonLines(): string {
    return this.events.map((event) => JSON.stringify(event)).join('\n') + '\n';
  }
}
