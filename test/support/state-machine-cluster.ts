import { StateStore } from '../../src/coordinator/state-store.js';
import type { Consumer } from '../../src/core/consumer.js';
import { DumbBalancer } from '../../src/core/dumb-balancer.js';
import type { ErrorHandler } from '../../src/statemachine/error-handler.js';
import type { Message } from '../../src/statemachine/message.js';
import { stateMachineHandler } from '../../src/statemachine/state-machine-handler.js';
import type { StateMachineOptions } from '../../src/statemachine/state-machine-handler.js';
import type { StatefulContext, StatefulHandler } from '../../src/statemachine/stateful-handler.js';
import type { TaskState } from '../../src/statemachine/task-state.js';
import { parseTaskState } from '../../src/statemachine/task-state.js';
import type { Store } from '../../src/store/store.js';
import { MemoryCluster, NAMESPACE } from './memory-cluster.js';

/** One call of a recording stateful handler. */
export interface HandlerCall {
  task: string;
  state: TaskState;
  atMs: number;
}

/**
 * A stateful handler that records each call and then runs `behave`, by default until a message
 * arrives, resolving that message.
 */
export function recordingHandler(
  calls: HandlerCall[],
  behave: (context: StatefulContext, call: number) => Promise<Message> = untilMessage,
): StatefulHandler {
  return (context) => {
    calls.push({ task: context.task.id, state: context.state, atMs: context.clock.now() });
    return behave(context, calls.length);
  };
}

/** Runs until a message arrives and resolves it. */
export function untilMessage(context: StatefulContext): Promise<Message> {
  return new Promise((resolve) => {
    const finish = (): void => resolve(context.signal.reason as Message);
    if (context.signal.aborted) finish();
    else context.signal.addEventListener('abort', finish, { once: true });
  });
}

/** A MemoryCluster whose nodes run stateful handlers under the state machine, with DumbBalancer. */
export class StateMachineCluster extends MemoryCluster {
  /** Adds a node; `store` replaces the store the node's state store uses, to inject faults. */
  stateNode(
    node: string,
    handler: StatefulHandler,
    options: {
      store?: Store;
      errorHandler?: ErrorHandler;
      invalidStateRetryMs?: number;
      onTransition?: StateMachineOptions['onTransition'];
    } = {},
  ): Consumer {
    const states = new StateStore({ store: options.store ?? this.store, namespace: NAMESPACE });
    const wrapped = stateMachineHandler(handler, {
      states,
      errorHandler: options.errorHandler,
      invalidStateRetryMs: options.invalidStateRetryMs,
      onTransition: options.onTransition,
    });
    return this.consumer(node, wrapped, { balancer: new DumbBalancer() });
  }

  /** The task's stored state text, or null. */
  async rawState(task: string): Promise<string | null> {
    return (await this.store.get(`${NAMESPACE}/state/${task}`)).kv?.value ?? null;
  }

  /** The task's stored state, parsed; throws when none is stored. */
  async state(task: string): Promise<TaskState> {
    const raw = await this.rawState(task);
    if (raw === null) throw new Error(`no state stored for ${task}`);
    return parseTaskState(raw);
  }

  /** The task's stored command text, or null. */
  async command(task: string): Promise<string | null> {
    return (await this.store.get(`${NAMESPACE}/tasks/${task}/commands`)).kv?.value ?? null;
  }

  /** Ids of the tasks that still exist. */
  async taskIds(): Promise<string[]> {
    return (await this.client.tasks()).map((task) => task.id);
  }
}
