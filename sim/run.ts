import { createHash } from 'node:crypto';

import { Client } from '../src/coordinator/client.js';
import { defaultSafetyMarginMs } from '../src/coordinator/store-coordinator.js';
import type { Logger } from '../src/runtime/logger.js';
import { silentLogger } from '../src/runtime/logger.js';
import { SeededRandom } from '../src/runtime/seeded-random.js';
import type { Message } from '../src/statemachine/message.js';
import { messageRecord } from '../src/statemachine/message.js';
import { MemoryStore } from '../src/store/memory-store.js';
import { scheduleFault } from './faults.js';
import { History } from './history.js';
import { checkAll } from './invariants/index.js';
import type { CheckContext, Verdict } from './invariants/verdict.js';
import { NodeClock } from './node-clock.js';
import { FencedRegister } from './register.js';
import type { Scenario } from './scenario.js';
import { Scheduler } from './scheduler.js';
import { SimCluster } from './sim-cluster.js';
import { StoreServer } from './store-server.js';
import type { RuntimeVariants } from './sim-node.js';
import { Workload } from './workload.js';

export type { RuntimeVariants } from './sim-node.js';

const NAMESPACE = '/sim';

export interface RunResult {
  scenario: string;
  seed: string;
  verdicts: Verdict[];
  /** True when no invariant is `broken`. */
  passed: boolean;
  /** The history as JSON lines. */
  trace: string;
  /** SHA-256 of the trace, in hex: equal for equal scenario and seed. */
  traceHash: string;
  simulatedMs: number;
  events: number;
}

/** The default quiet phase: TTL + two balance periods + 30 s of slack. */
export function quietPhaseMs(scenario: Scenario): number {
  return scenario.quietPhaseMs ?? scenario.leaseTtlSeconds * 1000 + 2 * scenario.balanceEveryMs + 30_000;
}

/**
 * Runs `scenario` with `seed` on virtual time: starts the nodes, submits tasks, injects the
 * faults, heals everything for the quiet phase, snapshots the store and checks every invariant.
 * `variants` swaps runtime parts for tests; the same scenario and seed without them is the real run.
 */
export async function runScenario(
  scenario: Scenario,
  seed: string,
  logger: Logger = silentLogger,
  variants?: RuntimeVariants,
): Promise<RunResult> {
  const scheduler = new Scheduler();
  const root = new SeededRandom(`${scenario.name}/${seed}`);
  const store = new MemoryStore({ clock: new NodeClock(scheduler) });
  const server = new StoreServer(store);
  const history = new History();
  const workload = new Workload(scenario.workload, root.fork('workload'), scheduler, history, new FencedRegister());
  const client = new Client({ store, namespace: NAMESPACE, clock: new NodeClock(scheduler), random: root.fork('client') });
  const cluster = new SimCluster(
    {
      scheduler,
      server,
      history,
      workload,
      logger,
      namespace: NAMESPACE,
      leaseTtlSeconds: scenario.leaseTtlSeconds,
      balancer: scenario.balancer,
      balanceEveryMs: scenario.balanceEveryMs,
      shutdownTimeoutMs: scenario.shutdownTimeoutMs ?? 10_000,
      link: scenario.link ?? {},
      ...(scenario.buggify === undefined ? {} : { buggify: scenario.buggify }),
      faultsActive: () => scheduler.now < scenario.faultPhaseMs,
      ...(variants === undefined ? {} : { variants }),
    },
    root.fork('nodes'),
  );

  const quietStartsAt = scenario.faultPhaseMs;
  const endsAt = quietStartsAt + quietPhaseMs(scenario);
  history.record({ t: 0, type: 'phase', phase: 'faults' });
  for (let i = 1; i <= scenario.nodes; i++) scheduler.at((i - 1) * 10, () => cluster.start(`n${i}`));
  scheduleSubmissions(scenario, scheduler, client, history);
  const target = {
    scheduler,
    cluster,
    server,
    history,
    sendCommand: (node: string, command: Parameters<Client['sendNodeCommand']>[1]) => {
      void client.sendNodeCommand(node, command).then(
        (id) => history.record({ t: scheduler.now, type: 'command-sent', node, id, command: command.command }),
        () => undefined,
      );
    },
    sendTaskCommand: (task: string, message: Message) => {
      // A command for a task that is gone is rejected by the client; nothing is recorded then.
      void client.sendTaskCommand(task, messageRecord(message)).then(
        () => history.record({ t: scheduler.now, type: 'task-command-sent', task, command: message.type }),
        () => undefined,
      );
    },
  };
  for (const fault of scenario.faults) if (fault.at < quietStartsAt) scheduleFault(target, fault);
  scheduler.at(quietStartsAt, () => {
    cluster.healAll();
    server.setAvailable(true);
    history.record({ t: scheduler.now, type: 'phase', phase: 'quiet' });
  });

  await scheduler.runUntil(endsAt);
  history.record({ t: endsAt, type: 'phase', phase: 'check' });
  const tasks = await client.tasks();
  history.record({
    t: endsAt,
    type: 'final-state',
    owners: Object.fromEntries(tasks.map((task) => [task.id, task.owner])),
    liveNodes: cluster.liveNodes(),
    running: workload.runningByNode(),
  });

  const context: CheckContext = {
    leaseTtlMs: scenario.leaseTtlSeconds * 1000,
    safetyMarginMs: defaultSafetyMarginMs(scenario.leaseTtlSeconds),
    balanceEveryMs: scenario.balanceEveryMs,
    balancer: scenario.balancer,
    fairThresholdPercent: 120,
    quietStartsAt,
    endsAt,
    expectedToBreak: scenario.expectedToBreak ?? [],
    injectedDelayMs: scenario.buggify?.maxDelayMs ?? 0,
  };
  const verdicts = checkAll(history.events, context);
  const trace = history.toJsonLines();
  return {
    scenario: scenario.name,
    seed,
    verdicts,
    passed: verdicts.every((verdict) => verdict.status !== 'broken'),
    trace,
    traceHash: createHash('sha256').update(trace).digest('hex'),
    simulatedMs: endsAt,
    events: scheduler.eventsRun,
  };
}

function scheduleSubmissions(scenario: Scenario, scheduler: Scheduler, client: Client, history: History): void {
  let sequence = 0;
  for (const submission of scenario.submissions) {
    scheduler.at(submission.at, () => {
      for (let i = 0; i < submission.count; i++) {
        const task = `${submission.prefix ?? 't'}${++sequence}`;
        history.record({ t: scheduler.now, type: 'submit', task });
        void client.submit(task);
      }
    });
  }
}
