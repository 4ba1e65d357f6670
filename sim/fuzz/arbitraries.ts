import fc from 'fast-check';

import type { BuggifyConfig } from '../sim-buggify.js';
import type { FaultCommand, Scenario, Submission } from '../scenario.js';
import type { StateMachineMix } from '../stateful-workload.js';
import type { WorkloadMix } from '../workload.js';
import type { FaultBlueprint, FaultKind, Frame } from './fault-blueprint.js';
import { FAULT_KINDS, faultBlueprintArbitrary, SAFE_SHARE } from './fault-blueprint.js';
import { closingFaults, faultSchedule } from './fault-schedule.js';

/** The name of every generated scenario; it is part of the run's random root, so it never changes. */
export const FUZZ_SCENARIO_NAME = 'fuzz';

/** The graceful shutdown timeout of generated runs, in milliseconds: the simulator's default. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * The swarm settings of one run. Each run first draws which fault kinds it may use and how many
 * faults at most, so some runs are quiet and others are storms of a few kinds. That finds more
 * bugs than runs that all mix every kind thinly.
 */
export interface Swarm {
  kinds: FaultKind[];
  /** Maximum number of faults the run keeps, 0 to 40. */
  density: number;
  /** Allows pauses and stubborn stops longer than the safety margin, which may break single-runner. */
  physics: boolean;
  buggify: BuggifyConfig | undefined;
}

/** The drawn numbers a scenario is made from; each one shrinks toward a smaller, quieter run. */
export interface ScenarioBlueprint {
  swarm: Swarm;
  nodes: number;
  leaseTtlSeconds: number;
  balancer: Scenario['balancer'];
  balanceEverySeconds: number;
  /** Length of the window in which faults happen, in seconds. */
  activeSeconds: number;
  link: { latencyMs: number; jitterMs: number } | undefined;
  workload: WorkloadBlueprint;
  submissions: { atPermille: number; count: number }[];
  faults: FaultBlueprint[];
}

interface WorkloadBlueprint {
  forever: number;
  finite: number;
  failing: number;
  stubborn: number;
  runSeconds: [number, number];
  /** Stubborn stop time, in thousandths of the usable margin (or beyond it, under physics). */
  stubbornPermille: number;
  effectEveryMs: number;
  /** When present, the run's tasks run under the state machine; the plain weights are unused. */
  stateMachine: StateMachineBlueprint | undefined;
}

interface StateMachineBlueprint {
  forever: number;
  complete: number;
  sleeper: number;
  failing: number;
  checkpointing: number;
  /** Range of sleeper sleeps, in seconds. */
  sleepSeconds: [number, number];
  maxErrors: number;
  faultSleepSeconds: number;
}

const swarmArbitrary: fc.Arbitrary<Swarm> = fc.record({
  kinds: fc.subarray([...FAULT_KINDS]),
  density: fc.integer({ min: 0, max: 40 }),
  // One run in eight, and it shrinks to false.
  physics: fc.integer({ min: 0, max: 7 }).map((draw) => draw === 7),
  buggify: fc.option(
    fc.record({
      probability: fc.integer({ min: 1, max: 30 }).map((percent) => percent / 100),
      maxDelayMs: fc.integer({ min: 1, max: 2_000 }),
      failureShare: fc.constant(0),
    }),
    { nil: undefined, freq: 2 },
  ),
});

const workloadArbitrary: fc.Arbitrary<WorkloadBlueprint> = fc.record({
  forever: fc.integer({ min: 0, max: 3 }),
  finite: fc.integer({ min: 0, max: 3 }),
  failing: fc.integer({ min: 0, max: 2 }),
  stubborn: fc.integer({ min: 0, max: 2 }),
  runSeconds: fc
    .tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 10 }))
    .map(([min, extra]): [number, number] => [min, min + extra]),
  stubbornPermille: fc.integer({ min: 0, max: 1_999 }),
  effectEveryMs: fc.constantFrom(1_000, 500, 2_000, 5_000, 0),
  // One run in three; shrinks to the plain workload.
  stateMachine: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 2 },
    {
      arbitrary: fc.record({
        forever: fc.integer({ min: 0, max: 3 }),
        complete: fc.integer({ min: 0, max: 2 }),
        sleeper: fc.integer({ min: 0, max: 2 }),
        failing: fc.integer({ min: 0, max: 2 }),
        checkpointing: fc.integer({ min: 0, max: 2 }),
        sleepSeconds: fc
          .tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 20 }))
          .map(([min, extra]): [number, number] => [min, min + extra]),
        maxErrors: fc.integer({ min: 1, max: 4 }),
        faultSleepSeconds: fc.integer({ min: 1, max: 20 }),
      }),
      weight: 1,
    },
  ),
});

