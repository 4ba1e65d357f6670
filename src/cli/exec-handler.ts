import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

import type { Handler, TaskContext } from '../core/handler.js';
import type { Task } from '../core/task.js';
import type { Clock } from '../runtime/clock.js';
import { MetaforaError } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import { findExecutable } from './find-executable.js';

export interface ExecHandlerOptions {
  /** The program to run for each task, found on `PATH` unless it contains a `/`. */
  command: string;
  /** Arguments passed to the program verbatim, with no shell. Default none. */
  args?: string[];
  /** Time a stopped child gets between SIGTERM and SIGKILL, in milliseconds. Default 10,000. */
  stopGraceMs?: number;
  /** Environment of the children, before the task variables are added. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /**
   * Path of a `setpriv` that supports `--pdeathsig`, to wrap each child in; null runs children
   * unwrapped. Default: looked up on `PATH` on Linux, with a warning on `logger` when absent.
   */
  setprivPath?: string | null;
  /** Receives the warning about a missing `setpriv`. Default: no warning is logged. */
  logger?: Logger;
}

/** Exit status of a child: a code when it exited, a signal name when a signal ended it. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The outcome of one run of a task command: it exited by itself, or it was stopped. */
export type TaskProcessOutcome = { kind: 'exited'; exit: ChildExit } | { kind: 'stopped' };

/** The context of one run of a task command: a `TaskContext` or a stateful handler's context. */
export interface TaskProcessContext {
  readonly task: Task;
  readonly fencingToken: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Stops the command when it aborts. */
  readonly signal: AbortSignal;
  /** The node's stop signal: the reason `'lost'` cuts the grace period to `LOST_CLAIM_GRACE_MS`. */
  readonly stopSignal: AbortSignal;
}

type ChildOutcome = { kind: 'exit'; exit: ChildExit } | { kind: 'error'; error: Error };

/** The longest time a command gets between SIGTERM and SIGKILL when its claim was lost. */
export const LOST_CLAIM_GRACE_MS = 1_000;

export const DEFAULT_STOP_GRACE_MS = 10_000;

/**
 * Creates a handler that runs `command` as a child process for each claimed task.
 *
 * The child gets the parent's environment plus `METAFORA_TASK_ID`, `METAFORA_TASK_PROPS` (JSON, or
 * empty when the task has no props) and `METAFORA_FENCING_TOKEN`, and shares the consumer's
 * stdout and stderr. Any exit ends the task as `done`. A non-zero code or a signal is logged as an
 * error first, and the task still ends, so a crashing command is not retried forever. When the
 * task is stopped, the child's process group gets SIGTERM, then SIGKILL after `stopGraceMs`, and
 * the task is released.
 *
 * Each child leads its own process group, so a stop reaches the processes it started too. On
 * Linux it runs under `setpriv --pdeathsig KILL`, so the kernel kills it when the consumer dies,
 * even by SIGKILL.
 * NOTE: the parent-death signal covers the child only, not processes it started, and a consumer
 * killed in the instant between fork and setpriv's prctl call leaves the child running.
 */
export function createExecHandler(options: ExecHandlerOptions): Handler {
  const runProcess = createTaskProcessRunner(options);
  return async (context: TaskContext) => {
    const outcome = await runProcess({ ...context, stopSignal: context.signal });
    return outcome.kind === 'stopped' ? 'release' : 'done';
  };
}

/**
 * Returns a function that runs `options.command` once for one task, as `createExecHandler`
 * describes, and resolves how the run ended. A failure to start the command rejects.
 */
export function createTaskProcessRunner(
  options: ExecHandlerOptions,
): (context: TaskProcessContext) => Promise<TaskProcessOutcome> {
  const args = options.args ?? [];
  const stopGraceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  const env = options.env ?? process.env;
  const setprivPath =
    options.setprivPath === undefined ? detectSetpriv(env, options.logger) : options.setprivPath;
  const [file, argv] =
    setprivPath === null
      ? [options.command, args]
      : [setprivPath, ['--pdeathsig', 'KILL', '--', options.command, ...args]];

  const spawnSpec = { file, argv, env, command: options.command, stopGraceMs };
  return (context) => runChild(context, spawnSpec);
}

interface SpawnSpec {
  file: string;
  argv: string[];
  env: NodeJS.ProcessEnv;
  /** The command as given, for messages and logs. */
  command: string;
  stopGraceMs: number;
}

