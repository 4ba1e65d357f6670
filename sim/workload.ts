import type { StateStore } from '../src/coordinator/state-store.js';
import type { Handler, HandlerResult, TaskContext } from '../src/core/handler.js';
import type { Random } from '../src/runtime/random.js';
import type { History } from './history.js';
import type { FencedRegister } from './register.js';
import type { Scheduler } from './scheduler.js';
import type { StateMachineMix } from './stateful-workload.js';
import { StatefulWorkload } from './stateful-workload.js';
import { pickWeighted } from './weighted-choice.js';

/** How simulated tasks behave. Each task draws its behaviour once, from its id and the seed. */
export interface WorkloadMix {
  /** Weight of tasks that run until stopped. Default 1. */
  forever?: number;
  /** Weight of tasks that complete after a run time drawn from `runMs`. Default 0. */
  finite?: number;
  /** Weight of tasks that throw after a run time drawn from `runMs`. Default 0. */
  failing?: number;
  /** Weight of tasks that run until stopped, then ignore the stop for `stubbornMs`. Default 0. */
  stubborn?: number;
  /** Range of run times of finite and failing tasks, in milliseconds. Default [30,000, 600,000]. */
  runMs?: [number, number];
  /** How long stubborn tasks ignore a stop, in milliseconds. Default 5,000. */
  stubbornMs?: number;
  /** Every run writes a fenced side effect this often, in milliseconds; 0 for none. Default 5,000. */
  effectEveryMs?: number;
  /**
   * When present, every task runs under the state machine with stateful behaviours drawn from
   * this mix, and the plain weights above are unused. `effectEveryMs` still applies.
   */
  stateMachine?: StateMachineMix;
}

type Behaviour = 'forever' | 'finite' | 'failing' | 'stubborn';
const BEHAVIOURS: Behaviour[] = ['forever', 'finite', 'failing', 'stubborn'];

/** A handler run as the simulator tracks it: running until it ends or its node crashes. */
interface ActiveRun {
  node: string;
  task: string;
  token: number;
}

/**
 * The simulated handlers of a run, shared by every node, plus the bookkeeping of which runs are
 * active where. Behaviour and run times come from the seed, forked per task and per run.
 */
export class Workload {
  private readonly mix: Required<Omit<WorkloadMix, 'stateMachine'>>;
  private readonly stateful: StatefulWorkload | undefined;
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly runCounts = new Map<string, number>();
  private readonly active = new Map<string, ActiveRun>();
  private runSequence = 0;

  constructor(
    mix: WorkloadMix,
    private readonly random: Random,
    private readonly scheduler: Scheduler,
    private readonly history: History,
    private readonly register: FencedRegister,
  ) {
    this.mix = {
      forever: mix.forever ?? 1,
      finite: mix.finite ?? 0,
      failing: mix.failing ?? 0,
      stubborn: mix.stubborn ?? 0,
      runMs: mix.runMs ?? [30_000, 600_000],
      stubbornMs: mix.stubbornMs ?? 5_000,
      effectEveryMs: mix.effectEveryMs ?? 5_000,
    };
    this.stateful =
      mix.stateMachine === undefined
        ? undefined
        : new StatefulWorkload(mix.stateMachine, random.fork('statemachine'), scheduler, history, this.mix.effectEveryMs, (node, task, token) =>
            this.effect(node, task, token),
          );
  }

  /**
   * The handler that node `node` runs. Under a state machine mix it stores task states through
   * `states`, the node's view of the store.
   */
  handler(node: string, states: StateStore): Handler {
    const inner = this.stateful?.handler(node, states);
    return (context) => this.run(node, context, inner);
  }

  /** Tasks with an active run, per node, sorted. */
  runningByNode(): Record<string, string[]> {
    const byNode: Record<string, string[]> = {};
    for (const run of this.active.values()) (byNode[run.node] ??= []).push(run.task);
    for (const tasks of Object.values(byNode)) tasks.sort();
    return byNode;
  }

  /** Ends every active run of a crashed node in the history. */
  crashNode(node: string): void {
    for (const [key, run] of [...this.active]) {
      if (run.node !== node) continue;
      this.active.delete(key);
      this.history.record({ t: this.scheduler.now, type: 'handler-end', node, task: run.task, token: run.token, result: 'crash' });
    }
  }

  private async run(node: string, context: TaskContext, inner: Handler | undefined): Promise<HandlerResult> {
    const task = context.task.id;
    const token = context.fencingToken;
    const key = `${node}/${task}/${this.runSequence++}`;
    this.active.set(key, { node, task, token });
    this.history.record({ t: this.scheduler.now, type: 'handler-start', node, task, token });
    let result: 'done' | 'release' | 'error' = 'error';
    try {
      result = inner === undefined ? await this.behave(node, context) : await inner(context);
      return result;
    } finally {
      if (this.active.delete(key)) {
        this.history.record({ t: this.scheduler.now, type: 'handler-end', node, task, token, result });
      }
    }
  }

  private async behave(node: string, context: TaskContext): Promise<'done' | 'release'> {
    const task = context.task.id;
    const runNumber = (this.runCounts.get(task) ?? 0) + 1;
    this.runCounts.set(task, runNumber);
    const behaviour = this.behaviourOf(task);
    const draws = this.random.fork(`task/${task}/run/${runNumber}`);
    const [minMs, maxMs] = this.mix.runMs;
    const endsAfterMs = behaviour === 'finite' || behaviour === 'failing' ? minMs + draws.int(maxMs - minMs + 1) : Infinity;
    const startedAt = context.clock.monotonic();

    while (!context.signal.aborted) {
      const leftMs = endsAfterMs - (context.clock.monotonic() - startedAt);
      if (leftMs <= 0) {
        if (behaviour === 'failing') throw new Error(`simulated failure of ${task}`);
        return 'done';
      }
      const stepMs = this.mix.effectEveryMs > 0 ? Math.min(leftMs, this.mix.effectEveryMs) : Math.min(leftMs, 3_600_000);
      await context.clock.sleep(stepMs, context.signal);
      if (!context.signal.aborted && this.mix.effectEveryMs > 0) this.effect(node, task, context.fencingToken);
    }
    if (behaviour === 'stubborn') {
      await context.clock.sleep(this.mix.stubbornMs);
      if (this.mix.effectEveryMs > 0) this.effect(node, task, context.fencingToken);
    }
    return 'release';
  }

  private effect(node: string, task: string, token: number): void {
    const accepted = this.register.write(task, token);
    this.history.record({ t: this.scheduler.now, type: 'effect', node, task, token, accepted });
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
