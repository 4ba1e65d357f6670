import { readFileSync } from 'node:fs';
import path from 'node:path';

import { INVARIANT_NAMES } from '../../sim/invariants/index.js';
import type { Scenario } from '../../sim/scenario.js';
import { TASK_COMMAND_NAMES } from '../../sim/scenario.js';
import { MIN_LEASE_TTL_SECONDS } from '../coordinator/store-coordinator.js';
import { validateNodeName, validateTaskId } from '../core/task.js';
import { InvalidArgumentError } from '../runtime/errors.js';
import { UsageError } from './cli-errors.js';
import type { Check, Shape } from './json-fields.js';
import {
  anyString,
  arrayOf,
  asRecord,
  fail,
  FieldError,
  nonEmptyString,
  numberIn,
  oneOf,
  optional,
  readShape,
  required,
} from './json-fields.js';

/** A saved regression case: a whole scenario and the seed that makes it fail or pass. */
export interface ScenarioCase {
  scenario: Scenario;
  seed: string;
}

const ms = numberIn('a number of milliseconds, 0 or more', { min: 0 });
const positiveMs = numberIn('a number of milliseconds above 0', { min: Number.MIN_VALUE });
const anyMs = numberIn('a number of milliseconds', {});
const count = numberIn('a whole number, 1 or more', { min: 1, integer: true });
const weight = numberIn('a number, 0 or more', { min: 0 });
const rate = numberIn('a probability from 0 to 1', { min: 0, max: 1 });
const positiveRate = numberIn('a number above 0', { min: Number.MIN_VALUE });

const nodeName: Check<string> = (value, where) => rethrowAt(where, value, validateNodeName);
const taskId: Check<string> = (value, where) => rethrowAt(where, value, validateTaskId);
const taskPrefix: Check<string> = (value, where) => {
  if (typeof value !== 'string') fail(where, 'a string', value);
  rethrowAt(where, `${value}1`, validateTaskId);
  return value;
};

/** Runs a validator of the core on a string and reports its complaint at `where`. */
function rethrowAt(where: string, value: unknown, validate: (text: string) => void): string {
  if (typeof value !== 'string') fail(where, 'a string', value);
  try {
    validate(value);
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new FieldError(`${where}: ${error.message}`);
    throw error;
  }
  return value;
}

const runMs: Check<[number, number]> = (value, where) => {
  const range = Array.isArray(value) ? value : [];
  const [min, max] = range.map((bound) => (typeof bound === 'number' ? bound : Number.NaN));
  const ok = range.length === 2 && Number.isInteger(min) && Number.isInteger(max) && min! >= 0 && max! >= min!;
  if (!ok) fail(where, 'a pair [min, max] of whole milliseconds with 0 <= min <= max', value);
  return [min!, max!];
};

const STATE_MACHINE: Shape = {
  forever: optional(weight),
  complete: optional(weight),
  sleeper: optional(weight),
  failing: optional(weight),
  checkpointing: optional(weight),
  runMs: optional(runMs),
  sleepMs: optional(runMs),
  maxErrors: optional(count),
  faultSleepMs: optional(ms),
};

const WORKLOAD: Shape = {
  forever: optional(weight),
  finite: optional(weight),
  failing: optional(weight),
  stubborn: optional(weight),
  runMs: optional(runMs),
  stubbornMs: optional(ms),
  effectEveryMs: optional(ms),
  stateMachine: optional((value, where) => readShape(value, where, STATE_MACHINE)),
};

const LINK: Shape = {
  latencyMs: optional(ms),
  jitterMs: optional(ms),
  lossRate: optional(rate),
  replyLossRate: optional(rate),
  requestTimeoutMs: optional(positiveMs),
  breakDetectMs: optional(ms),
};

const BUGGIFY: Shape = {
  probability: required(rate),
  maxDelayMs: required(positiveMs),
  failureShare: required(rate),
};

const SUBMISSION: Shape = { at: required(ms), count: required(count), prefix: optional(taskPrefix) };

const nodeCommand: Check<unknown> = (value, where) => {
  const name = oneOf(['freeze', 'unfreeze', 'balance', 'stop_task'])(asRecord(value, where)['command'], `${where}.command`);
  const shape: Shape = { command: required(anyString) };
  if (name === 'stop_task') shape['parameters'] = required((inner, at) => readShape(inner, at, { task: required(taskId) }));
  return readShape(value, where, shape);
};

