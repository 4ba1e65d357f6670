import type { Task } from './task.js';

/** Lifecycle of a consumer. Calls that do not fit the current state throw `InvalidStateError`. */
export type ConsumerState = 'created' | 'starting' | 'running' | 'stopping' | 'stopped';

/** Why a run of a task was stopped. */
export type StopReason = 'balance' | 'command' | 'shutdown' | 'lost';

export interface ConsumerEvents extends Record<string, unknown> {
  /** Fires on every lifecycle change, after the new state is in place. */
  state: ConsumerState;
  /** Fires when this node claimed a task and is about to start its handler. */
  claimed: { task: Task; fencingToken: number };
  /** Fires once when a run is asked to stop; not again if more stop reasons follow. */
  stopping: { taskId: string; reason: StopReason };
  /** Fires after a run ended and its claim was given back (or was already gone). */
  released: { taskId: string; lost: boolean };
  /** Fires after a run ended as done and the task was removed from the cluster. */
  done: { taskId: string };
  /** Fires when the coordinator reports a claim of this node gone. Not for a lost claim with no run. */
  lost: { taskId: string };
  /** Fires after a valid node command was applied. */
  command: { command: string; id: string };
}
