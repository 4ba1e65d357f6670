import { InvalidArgumentError, InvalidStateError } from '../runtime/errors.js';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import { silentLogger } from '../runtime/logger.js';
import type { Random } from '../runtime/random.js';
import { systemClock } from '../runtime/system-clock.js';
import { systemRandom } from '../runtime/system-random.js';
import type { Balancer, RunningTask } from './balancer.js';
import type { ConsumerEvents, ConsumerState, StopReason } from './consumer-events.js';
import type { ConsumerOptions } from './consumer-options.js';
import type { Claim, Coordinator } from './coordinator.js';
import { FairBalancer } from './fair-balancer.js';
import type { Handler } from './handler.js';
import { IgnoreList } from './ignore-list.js';
import type { NodeCommand } from './node-command.js';
import { TaskRun } from './task-run.js';
import { TypedEmitter } from './typed-emitter.js';

/**
 * Runs tasks on one node: claims offered tasks the balancer accepts, runs a handler per claim,
 * gives claims back when runs end, balances periodically, and applies node commands.
 */
export class Consumer extends TypedEmitter<ConsumerEvents> {
  readonly node: string;
  private readonly coordinator: Coordinator;
  private readonly handler: Handler;
  private readonly balancer: Balancer;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly logger: Logger;
  private readonly balanceEveryMs: number;
  private readonly balanceJitterMs: number;
  private readonly stopTaskHoldOffMs: number;
  private readonly busyRetryMs: number;

  private currentState: ConsumerState = 'created';
  private frozenFlag = false;
  private readonly runs = new Map<string, TaskRun>();
  private readonly finishing = new Map<string, Promise<void>>();
  private readonly claiming = new Set<string>();
  private readonly ignored: IgnoreList;
  private readonly stopLoops = new AbortController();
  private shutdownPromise: Promise<void> | undefined;
  private coordinatorStart: Promise<void> | undefined;

  constructor(options: ConsumerOptions) {
    super();
    this.coordinator = options.coordinator;
    this.node = options.coordinator.node;
    this.handler = options.handler;
    this.balancer = options.balancer ?? new FairBalancer();
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? systemRandom();
    this.logger = (options.logger ?? silentLogger).child({ node: this.node });
    this.balanceEveryMs = positive('balanceEveryMs', options.balanceEveryMs ?? 60_000);
    this.balanceJitterMs = options.balanceJitterMs ?? Math.floor(this.balanceEveryMs / 10);
    this.stopTaskHoldOffMs = options.stopTaskHoldOffMs ?? this.balanceEveryMs;
    this.busyRetryMs = options.busyRetryMs ?? 1_000;
    this.ignored = new IgnoreList(this.clock, (taskId) => this.offer(taskId));
  }

  get state(): ConsumerState {
    return this.currentState;
  }

  /** True while a `freeze` command holds: no claims and no balancing. */
  get frozen(): boolean {
    return this.frozenFlag;
  }

  /** Tasks with a run on this node that was not asked to stop. */
  runningTasks(): RunningTask[] {
    const running: RunningTask[] = [];
    for (const run of this.runs.values()) {
      if (!run.stopping) running.push({ task: run.claim.task, startedAt: run.startedAt });
    }
    return running;
  }

  /** Starts the node: registers it, begins claiming and balancing. Callable once. */
  async start(): Promise<void> {
    if (this.currentState !== 'created') {
      throw new InvalidStateError(`cannot start a consumer that is ${this.currentState}; create a new one`);
    }
    this.setState('starting');
    this.balancer.init({
      node: this.node,
      clock: this.clock,
      random: this.random.fork('balancer'),
      logger: this.logger.child({ component: 'balancer' }),
      cluster: this.coordinator,
      runningTasks: () => this.runningTasks(),
      claimsInFlight: () => this.claiming.size,
    });
    this.coordinatorStart = this.coordinator.start({
      offer: (taskId) => this.offer(taskId),
      lost: (taskId) => this.onLost(taskId),
      command: (command, id) => this.applyCommand(command, id),
      claimedElsewhere: (taskId) => this.ignored.remove(taskId),
    });
    try {
      await this.coordinatorStart;
    } catch (error) {
      this.logger.error({ err: error }, 'consumer failed to start');
      this.stopLoops.abort();
      this.ignored.close();
      this.setState('stopped');
      throw error;
    }
    // A shutdown that came while the node was starting owns the rest of its life.
    if (this.shutdownPromise !== undefined) return;
    this.setState('running');
    this.logger.info({}, 'consumer started');
    // Offers made while starting were dropped, so look at every unowned task once more.
    this.coordinator.offerUnclaimed();
    void this.balanceLoop();
  }

