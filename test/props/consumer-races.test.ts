import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { Balancer } from '../../src/core/balancer.js';
import type { Consumer } from '../../src/core/consumer.js';
import { DumbBalancer } from '../../src/core/dumb-balancer.js';
import type { Handler, HandlerResult } from '../../src/core/handler.js';
import { MemoryCluster, NAMESPACE } from '../support/memory-cluster.js';
import { ScheduledStore } from '../support/scheduled-store.js';

/** fast-check's seed of every property here; FC_SEED overrides it. */
const SEED = Number(process.env['FC_SEED'] ?? 7);
const RUNS = 60;

/** Virtual time moved per step while a run settles, and the most steps before giving up. */
const STEP_MS = 500;
const MAX_STEPS = 120;

/** How a simulated handler ends when nothing stops it first. */
type Ending = 'done' | 'release' | 'never';

interface Recorder {
  /** Per task, the consumer's events in order; `released` carries the consumer state. */
  events: Map<string, string[]>;
}

/** A handler that ends with `ending` at a moment the scheduler picks, or releases when stopped. */
function scheduledHandler(scheduler: fc.Scheduler, ending: Ending): Handler {
  return (context) =>
    new Promise<HandlerResult>((resolve) => {
      context.signal.addEventListener('abort', () => resolve('release'), { once: true });
      if (ending !== 'never') void scheduler.schedule(Promise.resolve(ending), `handler ${context.task.id}`).then(resolve);
    });
}

function record(consumer: Consumer): Recorder {
  const events = new Map<string, string[]>();
  const push = (task: string, event: string): void => void events.set(task, [...(events.get(task) ?? []), event]);
  consumer.on('claimed', ({ task }) => push(task.id, 'claimed'));
  consumer.on('stopping', ({ taskId }) => push(taskId, 'stopping'));
  consumer.on('lost', ({ taskId }) => push(taskId, 'lost'));
  consumer.on('done', ({ taskId }) => push(taskId, 'done'));
  consumer.on('released', ({ taskId }) => push(taskId, consumer.state === 'running' ? 'released' : 'released-stopping'));
  return { events };
}

/**
 * Checks one task's events. Every claim ends with exactly one done or release and gets at most
 * one stop request. A release with no open claim only happens during shutdown, for a claim that
 * arrived then and is given back without running.
 */
function runProblems(task: string, events: string[]): string[] {
  const problems: string[] = [];
  let open = false;
  let stops = 0;
  for (const event of events) {
    if (event === 'claimed') {
      if (open) problems.push(`${task} claimed while its run was open`);
      open = true;
      stops = 0;
    } else if (event === 'lost') {
      if (!open) problems.push(`${task} reported lost with no open run`);
    } else if (event === 'stopping') {
      if (!open || ++stops > 1) problems.push(`${task} got a stop request with no open run or twice`);
    } else if (open) {
      open = false;
    } else if (event !== 'released-stopping') {
      problems.push(`${task} ended (${event}) with no open run`);
    }
  }
  if (open) problems.push(`${task} still has an open run after shutdown`);
  return problems;
}

/** Lets the scheduler release everything it holds, then moves time, until `done()` or the step limit. */
async function settle(scheduler: fc.Scheduler, cluster: MemoryCluster, done: () => boolean): Promise<void> {
  for (let step = 0; step < MAX_STEPS && !done(); step++) {
    await scheduler.waitIdle();
    if (done()) return;
    await cluster.clock.advance(STEP_MS);
  }
  await scheduler.waitIdle();
}