/** Runs one task's child process until it exits or the task is stopped. */
async function runChild(context: TaskProcessContext, spec: SpawnSpec): Promise<TaskProcessOutcome> {
  if (context.signal.aborted) return { kind: 'stopped' };
  const child = spawn(spec.file, spec.argv, {
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...spec.env, ...taskEnvironment(context) },
  });
  const outcome = waitForOutcome(child);
  let onAbort = (): void => {};
  const stopped = new Promise<'stop'>((resolve) => {
    onAbort = () => resolve('stop');
    context.signal.addEventListener('abort', onAbort, { once: true });
  });
  const first = await Promise.race([outcome, stopped]);
  context.signal.removeEventListener('abort', onAbort);
  const log = context.logger.child({ command: spec.command, pid: child.pid });

  if (first === 'stop') {
    await stopChild(child, outcome, { context, stopGraceMs: spec.stopGraceMs, log });
    return { kind: 'stopped' };
  }
  if (first.kind === 'error') {
    throw new MetaforaError(
      `failed to start task command ${JSON.stringify(spec.command)}: ${first.error.message}; ` +
        'check the --exec command and its permissions',
      { cause: first.error },
    );
  }
  logExit(log, first.exit);
  return { kind: 'exited', exit: first.exit };
}

/** Returns the variables a task's child gets on top of the inherited environment. */
export function taskEnvironment(context: Pick<TaskContext, 'task' | 'fencingToken'>): Record<string, string> {
  const props = context.task.props;
  return {
    METAFORA_TASK_ID: context.task.id,
    METAFORA_TASK_PROPS: props === null || props === undefined ? '' : JSON.stringify(props),
    METAFORA_FENCING_TOKEN: String(context.fencingToken),
  };
}

function waitForOutcome(child: ChildProcess): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ kind: 'exit', exit: { code, signal } }));
    child.once('error', (error) => resolve({ kind: 'error', error }));
  });
}

/**
 * Sends SIGTERM to the child's process group and waits for the child to exit. If the child still
 * runs after `stopGraceMs` on the task's clock, sends SIGKILL to the group and waits again.
 */
async function stopChild(
  child: ChildProcess,
  outcome: Promise<ChildOutcome>,
  stop: { context: TaskProcessContext; stopGraceMs: number; log: Logger },
): Promise<void> {
  const { context, log } = stop;
  // A lost claim may be taken by another node once the lease safety margin runs out, so the
  // command gets at most one second to exit before SIGKILL.
  const lost = context.stopSignal.reason === 'lost';
  const stopGraceMs = lost ? Math.min(stop.stopGraceMs, LOST_CLAIM_GRACE_MS) : stop.stopGraceMs;
  if (child.pid === undefined) {
    await outcome;
    return;
  }
  log.info({ stopGraceMs }, 'stopping task command');
  signalGroup(child.pid, 'SIGTERM', log);
  const graceEnd = new AbortController();
  const graceOver = context.clock
    .sleep(stopGraceMs, graceEnd.signal)
    .then(() => 'grace over' as const);
  const first = await Promise.race([outcome, graceOver]);
  graceEnd.abort();
  if (first === 'grace over') {
    log.warn({ stopGraceMs }, 'task command still running after SIGTERM; sending SIGKILL');
    signalGroup(child.pid, 'SIGKILL', log);
    await outcome;
  }
  log.info({}, 'task command stopped');
}

/** Signals every process in the group led by `pid`; a group that is already gone is no error. */
function signalGroup(pid: number, signal: NodeJS.Signals, log: Logger): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') {
      log.error({ err: error, signal }, 'failed to signal task command');
    }
  }
}

function logExit(log: Logger, exit: ChildExit): void {
  if (exit.code === 0) {
    log.info({ exitCode: 0 }, 'task command exited');
  } else {
    log.error({ exitCode: exit.code, signal: exit.signal }, 'task command failed');
  }
}

/**
 * Returns the path of a `setpriv` that supports `--pdeathsig` (util-linux 2.33 and later), or
 * null, with one warning on `logger`, when there is none or the platform is not Linux.
 */
export function detectSetpriv(env: NodeJS.ProcessEnv, logger?: Logger): string | null {
  if (process.platform !== 'linux') return null;
  const found = findExecutable('setpriv', env['PATH'], process.cwd());
  if (found !== undefined) {
    const help = spawnSync(found, ['--help'], { encoding: 'utf8', stdio: 'pipe' });
    if (help.status === 0 && help.stdout.includes('--pdeathsig')) return found;
  }
  logger?.warn(
    { setpriv: found ?? null },
    'setpriv with --pdeathsig not found; task commands may outlive a consumer killed by SIGKILL',
  );
  return null;
}
