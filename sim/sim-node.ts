import type { Balancer } from '../src/core/balancer.js';
import { Consumer } from '../src/core/consumer.js';
import { DumbBalancer } from '../src/core/dumb-balancer.js';
import { FairBalancer } from '../src/core/fair-balancer.js';
import { SleepBalancer } from '../src/core/sleep-balancer.js';
import type { Coordinator } from '../src/core/coordinator.js';
import type { StoreCoordinatorOptions } from '../src/coordinator/store-coordinator.js';
import { StoreCoordinator } from '../src/coordinator/store-coordinator.js';
import { StateStore } from '../src/coordinator/state-store.js';
import type { Logger } from '../src/runtime/logger.js';
import type { Random } from '../src/runtime/random.js';
import type { History } from './history.js';
import type { BuggifyConfig } from './sim-buggify.js';
import { SimBuggify } from './sim-buggify.js';
import { NodeClock } from './node-clock.js';
import { NodeGate } from './node-gate.js';
import type { Scheduler } from './scheduler.js';
import type { LinkConfig } from './sim-link.js';
import { SimLink } from './sim-link.js';
import type { StoreServer } from './store-server.js';
import type { Workload } from './workload.js';

export type BalancerName = 'fair' | 'sleep' | 'dumb';

/**
 * Test-only replacements for runtime parts, so tests can show that the checkers catch a known
 * bug. Never part of a scenario's JSON: a run with variants is not the runtime under test.
 */
export interface RuntimeVariants {
  /** Builds each node's coordinator instead of `new StoreCoordinator(options)`. */
  coordinator?: (options: StoreCoordinatorOptions) => Coordinator;
  /** Builds each node's balancer instead of the built-in one named `name`. */
  balancer?: (name: BalancerName) => Balancer;
}

/** What every node of a run shares. */
export interface NodeEnvironment {
  scheduler: Scheduler;
  server: StoreServer;
  history: History;
  workload: Workload;
  logger: Logger;
  namespace: string;
  leaseTtlSeconds: number;
  balancer: BalancerName;
  balanceEveryMs: number;
  shutdownTimeoutMs: number;
  link: Partial<LinkConfig>;
  buggify?: BuggifyConfig;
  /** True during the fault phase; buggify points act only then. */
  faultsActive: () => boolean;
  variants?: RuntimeVariants;
}

export type NodeStatus = 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed';

/**
 * One incarnation of a node process: its gate, link and consumer. The machine's clock outlives
 * the incarnation, so a restarted node keeps its clock offset and drift.
 */
export class SimNode {
  readonly gate: NodeGate;
  readonly link: SimLink;
  readonly consumer: Consumer;
  status: NodeStatus = 'starting';

  constructor(
    readonly name: string,
    readonly clock: NodeClock,
    random: Random,
    private readonly env: NodeEnvironment,
  ) {
    this.gate = new NodeGate(env.scheduler);
    clock.attach(this.gate);
    this.link = new SimLink(env.scheduler, env.server, this.gate, random.fork('link'), env.link);
    const coordinatorOptions: StoreCoordinatorOptions = {
      store: this.link,
      node: name,
      namespace: env.namespace,
      leaseTtlSeconds: env.leaseTtlSeconds,
      clock,
      logger: env.logger,
      host: `host-${name}`,
      version: 'sim',
      ...(env.buggify === undefined ? {} : { buggify: new SimBuggify(random.fork('buggify'), clock, env.buggify, env.faultsActive) }),
    };
    const coordinator = env.variants?.coordinator?.(coordinatorOptions) ?? new StoreCoordinator(coordinatorOptions);
    if (coordinator instanceof StoreCoordinator) this.recordSessionEvents(coordinator);
    this.consumer = new Consumer({
      coordinator,
      handler: env.workload.handler(name, new StateStore({ store: this.link, namespace: env.namespace })),
      balancer: env.variants?.balancer?.(env.balancer) ?? createBalancer(env.balancer),
      clock,
      random: random.fork('consumer'),
      logger: env.logger,
      balanceEveryMs: env.balanceEveryMs,
    });
    this.recordEvents();
  }

  /**
   * Starts the consumer; a start that fails leaves the node stopped. Resolves whether the node
   * is running.
   */
  start(): Promise<boolean> {
    return this.consumer.start().then(
      () => {
        if (this.status !== 'starting') return false;
        this.status = 'running';
        this.env.history.record({ t: this.env.scheduler.now, type: 'node-start', node: this.name });
        return true;
      },
      () => {
        if (this.status === 'starting') this.status = 'stopped';
        return false;
      },
    );
  }

  /** Graceful shutdown with the run's timeout. */
  shutdown(): void {
    if (this.status !== 'running' && this.status !== 'starting') return;
    this.status = 'stopping';
    this.env.history.record({ t: this.env.scheduler.now, type: 'node-stopping', node: this.name });
    void this.consumer.shutdown({ timeoutMs: this.env.shutdownTimeoutMs }).then(() => {
      this.status = 'stopped';
      this.env.history.record({ t: this.env.scheduler.now, type: 'node-stop', node: this.name });
    });
  }

  /** Drops the process: nothing of it runs again and its connections close. */
  crash(): void {
    if (this.status === 'crashed' || this.status === 'stopped') return;
    this.status = 'crashed';
    this.gate.crash();
    this.link.closeAll();
    this.env.workload.crashNode(this.name);
    this.env.history.record({ t: this.env.scheduler.now, type: 'node-crash', node: this.name });
  }

  private recordSessionEvents(coordinator: StoreCoordinator): void {
    const { history, scheduler } = this.env;
    const node = this.name;
    coordinator.on('session-started', ({ lease }) => history.record({ t: scheduler.now, type: 'session-started', node, lease }));
    coordinator.on('lease-confirmed', ({ lease }) => history.record({ t: scheduler.now, type: 'lease-confirmed', node, lease }));
    coordinator.on('session-expired', ({ lease, reason }) =>
      history.record({ t: scheduler.now, type: 'session-expired', node, lease, reason }),
    );
  }

  private recordEvents(): void {
    const { history, scheduler } = this.env;
    const node = this.name;
    this.consumer.on('claimed', ({ task, fencingToken }) =>
      history.record({ t: scheduler.now, type: 'claim', node, task: task.id, token: fencingToken }),
    );
    this.consumer.on('stopping', ({ taskId, reason }) =>
      history.record({ t: scheduler.now, type: 'handler-stop-requested', node, task: taskId, reason }),
    );
    this.consumer.on('released', ({ taskId, lost }) =>
      history.record({ t: scheduler.now, type: 'release', node, task: taskId, lost }),
    );
    this.consumer.on('done', ({ taskId }) => history.record({ t: scheduler.now, type: 'done', node, task: taskId }));
    this.consumer.on('lost', ({ taskId }) => history.record({ t: scheduler.now, type: 'lost', node, task: taskId }));
    this.consumer.on('command', ({ command, id }) =>
      history.record({ t: scheduler.now, type: 'command-applied', node, id, command }),
    );
  }
}

export function createBalancer(name: BalancerName): Balancer {
  if (name === 'sleep') return new SleepBalancer();
  if (name === 'dumb') return new DumbBalancer();
  return new FairBalancer();
}

export { NodeClock };