/** Resolves to a flag that turns true when `promise` settles. */
function tracked(promise: Promise<unknown>): { settled: boolean } {
  const state = { settled: false };
  void promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

interface Race {
  tasks: number;
  ending: Ending;
  balancer?: Balancer;
  /** Starts the racing actions once the node runs; each should go through the scheduler. */
  race(context: { scheduler: fc.Scheduler; cluster: MemoryCluster; consumer: Consumer }): void;
}

/**
 * Runs one consumer on a scheduled store: submits tasks, starts it, lets `race` interleave its
 * actions with the claims, then shuts the node down at a moment the scheduler picks. Returns the
 * problems found, or an empty list.
 */
async function runRace(scheduler: fc.Scheduler, spec: Race, seen: Set<string>): Promise<string[]> {
  const cluster = new MemoryCluster();
  const store = new ScheduledStore(cluster.store, scheduler);
  const consumer = cluster.consumer('n1', scheduledHandler(scheduler, spec.ending), {
    balancer: spec.balancer ?? new DumbBalancer(),
    store,
  });
  const recorder = record(consumer);
  for (let i = 1; i <= spec.tasks; i++) await cluster.client.submit(`t${i}`);

  const started = tracked(consumer.start());
  await settle(scheduler, cluster, () => started.settled);
  if (consumer.state !== 'running') return [`consumer did not start: ${consumer.state}`];

  spec.race({ scheduler, cluster, consumer });
  let stopped = { settled: false };
  void scheduler.schedule(Promise.resolve(), 'shutdown').then(() => {
    stopped = tracked(consumer.shutdown({ timeoutMs: 5_000 }));
  });
  await settle(scheduler, cluster, () => stopped.settled);

  const problems: string[] = [];
  // Read the state afresh: the check after start narrowed its type, but the shutdown changed it.
  const state: string = consumer.state;
  if (!stopped.settled || state !== 'stopped') problems.push(`shutdown did not resolve: ${state}`);
  for (const [task, events] of recorder.events) {
    problems.push(...runProblems(task, events));
    for (const event of events) seen.add(event);
  }
  const owners = (await cluster.keys(`${NAMESPACE}/tasks/`)).filter((key) => key.endsWith('/owner'));
  if (owners.length > 0) problems.push(`owner keys left behind: ${owners.join(', ')}`);
  await cluster.store.close();
  return problems;
}

const endings = fc.constantFrom<Ending>('never', 'done', 'release');

/** Returns a balancer that claims everything and, at a balance, names every running task. */
function releaseAllBalancer(): Balancer {
  let running: () => string[] = () => [];
  return {
    init: (context) => {
      running = () => context.runningTasks().map((entry) => entry.task.id);
    },
    canClaim: () => ({ claim: true }),
    balance: () => Promise.resolve(running()),
  };
}

describe('consumer races under a scheduler', () => {
  it('claims racing a shutdown', { timeout: 120_000 }, async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 1, max: 3 }), endings, async (scheduler, tasks, ending) => {
        const problems = await runRace(scheduler, { tasks, ending, race: () => undefined }, seen);
        expect(problems, scheduler.report().map((item) => item.label).join(' > ')).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // The interleavings reached both orders: runs stopped by the shutdown, and claims given back during it.
    expect([...seen].sort()).toEqual(expect.arrayContaining(['claimed', 'released-stopping', 'stopping']));
  });

  it('a lost claim racing its release', { timeout: 120_000 }, async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 1, max: 2 }), endings, async (scheduler, tasks, ending) => {
        const problems = await runRace(scheduler, {
          tasks,
          ending,
          race: ({ cluster }) => {
            // Another party deletes the owner key, as a lease expiry would, at a moment the scheduler picks.
            void scheduler
              .schedule(Promise.resolve(), 'steal t1')
              .then(() => cluster.store.delete(`${NAMESPACE}/tasks/t1/owner`));
          },
        }, seen);
        expect(problems, scheduler.report().map((item) => item.label).join(' > ')).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect([...seen]).toContain('lost');
  });

  it('a stop_task command racing a balance', { timeout: 120_000 }, async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 1, max: 3 }), endings, async (scheduler, tasks, ending) => {
        const problems = await runRace(scheduler, {
          tasks,
          ending,
          balancer: releaseAllBalancer(),
          race: ({ cluster, consumer }) => {
            void scheduler.schedule(Promise.resolve(), 'balance').then(() => consumer.balance());
            void scheduler
              .schedule(Promise.resolve(), 'stop_task t1')
              .then(() => cluster.client.sendNodeCommand('n1', { command: 'stop_task', parameters: { task: 't1' } }))
              // After the shutdown the node is deregistered, so the command is rejected with NodeNotFoundError.
              .catch(() => undefined);
          },
        }, seen);
        expect(problems, scheduler.report().map((item) => item.label).join(' > ')).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect([...seen]).toEqual(expect.arrayContaining(['released', 'stopping']));
  });
});