/**
 * The fields of each fault kind besides `at` and `kind`, as FaultCommand in sim/scenario.ts has them.
 * NOTE: node names are not checked against the cluster. A fault on a node that never starts does
 * nothing, as in a built-in scenario.
 */
const FAULT_FIELDS: Record<string, Shape> = {
  crash: { node: required(nodeName) },
  restart: { node: required(nodeName), downMs: optional(ms) },
  shutdown: { node: required(nodeName) },
  start: { node: required(nodeName) },
  partition: {
    node: required(nodeName),
    durationMs: required(ms),
    direction: optional(oneOf(['both', 'to-store', 'from-store'])),
  },
  flap: { node: required(nodeName), durationMs: required(ms), periodMs: required(positiveMs) },
  loss: { node: optional(nodeName), durationMs: required(ms), lossRate: required(rate), replyLossRate: required(rate) },
  pause: { node: required(nodeName), durationMs: required(ms) },
  'clock-jump': { node: required(nodeName), byMs: required(anyMs) },
  'clock-drift': { node: required(nodeName), rate: required(positiveRate) },
  'store-restart': {},
  'store-unavailable': { durationMs: required(ms) },
  compact: {},
  command: { node: required(nodeName), command: required(nodeCommand) },
  'task-command': { task: required(taskId), command: required(oneOf(TASK_COMMAND_NAMES)), untilMs: optional(ms) },
};

const fault: Check<unknown> = (value, where) => {
  const kind = oneOf(Object.keys(FAULT_FIELDS))(asRecord(value, where)['kind'], `${where}.kind`);
  return readShape(value, where, { at: required(ms), kind: required(anyString), ...FAULT_FIELDS[kind] });
};

const SCENARIO: Shape = {
  name: required(nonEmptyString),
  description: required(anyString),
  nodes: required(count),
  leaseTtlSeconds: required(
    numberIn(`a whole number of seconds, ${MIN_LEASE_TTL_SECONDS} or more`, { min: MIN_LEASE_TTL_SECONDS, integer: true }),
  ),
  balancer: required(oneOf(['fair', 'sleep', 'dumb'])),
  balanceEveryMs: required(positiveMs),
  shutdownTimeoutMs: optional(ms),
  link: optional((value, where) => readShape(value, where, LINK)),
  workload: required((value, where) => readShape(value, where, WORKLOAD)),
  submissions: required(arrayOf((value, where) => readShape(value, where, SUBMISSION))),
  faults: required(arrayOf(fault)),
  faultPhaseMs: required(ms),
  quietPhaseMs: optional(ms),
  expectedToBreak: optional(arrayOf(oneOf(INVARIANT_NAMES))),
  buggify: optional((value, where) => readShape(value, where, BUGGIFY)),
};

const CASE: Shape = {
  scenario: required((value, where) => readShape(value, where, SCENARIO)),
  seed: required(nonEmptyString),
};

/**
 * Checks a parsed case file: `{ "scenario": {...}, "seed": "..." }` with every field of the
 * Scenario type. Throws `UsageError` naming `source` and the first bad field.
 */
export function parseScenarioCase(value: unknown, source: string): ScenarioCase {
  try {
    const fields = readShape(value, '', CASE);
    return { scenario: fields['scenario'] as Scenario, seed: fields['seed'] as string };
  } catch (error) {
    if (error instanceof FieldError) {
      throw new UsageError(`invalid scenario file ${JSON.stringify(source)}: ${error.message}`);
    }
    throw error;
  }
}

/** Reads and checks the case file at `filePath`, relative to `cwd`. Throws `UsageError` when it cannot. */
export function loadScenarioCase(filePath: string, cwd: string): ScenarioCase {
  let text: string;
  try {
    text = readFileSync(path.resolve(cwd, filePath), 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`cannot read scenario file ${JSON.stringify(filePath)} (${reason}): give the path of a JSON file`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`invalid scenario file ${JSON.stringify(filePath)}: not valid JSON (${(error as Error).message})`);
  }
  return parseScenarioCase(value, filePath);
}
