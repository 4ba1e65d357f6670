import type { StateStore } from '../coordinator/state-store.js';
import { retryStore } from '../coordinator/retry.js';
import type { HandlerResult, TaskContext } from '../core/handler.js';
import type { TaskCommand } from '../core/task-command.js';
import type { Logger } from '../runtime/logger.js';
import { CommandInbox } from './command-inbox.js';
import type { ErrorHandler } from './error-handler.js';
import { defaultErrorHandler } from './error-handler.js';
import type { Message, MessageType } from './message.js';
import { parseMessage, toMessage } from './message.js';
import { MessageStream } from './message-stream.js';
import type { StatefulHandler } from './stateful-handler.js';
import type { StateName, TaskState } from './task-state.js';
import { INITIAL_STATE, InvalidTaskStateError, isTerminal, parseTaskState, serializeTaskState } from './task-state.js';
import { applyMessage, nextState } from './transitions.js';

export interface StateMachineSettings {
  states: StateStore;
  errorHandler: ErrorHandler;
  invalidStateRetryMs: number;
  onTransition?: (change: StateChange) => void;
}

/**
 * One stored state change of one task. The first write of a task that had no state has `from`
 * null and `message` `'initial'`.
 */
export interface StateChange {
  readonly task: string;
  readonly from: StateName | null;
  readonly to: StateName;
  readonly message: MessageType | 'initial';
}

/** The outcome of one step: a handler result that ends the run, or undefined to go on. */
type StepResult = HandlerResult | undefined;

/** A command that reached the running stateful handler, with its parsed message. */
interface DeliveredCommand {
  command: TaskCommand;
  message: Message;
}

/**
 * One run of the state machine over one claim: loads the task's state, applies commands, runs the
 * stateful handler while the task is runnable, and stores every transition while the claim holds.
 */
export class StateMachineRun {
  private state: TaskState = INITIAL_STATE;
  private readonly inbox = new CommandInbox();
  private readonly logger: Logger;

  constructor(
    private readonly handler: StatefulHandler,
    private readonly settings: StateMachineSettings,
    private readonly context: TaskContext,
  ) {
    this.logger = context.logger.child({ component: 'statemachine' });
  }

  private get taskId(): string {
    return this.context.task.id;
  }

  /** Runs until a terminal state (`done`), a stop, a `release` or a store failure (`release`). */
  async run(): Promise<HandlerResult> {
    const unsubscribe = this.context.commands?.subscribe((command) => this.inbox.put(command));
    try {
      return (await this.loadState()) ?? (await this.loop());
    } finally {
      unsubscribe?.();
    }
  }

  private async loop(): Promise<HandlerResult> {
    for (;;) {
      if (isTerminal(this.state.name)) return 'done';
      if (this.context.signal.aborted) return 'release';
      const command = this.inbox.take();
      const result = command === undefined ? await this.step() : await this.applyCommand(command);
      if (result !== undefined) return result;
    }
  }

  private async step(): Promise<StepResult> {
    switch (this.state.name) {
      case 'runnable':
        return this.runHandler();
      case 'sleeping':
        return this.sleepUntilDue();
      case 'fault':
        return this.handleFault();
      default:
        // Paused: only a command or a stop moves the task on.
        await this.waitForWake(undefined);
        return undefined;
    }
  }

  /**
   * Loads the stored state. A missing state starts as `runnable` and is stored at once. For an
   * invalid one the node keeps the claim, so no node runs the task, and reads the state again
   * when a command arrives or every `invalidStateRetryMs`, until an operator overwrites it.
   */
  private async loadState(): Promise<StepResult> {
    for (let attempt = 1; ; attempt++) {
      let stored;
      try {
        const read = () => this.settings.states.read(this.taskId);
        stored = await this.untilStopped(retryStore(this.context.clock, read, { signal: this.context.signal }));
      } catch (error) {
        this.logger.warn({ err: error }, 'loading task state failed; releasing task');
        return 'release';
      }
      if (stored === 'stopped') return 'release';
      if (stored === null) return this.store(INITIAL_STATE, 'initial', undefined, null);
      try {
        this.state = parseTaskState(stored.value);
        return undefined;
      } catch (error) {
        if (!(error instanceof InvalidTaskStateError)) throw error;
        const fields = { err: error, raw: error.raw.slice(0, 200), attempt };
        if (attempt === 1) this.logger.error(fields, 'stored task state is invalid; task kept until it is overwritten');
        else this.logger.debug(fields, 'stored task state is still invalid');
      }
      await this.waitForWake(this.settings.invalidStateRetryMs);
      if (this.context.signal.aborted) return 'release';
    }
  }

