import { constants as osConstants } from 'node:os';

import { StateStore } from '../coordinator/state-store.js';
import { StoreCoordinator } from '../coordinator/store-coordinator.js';
import type { Balancer } from '../core/balancer.js';
import { Consumer } from '../core/consumer.js';
import { DumbBalancer } from '../core/dumb-balancer.js';
import { FairBalancer } from '../core/fair-balancer.js';
import { SleepBalancer } from '../core/sleep-balancer.js';
import type { Logger } from '../runtime/logger.js';
import { createLogger } from '../runtime/logger.js';
import { systemClock } from '../runtime/system-clock.js';
import { stateMachineHandler } from '../statemachine/state-machine-handler.js';
import type { Store } from '../store/store.js';
import { UsageError } from './cli-errors.js';
import { createExecHandler } from './exec-handler.js';
import { createExecStatefulHandler } from './exec-stateful-handler.js';
import { findExecutable, isPlainFile } from './find-executable.js';
import type { LoadedHandler } from './load-handler.js';
import { loadHandler } from './load-handler.js';
import { openStore } from './open-store.js';
import { packageVersion } from './package-version.js';
import type { BalancerName, RunOptions } from './run-args.js';

/** The process facts `metafora run` reads. */
export interface RunEnvironment {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Default: a pino logger on stderr at `options.logLevel`. */
  logger?: Logger;
}

const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Runs a node until SIGTERM or SIGINT, then shuts it down gracefully and returns exit code 0.
 * A second signal exits the process at once with 128 + the signal number. Returns 1 when the node
 * stops for any other reason. Invalid input and an unreachable etcd throw before the node
 * registers, so they write nothing to the store.
 */
export async function runNode(options: RunOptions, environment: RunEnvironment): Promise<number> {
  const logger = environment.logger ?? createLogger(options.logLevel);
  const loaded = await createHandler(options, environment, logger);
  const store = await openStore(options.store, {
    probeKey: options.namespace,
    logger,
  });
  try {
    const handler =
      loaded.kind === 'plain'
        ? loaded.handler
        : stateMachineHandler(loaded.handler, {
            states: new StateStore({ store, namespace: options.namespace }),
          });
    const consumer = new Consumer({
      coordinator: new StoreCoordinator({
        store,
        node: options.node,
        namespace: options.namespace,
        leaseTtlSeconds: options.leaseTtlSeconds,
        clock: systemClock,
        logger,
        version: packageVersion(),
      }),
      handler,
      balancer: createBalancer(options.balancer),
      clock: systemClock,
      logger,
      balanceEveryMs: options.balanceEveryMs,
    });
    return await runUntilSignal(consumer, options, logger);
  } finally {
    await closeQuietly(store, logger);
  }
}

/** Starts `consumer`, waits for a shutdown signal or an unexpected stop, and returns the exit code. */
async function runUntilSignal(
  consumer: Consumer,
  options: RunOptions,
  logger: Logger,
): Promise<number> {
  let signalled: NodeJS.Signals | undefined;
  let wake: () => void = () => {};
  const woken = new Promise<void>((resolve) => (wake = resolve));
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled !== undefined) {
      logger.warn({ signal }, 'second signal; exiting at once');
      process.exit(128 + osConstants.signals[signal]);
    }
    signalled = signal;
    logger.info({ signal, timeoutMs: options.shutdownTimeoutMs }, 'shutdown signal received');
    wake();
  };
  const onState = (state: string): void => {
    if (state === 'stopped') wake();
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal);
  consumer.on('state', onState);
  try {
    await consumer.start();
    logger.info({ node: options.node, namespace: options.namespace }, 'node running');
    await woken;
    if (signalled === undefined) {
      logger.error({ node: options.node }, 'consumer stopped without a shutdown signal');
      return 1;
    }
    await consumer.shutdown({ timeoutMs: options.shutdownTimeoutMs });
    logger.info({ node: options.node }, 'node stopped');
    return 0;
  } finally {
    consumer.off('state', onState);
    for (const signal of SHUTDOWN_SIGNALS) process.off(signal, onSignal);
  }
}

/** Loads or builds the handler; a stateful one is wrapped once the store is open. */
async function createHandler(
  options: RunOptions,
  environment: RunEnvironment,
  logger: Logger,
): Promise<LoadedHandler> {
  const spec = options.handler;
  if (spec.kind === 'module') {
    return loadHandler(spec.path, environment.cwd, { stateMachine: options.stateMachine, allowStateful: true });
  }
  if (findExecutable(spec.command, environment.env['PATH'], environment.cwd) === undefined) {
    if (isPlainFile(spec.command, environment.cwd)) {
      throw new UsageError(
        `command not executable ${JSON.stringify(spec.command)}: make it executable with chmod +x`,
      );
    }
    throw new UsageError(
      `command not found ${JSON.stringify(spec.command)}: give --exec an executable on PATH or a path to one`,
    );
  }
  const execOptions = {
    command: spec.command,
    args: spec.args,
    stopGraceMs: options.stopGraceMs,
    env: environment.env,
    logger,
  };
  if (options.stateMachine) return { kind: 'stateful', handler: createExecStatefulHandler(execOptions) };
  return { kind: 'plain', handler: createExecHandler(execOptions) };
}

function createBalancer(name: BalancerName): Balancer {
  switch (name) {
    case 'fair':
      return new FairBalancer();
    case 'sleep':
      return new SleepBalancer();
    case 'dumb':
      return new DumbBalancer();
  }
}

async function closeQuietly(store: Store, logger: Logger): Promise<void> {
  try {
    await store.close();
  } catch (error) {
    logger.warn({ err: error }, 'closing the store failed');
  }
}
