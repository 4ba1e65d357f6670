import { DEFAULT_NAMESPACE, validateNamespace } from '../coordinator/keys.js';
import { MIN_LEASE_TTL_SECONDS } from '../coordinator/store-coordinator.js';
import { validateNodeName } from '../core/task.js';
import { InvalidArgumentError } from '../runtime/errors.js';
import { UsageError } from './cli-errors.js';
import type { OptionsConfig } from './parse-options.js';
import {
  parseOptions,
  parseSeconds,
  resolveEtcdEndpoints,
  stringValue,
  wantsHelp,
} from './parse-options.js';

export type StoreSpec = { kind: 'etcd'; endpoints: string[] } | { kind: 'memory' };

export type HandlerSpec =
  | { kind: 'exec'; command: string; args: string[] }
  | { kind: 'module'; path: string };

export const BALANCER_NAMES = ['fair', 'sleep', 'dumb'] as const;
export type BalancerName = (typeof BALANCER_NAMES)[number];

/** pino's level names. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export interface RunOptions {
  store: StoreSpec;
  namespace: string;
  node: string;
  handler: HandlerSpec;
  /** Runs the handler under the task state machine (`--state-machine`). */
  stateMachine: boolean;
  leaseTtlSeconds: number;
  balancer: BalancerName;
  balanceEveryMs: number;
  /** Time a stopped `--exec` command gets between SIGTERM and SIGKILL. */
  stopGraceMs: number;
  shutdownTimeoutMs: number;
  logLevel: string;
}

export type RunInvocation = { kind: 'help' } | { kind: 'run'; options: RunOptions };

/** The process facts behind the default `--node` name, `<hostname>-<pid>`. */
export interface ProcessIdentity {
  hostname: string;
  pid: number;
}

/**
 * The upper bound of every duration option, in seconds: a Node.js timer waits at most 2^31 - 1 ms
 * and fires at once for longer waits.
 */
export const MAX_TIMER_SECONDS = 2_147_483;

export const RUN_DEFAULTS = {
  namespace: DEFAULT_NAMESPACE,
  leaseTtlSeconds: 10,
  balancer: 'fair' as BalancerName,
  balanceEverySeconds: 60,
  stopGraceSeconds: 10,
  shutdownTimeoutSeconds: 30,
  logLevel: 'info',
};

