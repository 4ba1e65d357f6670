import type { Balancer } from '../../src/core/balancer.js';
import { Consumer } from '../../src/core/consumer.js';
import type { Handler, TaskContext } from '../../src/core/handler.js';
import { Client } from '../../src/coordinator/client.js';
import { StoreCoordinator } from '../../src/coordinator/store-coordinator.js';
import { ManualClock } from '../../src/runtime/manual-clock.js';
import { SeededRandom } from '../../src/runtime/seeded-random.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import type { Store } from '../../src/store/store.js';
import { MemoryLogger } from './memory-logger.js';

export const NAMESPACE = '/test';

/** A handler that runs until its signal aborts, then releases; it records every start. */
export function untilStopped(starts: string[] = []): Handler {
  return (context: TaskContext) => {
    starts.push(context.task.id);
    return new Promise((resolve) => {
      if (context.signal.aborted) resolve('release');
      context.signal.addEventListener('abort', () => resolve('release'), { once: true });
    });
  };
}

/** Consumers on one MemoryStore and one ManualClock, with a client and a shared memory log. */
export class MemoryCluster {
  readonly clock = new ManualClock(1_700_000_000_000);
  readonly store = new MemoryStore({ clock: this.clock });
  readonly logger = new MemoryLogger();
  readonly client = new Client({ store: this.store, namespace: NAMESPACE });
  readonly consumers: Consumer[] = [];

  consumer(
    node: string,
    handler: Handler,
    options: { balancer?: Balancer; leaseTtlSeconds?: number; balanceEveryMs?: number; store?: Store } = {},
  ): Consumer {
    const coordinator = new StoreCoordinator({
      store: options.store ?? this.store,
      node,
      namespace: NAMESPACE,
      leaseTtlSeconds: options.leaseTtlSeconds ?? 10,
      clock: this.clock,
      logger: this.logger,
      host: 'test-host',
    });
    const consumer = new Consumer({
      coordinator,
      handler,
      balancer: options.balancer,
      clock: this.clock,
      random: new SeededRandom(`test-${node}`),
      logger: this.logger,
      balanceEveryMs: options.balanceEveryMs ?? 60_000,
      balanceJitterMs: 0,
    });
    this.consumers.push(consumer);
    return consumer;
  }

  /** Starts a consumer while moving the clock, since registration may wait on it. */
  async start(consumer: Consumer): Promise<void> {
    const started = consumer.start();
    await this.clock.advance(0);
    await started;
  }

  /** Task id to owning node, from the store. */
  async owners(): Promise<Map<string, string | null>> {
    const tasks = await this.client.tasks();
    return new Map(tasks.map((task) => [task.id, task.owner]));
  }

  async keys(prefix = NAMESPACE): Promise<string[]> {
    return (await this.store.range(prefix)).kvs.map((kv) => kv.key);
  }

  /** Shuts every running consumer down and closes the store. */
  async close(): Promise<void> {
    const stopping = this.consumers.map((consumer) => consumer.shutdown({ timeoutMs: 1_000 }));
    await this.clock.advance(2_000);
    await Promise.all(stopping);
    await this.store.close();
  }
}