  /** Applies an operator command to the current state; invalid and illegal ones are deleted. */
  private async applyCommand(command: TaskCommand): Promise<StepResult> {
    const message = this.parseCommand(command);
    if (message === undefined || !this.isLegal(message, 'command')) {
      await this.deleteCommand(command);
      return undefined;
    }
    if (message.type === 'release') {
      await this.deleteCommand(command);
      return 'release';
    }
    return this.transition(message, 'command', command);
  }

  /** Runs the stateful handler once and applies the message it resolves to. */
  private async runHandler(): Promise<StepResult> {
    const stream = new MessageStream();
    const onStop = (): void => stream.push({ type: 'release' });
    this.context.signal.addEventListener('abort', onStop, { once: true });
    let delivered: DeliveredCommand | undefined;
    const deletes: Promise<void>[] = [];
    this.inbox.forwardTo((command) => {
      const message = this.parseCommand(command);
      if (message === undefined || !this.isLegal(message, 'command')) {
        deletes.push(this.deleteCommand(command));
        return;
      }
      delivered = { command, message };
      stream.push(message);
    });
    let result: Message;
    try {
      result = await this.callHandler(stream);
    } finally {
      this.inbox.forwardTo(undefined);
      stream.close();
      this.context.signal.removeEventListener('abort', onStop);
    }
    await Promise.all(deletes);
    return this.applyHandlerResult(result, delivered);
  }

  /**
   * A command delivered to the handler is stored with the result when the handler resolved that
   * same message. Otherwise it waits again and is applied after the result, so a command is
   * never lost because the handler chose differently.
   */
  private async applyHandlerResult(resolved: Message, delivered: DeliveredCommand | undefined): Promise<StepResult> {
    let result = resolved;
    if (!this.isLegal(result, 'handler')) {
      result = { type: 'error', error: `stateful handler resolved "${result.type}", not allowed in state runnable` };
    }
    const matched = delivered !== undefined && delivered.message.type === result.type ? delivered.command : undefined;
    if (delivered !== undefined && matched === undefined) this.inbox.putBack(delivered.command);
    if (result.type === 'release') {
      if (matched !== undefined) await this.deleteCommand(matched);
      return 'release';
    }
    return this.transition(result, 'handler', matched);
  }

  private async callHandler(stream: MessageStream): Promise<Message> {
    let value: unknown;
    try {
      value = await this.handler({
        task: this.context.task,
        signal: stream.signal,
        messages: stream,
        stopSignal: this.context.signal,
        fencingToken: this.context.fencingToken,
        clock: this.context.clock,
        logger: this.context.logger,
        state: this.state,
      });
    } catch (error) {
      this.logger.warn({ err: error }, 'stateful handler failed');
      return { type: 'error', error: error instanceof Error ? error.message : String(error) };
    }
    try {
      return toMessage(value, 'the stateful handler result');
    } catch (error) {
      this.logger.error({ err: error }, 'stateful handler resolved no valid message');
      return { type: 'error', error: (error as Error).message };
    }
  }

  /** Waits until the wake-up time on this node's clock, then makes the task runnable. */
  private async sleepUntilDue(): Promise<StepResult> {
    const remainingMs = (this.state.untilMs ?? 0) - this.context.clock.now();
    if (remainingMs > 0) {
      // A command or a stop ends the wait early; the loop then handles it.
      await this.waitForWake(remainingMs);
      return undefined;
    }
    return this.transition({ type: 'run' }, 'clock');
  }

  /** Asks the error handler how to leave `fault`, storing its trimmed error history. */
  private async handleFault(): Promise<StepResult> {
    const input = { task: this.context.task, errors: this.state.errors, nowMs: this.context.clock.now() };
    let decision;
    try {
      decision = await this.settings.errorHandler(input);
      const message = toMessage(decision.message, 'the error handler decision');
      if (!leavesFault(message)) throw new Error(`error handler decided "${message.type}", which stays in fault`);
      decision = { message, errors: decision.errors };
    } catch (error) {
      this.logger.error({ err: error }, 'error handler failed; using the default error handler');
      decision = await defaultErrorHandler(input);
    }
    this.state = { ...this.state, errors: decision.errors };
    return this.transition(decision.message, 'error handler');
  }