const RUN_OPTIONS: OptionsConfig = {
  etcd: { type: 'string' },
  store: { type: 'string' },
  namespace: { type: 'string' },
  node: { type: 'string' },
  handler: { type: 'string' },
  'state-machine': { type: 'boolean' },
  'lease-ttl': { type: 'string' },
  balancer: { type: 'string' },
  'balance-every': { type: 'string' },
  'stop-grace': { type: 'string' },
  'shutdown-timeout': { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/**
 * Parses the arguments of `metafora run` (after the word `run`). Every argument after the first
 * `--exec` is the command and its arguments, taken verbatim. Throws `UsageError` on bad input.
 */
export function parseRunArgs(
  argv: string[],
  env: Record<string, string | undefined>,
  identity: ProcessIdentity,
): RunInvocation {
  if (wantsHelp(argv)) return { kind: 'help' };
  const execIndex = argv.indexOf('--exec');
  const flags = execIndex === -1 ? argv : argv.slice(0, execIndex);
  const exec = execIndex === -1 ? undefined : argv.slice(execIndex + 1);
  const { values } = parseOptions(flags, RUN_OPTIONS, 'run');
  const text = (name: string): string | undefined => stringValue(values, name);
  const options: RunOptions = {
    store: parseStore(text('store'), text('etcd'), env),
    namespace: parseNamespace(text('namespace')),
    node: parseNode(text('node'), identity),
    handler: parseHandler(text('handler'), exec),
    stateMachine: values['state-machine'] === true,
    leaseTtlSeconds: parseLeaseTtl(text('lease-ttl')),
    balancer: parseChoice('--balancer', text('balancer'), BALANCER_NAMES, RUN_DEFAULTS.balancer),
    balanceEveryMs: parseDurationMs('--balance-every', text('balance-every'), {
      defaultSeconds: RUN_DEFAULTS.balanceEverySeconds,
      minSeconds: 0.001,
    }),
    stopGraceMs: parseDurationMs('--stop-grace', text('stop-grace'), {
      defaultSeconds: RUN_DEFAULTS.stopGraceSeconds,
      minSeconds: 0,
    }),
    shutdownTimeoutMs: parseDurationMs('--shutdown-timeout', text('shutdown-timeout'), {
      defaultSeconds: RUN_DEFAULTS.shutdownTimeoutSeconds,
      minSeconds: 0,
    }),
    logLevel: parseChoice('--log-level', text('log-level'), LOG_LEVELS, RUN_DEFAULTS.logLevel),
  };
  return { kind: 'run', options };
}

function parseStore(
  store: string | undefined,
  etcdFlag: string | undefined,
  env: Record<string, string | undefined>,
): StoreSpec {
  if (store === 'memory') {
    if (etcdFlag !== undefined) {
      throw new UsageError('conflicting options --store memory and --etcd: give only one of them');
    }
    return { kind: 'memory' };
  }
  if (store !== undefined && store !== 'etcd') {
    throw new UsageError(`invalid --store ${JSON.stringify(store)}: use memory or etcd`);
  }
  const endpoints = resolveEtcdEndpoints(etcdFlag, env);
  if (endpoints === undefined) {
    throw new UsageError(
      'missing store: give --etcd URLS (or set METAFORA_ETCD), or --store memory',
    );
  }
  return { kind: 'etcd', endpoints };
}

/** Parses `--namespace` (default `/metafora`); shared with `metafora ctl`. */
export function parseNamespace(text: string | undefined): string {
  if (text === undefined) return RUN_DEFAULTS.namespace;
  return rethrowAsUsage(() => {
    validateNamespace(text);
    return text;
  });
}

function parseNode(text: string | undefined, identity: ProcessIdentity): string {
  const node = text ?? `${identity.hostname}-${identity.pid}`;
  return rethrowAsUsage(() => {
    validateNodeName(node);
    return node;
  });
}

function parseHandler(modulePath: string | undefined, exec: string[] | undefined): HandlerSpec {
  if (modulePath !== undefined && exec !== undefined) {
    throw new UsageError('conflicting options --exec and --handler: give only one of them');
  }
  if (modulePath !== undefined) {
    if (modulePath === '') throw new UsageError('invalid --handler "": give the path of a module');
    return { kind: 'module', path: modulePath };
  }
  if (exec === undefined) {
    throw new UsageError('missing handler: give --exec CMD [ARGS...] (last) or --handler MODULE');
  }
  const [command, ...args] = exec;
  if (command === undefined || command === '') {
    throw new UsageError('missing command after --exec: give --exec CMD [ARGS...] as the last option');
  }
  return { kind: 'exec', command, args };
}

/** Parses a duration option given in seconds into whole milliseconds. */
function parseDurationMs(
  flag: string,
  text: string | undefined,
  limits: { defaultSeconds: number; minSeconds: number },
): number {
  const seconds =
    text === undefined
      ? limits.defaultSeconds
      : parseSeconds(flag, text, { minSeconds: limits.minSeconds, maxSeconds: MAX_TIMER_SECONDS });
  return Math.round(seconds * 1000);
}

function parseLeaseTtl(text: string | undefined): number {
  if (text === undefined) return RUN_DEFAULTS.leaseTtlSeconds;
  return parseSeconds('--lease-ttl', text, {
    minSeconds: MIN_LEASE_TTL_SECONDS,
    maxSeconds: MAX_TIMER_SECONDS,
    integer: true,
  });
}

function parseChoice<T extends string>(
  flag: string,
  text: string | undefined,
  choices: readonly T[],
  fallback: T,
): T {
  if (text === undefined) return fallback;
  if ((choices as readonly string[]).includes(text)) return text as T;
  throw new UsageError(`invalid ${flag} ${JSON.stringify(text)}: use one of ${choices.join(', ')}`);
}

/** Runs `parse` and turns an `InvalidArgumentError` from a shared validator into a `UsageError`. */
export function rethrowAsUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof InvalidArgumentError && !(error instanceof UsageError)) {
      throw new UsageError(error.message, { cause: error });
    }
    throw error;
  }
}