/** Every drawn part of a generated run, before it becomes a `Scenario`. */
export const scenarioBlueprintArbitrary: fc.Arbitrary<ScenarioBlueprint> = fc.record({
  swarm: swarmArbitrary,
  nodes: fc.integer({ min: 1, max: 9 }),
  leaseTtlSeconds: fc.integer({ min: 2, max: 30 }),
  balancer: fc.constantFrom('fair', 'sleep', 'dumb'),
  balanceEverySeconds: fc.integer({ min: 5, max: 30 }),
  activeSeconds: fc.integer({ min: 20, max: 150 }),
  link: fc.option(fc.record({ latencyMs: fc.integer({ min: 0, max: 50 }), jitterMs: fc.integer({ min: 0, max: 50 }) }), {
    nil: undefined,
    freq: 3,
  }),
  workload: workloadArbitrary,
  submissions: fc.array(fc.record({ atPermille: fc.integer({ min: 0, max: 999 }), count: fc.integer({ min: 1, max: 15 }) }), {
    minLength: 1,
    maxLength: 4,
  }),
  faults: fc.array(faultBlueprintArbitrary, { maxLength: 60, size: 'max' }),
});

/** A whole simulated run: quiet or stormy, small enough to simulate well under a second. */
export const scenarioArbitrary: fc.Arbitrary<Scenario> = scenarioBlueprintArbitrary.map(scenarioOf);

/** A run's seed: a small whole number as a string, shrinking toward "0". */
export const simSeedArbitrary: fc.Arbitrary<string> = fc.nat({ max: 1_000_000 }).map(String);

/**
 * Builds the scenario. Faults happen in the active window. Then every node is started again and
 * every node that got a freeze is unfrozen, and the cluster settles before the quiet phase. So the
 * quiet phase has live, unfrozen nodes to hand tasks to.
 */
export function scenarioOf(blueprint: ScenarioBlueprint): Scenario {
  const leaseTtlMs = blueprint.leaseTtlSeconds * 1000;
  const marginMs = leaseTtlMs / 4;
  const activeMs = blueprint.activeSeconds * 1000;
  // Shutdowns end within their timeout; a restarted node waits up to TTL + 2 s for its old lease.
  const restartAt = activeMs + SHUTDOWN_TIMEOUT_MS + 1_000;
  // A restarted node waits up to TTL + 2 s for its old lease before it can take the unfreeze.
  const unfreezeAt = restartAt + leaseTtlMs + 4_000;
  const faultPhaseMs = unfreezeAt + settleMs(blueprint);
  const submissions = submissionsOf(blueprint, restartAt);
  const tasks = submissions.reduce((sum, submission) => sum + submission.count, 0);
  const frame: Frame = { nodes: blueprint.nodes, leaseTtlMs, marginMs, activeMs, tasks, physics: blueprint.swarm.physics };
  const workload = workloadOf(blueprint.workload, marginMs, blueprint.swarm.physics);
  const limits = { kinds: blueprint.swarm.kinds, density: blueprint.swarm.density, shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS, leaseTtlMs };
  const faults = faultSchedule(blueprint.faults, frame, limits);
  const closing = closingFaults(faults, blueprint.nodes, restartAt, unfreezeAt);
  const breaksPhysics = exceedsMargin(faults, workload, marginMs);
  return {
    name: FUZZ_SCENARIO_NAME,
    description: describe(blueprint, faults, tasks),
    nodes: blueprint.nodes,
    leaseTtlSeconds: blueprint.leaseTtlSeconds,
    balancer: blueprint.balancer,
    balanceEveryMs: blueprint.balanceEverySeconds * 1000,
    ...(blueprint.link === undefined ? {} : { link: blueprint.link }),
    workload,
    submissions,
    faults: [...faults, ...closing],
    faultPhaseMs,
    ...(breaksPhysics ? { expectedToBreak: ['single-runner'] } : {}),
    ...(blueprint.swarm.buggify === undefined ? {} : { buggify: boundedBuggify(blueprint.swarm.buggify, leaseTtlMs) }),
  };
}

/**
 * Time for the cluster to settle after the last unfreeze, before the quiet phase: every finite or
 * failing task claimed then has ended, and two balances followed. The checkers of the quiet phase
 * take the tasks that exist at its end as the tasks of the whole phase, so tasks that end during
 * it, and the rebalancing they cause, would read as churn or imbalance.
 */
function settleMs(blueprint: ScenarioBlueprint): number {
  const stateMachine = blueprint.workload.stateMachine;
  const runMs = stateMachine === undefined ? plainEndMs(blueprint.workload) : stateMachineEndMs(blueprint.workload, stateMachine);
  return runMs + 2 * blueprint.balanceEverySeconds * 1000 + 5_000;
}

function plainEndMs(workload: WorkloadBlueprint): number {
  return workload.finite + workload.failing > 0 ? workload.runSeconds[1] * 1000 : 0;
}

/**
 * A completing task ends within one run. A failing one ends within `maxErrors` runs, each followed
 * by the error handler's sleep, because its stored errors count toward the limit across claims.
 */