  /**
   * Stops every run, waits up to `timeoutMs` for the handlers to return, gives back every claim
   * and deregisters the node. Resolves within `timeoutMs`; handlers still running then are named
   * in an error log and left behind. Idempotent: later calls return the first call's promise.
   */
  shutdown(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.shutdownPromise === undefined) {
      this.shutdownPromise = this.runShutdown(options.timeoutMs ?? 30_000);
    }
    return this.shutdownPromise;
  }

  /** Runs one balance now: releases the tasks the balancer names. */
  async balance(): Promise<void> {
    if (this.currentState !== 'running' || this.frozenFlag) return;
    let release: string[];
    try {
      release = await this.balancer.balance();
    } catch (error) {
      this.logger.error({ err: error }, 'balance failed');
      return;
    }
    for (const taskId of release) this.stopRun(taskId, 'balance');
  }

  private setState(state: ConsumerState): void {
    this.currentState = state;
    this.emit('state', state);
  }

  private offer(taskId: string): void {
    if (this.currentState !== 'running' || this.frozenFlag) return;
    if (this.claiming.has(taskId) || this.ignored.has(taskId)) return;
    if (this.runs.has(taskId) || this.finishing.has(taskId)) {
      // An earlier run still winds down here; look again once it had time to finish.
      this.ignored.add(taskId, this.clock.monotonic() + this.busyRetryMs);
      return;
    }
    const decision = this.balancer.canClaim(taskId);
    if (!decision.claim) {
      this.ignored.add(taskId, decision.retryAt);
      return;
    }
    void this.claim(taskId);
  }

  private async claim(taskId: string): Promise<void> {
    this.claiming.add(taskId);
    let claim: Claim | null;
    try {
      claim = await this.coordinator.claim(taskId);
    } catch (error) {
      this.logger.warn({ task: taskId, err: error }, 'claim failed; retrying later');
      this.ignored.add(taskId, this.clock.monotonic() + this.busyRetryMs);
      return;
    } finally {
      this.claiming.delete(taskId);
    }
    if (claim === null) return;
    if (this.currentState !== 'running') {
      this.logger.info({ task: taskId }, 'claim arrived during shutdown; releasing');
      await this.giveBack(claim, false);
      return;
    }
    this.startRun(claim);
  }

  private startRun(claim: Claim): void {
    const taskId = claim.task.id;
    const logger = this.logger.child({ task: taskId });
    logger.info({ fencingToken: claim.fencingToken }, 'task claimed');
    this.emit('claimed', { task: claim.task, fencingToken: claim.fencingToken });
    const commands = this.coordinator.taskCommands?.(claim);
    const run = new TaskRun(claim, this.handler, this.clock, logger, commands);
    this.runs.set(taskId, run);
    const finished = this.finishRun(run).finally(() => this.finishing.delete(taskId));
    this.finishing.set(taskId, finished);
  }

  /** Waits for a run's handler, then marks the task done or gives the claim back, exactly once. */
  private async finishRun(run: TaskRun): Promise<void> {
    const result = await run.result;
    this.runs.delete(run.taskId);
    if (result === 'done' && !run.lost) {
      let removed = false;
      try {
        removed = await this.coordinator.done(run.claim);
      } catch (error) {
        this.logger.error({ task: run.taskId, err: error }, 'marking task done failed');
        return;
      }
      if (removed) {
        this.logger.info({ task: run.taskId }, 'task done');
        this.emit('done', { taskId: run.taskId });
      } else {
        this.logger.warn({ task: run.taskId }, 'task finished after its claim was lost; not marked done');
        this.emit('released', { taskId: run.taskId, lost: true });
      }
      return;
    }
    await this.giveBack(run.claim, run.lost);
  }

  private async giveBack(claim: Claim, lost: boolean): Promise<void> {
    try {
      await this.coordinator.release(claim);
      this.logger.info({ task: claim.task.id, lost }, 'task released');
    } catch (error) {
      this.logger.error({ task: claim.task.id, err: error }, 'releasing task failed');
    }
    this.emit('released', { taskId: claim.task.id, lost });
  }

  private stopRun(taskId: string, reason: StopReason): void {
    const run = this.runs.get(taskId);
    if (run === undefined) return;
    if (run.stop(reason)) this.emit('stopping', { taskId, reason });
  }

  private onLost(taskId: string): void {
    const run = this.runs.get(taskId);
    if (run === undefined) return;
    this.logger.warn({ task: taskId }, 'claim lost; stopping task');
    this.emit('lost', { taskId });
    this.stopRun(taskId, 'lost');
  }

  private applyCommand(command: NodeCommand, id: string): void {
    if (this.currentState !== 'running') return;
    this.logger.info({ command: command.command, id }, 'node command received');
    switch (command.command) {
      case 'freeze':
        this.frozenFlag = true;
        this.publishFrozen(true);
        break;
      case 'unfreeze':
        this.frozenFlag = false;
        this.publishFrozen(false);
        this.coordinator.offerUnclaimed();
        break;
      case 'balance':
        void this.balance();
        break;
      case 'stop_task':
        this.ignored.add(command.parameters.task, this.clock.monotonic() + this.stopTaskHoldOffMs);
        this.stopRun(command.parameters.task, 'command');
        break;
    }
    this.emit('command', { command: command.command, id });
  }

  private publishFrozen(frozen: boolean): void {
    this.coordinator.markFrozen(frozen).catch((error: unknown) => {
      this.logger.warn({ err: error, frozen }, 'publishing the frozen flag failed');
    });
  }

  private async balanceLoop(): Promise<void> {
    const signal = this.stopLoops.signal;
    while (!signal.aborted) {
      const jitterMs = this.balanceJitterMs > 0 ? this.random.int(this.balanceJitterMs + 1) : 0;
      await this.clock.sleep(this.balanceEveryMs + jitterMs, signal);
      if (signal.aborted) return;
      await this.balance();
      // A claim can fail without any later watch event for its task (an unknown outcome, a
      // session lost mid-claim), so every balance period looks at every free task again.
      if (this.currentState === 'running' && !this.frozenFlag) this.coordinator.offerUnclaimed();
    }
  }

  private async runShutdown(timeoutMs: number): Promise<void> {
    if (this.currentState === 'created' || this.currentState === 'stopped') {
      this.setState('stopped');
      return;
    }
    // Measured on the monotonic clock, so a wall-clock jump cannot cut the shutdown short.
    const deadline = this.clock.monotonic() + timeoutMs;
    const wasStarting = this.currentState === 'starting';
    this.setState('stopping');
    if (wasStarting) {
      // Closing the coordinator while it still registers and lists would leave its start running
      // on a closed session, so let the start finish first.
      await this.withDeadline(this.coordinatorStart ?? Promise.resolve(), deadline, 'finishing the start');
    }
    this.logger.info({ tasks: this.runs.size, timeoutMs }, 'consumer stopping');
    this.stopLoops.abort();
    this.ignored.close();
    await this.withDeadline(this.coordinator.markStopping(), deadline, 'marking node as stopping');
    for (const taskId of [...this.runs.keys()]) this.stopRun(taskId, 'shutdown');

    const finished = await this.beforeDeadline(Promise.all([...this.finishing.values()]), deadline);
    if (!finished) {
      this.logger.error(
        { tasks: [...this.runs.keys()], timeoutMs },
        'handlers ignored their stop signal until the shutdown timeout',
      );
    }
    await this.withDeadline(this.coordinator.close(), deadline, 'closing coordinator');
    this.setState('stopped');
    this.logger.info({}, 'consumer stopped');
  }

  /** Waits for `work` until `deadline`; logs a failure or an overrun and never throws. */
  private async withDeadline(work: Promise<void>, deadline: number, step: string): Promise<void> {
    const guarded = work.catch((error: unknown) => {
      this.logger.error({ err: error, step }, 'shutdown step failed');
    });
    if (!(await this.beforeDeadline(guarded, deadline))) {
      this.logger.warn({ step }, 'shutdown step still running at the timeout');
    }
  }

  /** Resolves true when `work` settles before `deadline`, false when the deadline comes first. */
  private async beforeDeadline(work: Promise<unknown>, deadline: number): Promise<boolean> {
    const timer = new AbortController();
    try {
      return await Promise.race([
        work.then(() => true),
        this.clock.sleep(deadline - this.clock.monotonic(), timer.signal).then(() => false),
      ]);
    } finally {
      timer.abort();
    }
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(`${name} must be a positive number of milliseconds, got ${value}`);
  }
  return value;
}