  /** Applies a legal message and stores the new state, with `command` deleted in the same write. */
  private async transition(message: Message, source: string, command?: TaskCommand): Promise<StepResult> {
    const next = applyMessage(this.state, message, this.context.clock.now());
    if (next === undefined) {
      this.logger.warn({ state: this.state.name, message: message.type, source }, 'illegal task state transition rejected');
      return undefined;
    }
    return this.store(next, message.type, command?.revision);
  }

  /** Stores `next` while the claim holds. A store failure or a lost claim ends the run. */
  private async store(
    next: TaskState,
    message: MessageType | 'initial',
    commandRevision?: number,
    from: StateName | null = this.state.name,
  ): Promise<StepResult> {
    const value = serializeTaskState(next);
    const write = (revision: number | undefined) => () =>
      this.settings.states.write(this.taskId, this.context.fencingToken, value, { commandRevision: revision });
    const attempt = (revision: number | undefined) =>
      this.untilStopped(retryStore(this.context.clock, write(revision), { signal: this.context.signal }));
    let outcome;
    try {
      outcome = await attempt(commandRevision);
      // A newer command replaced the one this write was to delete; store the state alone and
      // let the newer command arrive through the watch.
      if (outcome === 'command-changed') outcome = await attempt(undefined);
    } catch (error) {
      this.logger.warn({ err: error, state: next.name }, 'storing task state failed; releasing task');
      return 'release';
    }
    if (outcome === 'stopped') {
      this.logger.info({ state: next.name }, 'run stopped while storing task state; releasing task');
      return 'release';
    }
    if (outcome !== 'written') {
      this.logger.warn({ state: next.name }, 'claim gone; task state not stored');
      return 'release';
    }
    this.logger.info({ from, to: next.name, message }, 'task state changed');
    this.state = next;
    this.settings.onTransition?.({ task: this.taskId, from, to: next.name, message });
    return undefined;
  }

  /**
   * Resolves like `operation`, or to 'stopped' as soon as the run is stopped. A stopped node must
   * return within the lease safety margin, and a request to an unreachable store can take several
   * request timeouts. A write left behind may still land; its fencing token keeps it from landing
   * after the claim is gone.
   */
  private async untilStopped<T>(operation: Promise<T>): Promise<T | 'stopped'> {
    const signal = this.context.signal;
    operation.catch(() => undefined);
    if (signal.aborted) return 'stopped';
    let onAbort: (() => void) | undefined;
    const stopped = new Promise<'stopped'>((resolve) => {
      onAbort = () => resolve('stopped');
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([operation, stopped]);
    } finally {
      signal.removeEventListener('abort', onAbort!);
    }
  }

  private parseCommand(command: TaskCommand): Message | undefined {
    try {
      return parseMessage(command.value);
    } catch (error) {
      this.logger.warn({ task: this.taskId, value: command.value.slice(0, 200), err: error }, 'invalid task command deleted');
      return undefined;
    }
  }

  private isLegal(message: Message, source: string): boolean {
    const state = this.state.name;
    if (nextState(state, message.type) !== undefined) return true;
    this.logger.warn({ task: this.taskId, state, message: message.type, source }, 'illegal task state transition rejected');
    return false;
  }

  private async deleteCommand(command: TaskCommand): Promise<void> {
    try {
      await this.untilStopped(this.context.commands?.delete(command) ?? Promise.resolve(false));
    } catch (error) {
      this.logger.warn({ err: error, revision: command.revision }, 'deleting task command failed');
    }
  }

  /** Resolves when a command arrives, the run is stopped, or `timeoutMs` (if given) passes. */
  private async waitForWake(timeoutMs: number | undefined): Promise<void> {
    if (this.context.signal.aborted || this.inbox.hasCommand) return;
    const wake = new AbortController();
    const onWake = (): void => wake.abort();
    this.context.signal.addEventListener('abort', onWake, { once: true });
    const stopListening = this.inbox.onArrival(onWake);
    try {
      if (timeoutMs !== undefined) {
        await this.context.clock.sleep(timeoutMs, wake.signal);
      } else {
        await new Promise<void>((resolve) => wake.signal.addEventListener('abort', () => resolve(), { once: true }));
      }
    } finally {
      stopListening();
      this.context.signal.removeEventListener('abort', onWake);
    }
  }
}

/** True for the messages that take a task out of `fault`; `checkpoint` and `release` keep it there. */
function leavesFault(message: Message): boolean {
  const to = nextState('fault', message.type);
  return to !== undefined && to !== 'fault';
}