function stateMachineEndMs(workload: WorkloadBlueprint, stateMachine: StateMachineBlueprint): number {
  const runMs = workload.runSeconds[1] * 1000;
  const failingMs = stateMachine.failing > 0 ? stateMachine.maxErrors * (runMs + stateMachine.faultSleepSeconds * 1000) : 0;
  return Math.max(stateMachine.complete > 0 ? runMs : 0, failingMs);
}

/** Submissions happen before the closing restarts, so every task exists when the cluster settles. */
function submissionsOf(blueprint: ScenarioBlueprint, endMs: number): Submission[] {
  return blueprint.submissions
    .map(({ atPermille, count }) => ({ at: Math.round((endMs * atPermille) / 1000 / 100) * 100, count }))
    .sort((x, y) => x.at - y.at);
}

function workloadOf(workload: WorkloadBlueprint, marginMs: number, physics: boolean): WorkloadMix {
  const usableMs = Math.floor(marginMs * SAFE_SHARE);
  // Below 1000 the stop time is a share of the usable margin; above, only physics runs go past it.
  const permille = physics ? workload.stubbornPermille : workload.stubbornPermille % 1_000;
  // A long stop still ends well within the shutdown timeout, or shutdowns could not be clean.
  const stubbornMs =
    permille < 1_000
      ? Math.max(1, Math.floor((usableMs * permille) / 1000))
      : Math.min(marginMs + 1 + (permille - 1_000) * 5, SHUTDOWN_TIMEOUT_MS - 2_000);
  return {
    forever: workload.forever,
    finite: workload.finite,
    failing: workload.failing,
    stubborn: workload.stubborn,
    runMs: [workload.runSeconds[0] * 1000, workload.runSeconds[1] * 1000],
    stubbornMs,
    effectEveryMs: workload.effectEveryMs,
    ...(workload.stateMachine === undefined ? {} : { stateMachine: stateMachineOf(workload) }),
  };
}

/** Builds the state machine mix, which shares the plain workload's run times. */
function stateMachineOf(workload: WorkloadBlueprint): StateMachineMix | undefined {
  const blueprint = workload.stateMachine;
  if (blueprint === undefined) return undefined;
  return {
    forever: blueprint.forever,
    complete: blueprint.complete,
    sleeper: blueprint.sleeper,
    failing: blueprint.failing,
    checkpointing: blueprint.checkpointing,
    runMs: [workload.runSeconds[0] * 1000, workload.runSeconds[1] * 1000],
    sleepMs: [blueprint.sleepSeconds[0] * 1000, blueprint.sleepSeconds[1] * 1000],
    maxErrors: blueprint.maxErrors,
    faultSleepMs: blueprint.faultSleepSeconds * 1000,
  };
}

/**
 * True when a pause, a stubborn stop, or the two together last longer than the usable margin. A
 * pause that covers a node's lease deadline delays the watchdog by its length, and the stubborn
 * handler then adds its own delay, so their sum is what the margin must cover.
 */
function exceedsMargin(faults: FaultCommand[], workload: WorkloadMix, marginMs: number): boolean {
  const usableMs = Math.floor(marginMs * SAFE_SHARE);
  const longestPauseMs = Math.max(0, ...faults.map((fault) => (fault.kind === 'pause' ? fault.durationMs : 0)));
  // Stateful tasks are never stubborn: the plain weights are unused under the state machine.
  const stubborn = workload.stateMachine === undefined && (workload.stubborn ?? 0) > 0;
  const stopMs = stubborn ? (workload.stubbornMs ?? 0) : 0;
  return longestPauseMs + stopMs > usableMs;
}

/**
 * Buggify stays on in the quiet phase, so it must stay mild enough for the cluster to settle. Two
 * failed renewals in a row expire a session, so a quiet cluster with injected failures would
 * still lose claims now and then, and the quiet-phase checks would fail: generated runs inject
 * delays only. A renewal is sent every third of the TTL and the watchdog fires at three quarters
 * of it, so delays stay below a twelfth of the TTL, which a renewal can always absorb.
 */
function boundedBuggify(config: BuggifyConfig, leaseTtlMs: number): BuggifyConfig {
  return { ...config, maxDelayMs: Math.max(1, Math.min(config.maxDelayMs, Math.floor(leaseTtlMs / 12))) };
}

function describe(blueprint: ScenarioBlueprint, faults: FaultCommand[], tasks: number): string {
  const kinds = [...new Set(faults.map((fault) => fault.kind))].sort();
  const buggify = blueprint.swarm.buggify === undefined ? '' : ', buggify on';
  const stateful = blueprint.workload.stateMachine === undefined ? '' : ', state machine';
  return (
    `Generated: ${blueprint.nodes} nodes, ${tasks} tasks, ${blueprint.balancer} balancer, ` +
    `${faults.length} faults${kinds.length === 0 ? '' : ` (${kinds.join(', ')})`}${buggify}${stateful}.`
  );
}
