import type { StateStore } from '../src/coordinator/state-store.js';
import type { Handler } from '../src/core/handler.js';
import type { Random } from '../src/runtime/random.js';
import { createErrorHandler } from '../src/statemachine/error-handler.js';
import type { Message } from '../src/statemachine/message.js';
import { stateMachineHandler } from '../src/statemachine/state-machine-handler.js';
import type { StatefulContext } from '../src/statemachine/stateful-handler.js';
import type { History } from './history.js';
import type { Scheduler } from './scheduler.js';
import { pickWeighted } from './weighted-choice.js';

/**
 * The behaviour mix of simulated stateful tasks under the state machine. Each task draws its behaviour once,
 * from its id and the seed; each run draws its times.
 */
export interface StateMachineMix {
  /** Weight of tasks that run until a message stops them. Default 1. */
  forever?: number;
  /** Weight of tasks that complete after a run time drawn from `runMs`. Default 0. */
  complete?: number;
  /** Weight of tasks that run for a drawn time, then sleep for a time drawn from `sleepMs`. Default 0. */
  sleeper?: number;
  /** Weight of tasks that fail after a drawn run time, so the error handler sleeps or fails them. Default 0. */
  failing?: number;
  /** Weight of tasks that checkpoint after every drawn run time and run on. Default 0. */
  checkpointing?: number;
  /** Range of run times, in milliseconds. Default [10,000, 120,000]. */
  runMs?: [number, number];
  /** Range of sleep times of sleeper tasks, in milliseconds. Default [5,000, 60,000]. */
  sleepMs?: [number, number];
  /** Errors within the error handler's window that fail a task. Default 3. */
  maxErrors?: number;
  /** How long the error handler sleeps a failing task, in milliseconds. Default 20,000. */
  faultSleepMs?: number;
}

type Behaviour = 'forever' | 'complete' | 'sleeper' | 'failing' | 'checkpointing';
const BEHAVIOURS: Behaviour[] = ['forever', 'complete', 'sleeper', 'failing', 'checkpointing'];

/** A fenced side effect of a run, written by the plain workload's register. */
export type EffectWriter = (node: string, task: string, token: number) => void;

/**
 * Builds each node's state machine handler over simulated stateful handlers, and records every
 * stored state change in the history as a `transition` event.
 */
export class StatefulWorkload {
  private readonly mix: Required<StateMachineMix>;
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly runCounts = new Map<string, number>();

  constructor(
    mix: StateMachineMix,
    private readonly random: Random,
    private readonly scheduler: Scheduler,
    private readonly history: History,
    private readonly effectEveryMs: number,
    private readonly effect: EffectWriter,
  ) {
    this.mix = {
      forever: mix.forever ?? 1,
      complete: mix.complete ?? 0,
      sleeper: mix.sleeper ?? 0,
      failing: mix.failing ?? 0,
      checkpointing: mix.checkpointing ?? 0,
      runMs: mix.runMs ?? [10_000, 120_000],
      sleepMs: mix.sleepMs ?? [5_000, 60_000],
      maxErrors: mix.maxErrors ?? 3,
      faultSleepMs: mix.faultSleepMs ?? 20_000,
    };
  }

  /** The handler node `node` runs, storing states through `states` (on the node's link). */
  handler(node: string, states: StateStore): Handler {
    return stateMachineHandler((context) => this.run(node, context), {
      states,
      errorHandler: createErrorHandler({ maxErrors: this.mix.maxErrors, sleepMs: this.mix.faultSleepMs }),
      onTransition: ({ task, from, to, message }) =>
        this.history.record({ t: this.scheduler.now, type: 'transition', node, task, from, to, message }),
    });
  }

  private async run(node: string, context: StatefulContext): Promise<Message> {
    const task = context.task.id;
    const runNumber = (this.runCounts.get(task) ?? 0) + 1;
    this.runCounts.set(task, runNumber);
    const behaviour = this.behaviourOf(task);
    const draws = this.random.fork(`task/${task}/run/${runNumber}`);
    const runMs = drawIn(draws, this.mix.runMs);
    const sleepMs = drawIn(draws, this.mix.sleepMs);
    const worked = await this.work(node, context, behaviour === 'forever' ? Infinity : runMs);
    if (!worked) return stopMessage(context);
    switch (behaviour) {
      case 'complete':
        return { type: 'complete' };
      case 'sleeper':
        return { type: 'sleep', untilMs: context.clock.now() + sleepMs };
      case 'failing':
        throw new Error(`simulated failure of ${task}`);
      default:
        return { type: 'checkpoint' };
    }
  }

  /** Works for `durationMs` with fenced effects; false when a message stopped the work first. */
  private async work(node: string, context: StatefulContext, durationMs: number): Promise<boolean> {
    const startedAt = context.clock.monotonic();
    while (!context.signal.aborted) {
      const leftMs = durationMs - (context.clock.monotonic() - startedAt);
      if (leftMs <= 0) return true;
      const stepMs = this.effectEveryMs > 0 ? Math.min(leftMs, this.effectEveryMs) : Math.min(leftMs, 3_600_000);
      await context.clock.sleep(stepMs, context.signal);
      if (!context.signal.aborted && this.effectEveryMs > 0) this.effect(node, context.task.id, context.fencingToken);
    }
    return false;
  }

  private behaviourOf(task: string): Behaviour {
    let behaviour = this.behaviours.get(task);
    if (behaviour === undefined) {
      behaviour = pickWeighted(BEHAVIOURS, this.mix, this.random.fork(`task/${task}`), 'forever');
      this.behaviours.set(task, behaviour);
    }
    return behaviour;
  }
}

/** The message that stopped the run: the signal's reason, as the state machine documents. */
function stopMessage(context: StatefulContext): Message {
  const reason: unknown = context.signal.reason;
  return typeof reason === 'object' && reason !== null && 'type' in reason ? (reason as Message) : { type: 'release' };
}

function drawIn(random: Random, [minMs, maxMs]: [number, number]): number {
  return minMs + random.int(maxMs - minMs + 1);
}
