import type { NodeCommand } from '../core/node-command.js';
import { parseProps, validateNodeName, validateTaskId } from '../core/task.js';
import type { Message } from '../statemachine/message.js';
import type { TaskState } from '../statemachine/task-state.js';
import { parseTimeMs } from '../statemachine/time-value.js';
import { UsageError } from './cli-errors.js';
import type { OptionsConfig, ParsedOptions } from './parse-options.js';
import { parseOptions, resolveEtcdEndpoints, stringValue, wantsHelp } from './parse-options.js';
import { parseNamespace, rethrowAsUsage } from './run-args.js';

export type CtlAction =
  | { action: 'submit'; id: string; props: unknown }
  | { action: 'delete'; id: string }
  | { action: 'tasks'; json: boolean }
  | { action: 'nodes'; json: boolean }
  | { action: 'node-command'; node: string; command: NodeCommand }
  | { action: 'task-command'; id: string; message: Message }
  | { action: 'state'; id: string; json: boolean }
  | { action: 'set-state'; id: string; state: TaskState };

export type CtlInvocation =
  | { kind: 'help' }
  | { kind: 'ctl'; endpoints: string[]; namespace: string; action: CtlAction };

export const CTL_SUBCOMMANDS = ['submit', 'delete', 'tasks', 'nodes', 'node-command', 'task-command', 'state'] as const;

/** The messages an operator can send to a task with `ctl task-command`. */
export const TASK_COMMAND_WORDS = ['run', 'pause', 'kill', 'checkpoint', 'release', 'sleep'] as const;

/** The states an operator can write with `ctl state TASK --set`. */
export const SETTABLE_STATES = ['runnable', 'paused', 'sleeping'] as const;

/** Node command names as typed on the command line, mapped to their stored names. */
const NODE_COMMAND_WORDS: Record<string, NodeCommand['command']> = {
  freeze: 'freeze',
  unfreeze: 'unfreeze',
  balance: 'balance',
  'stop-task': 'stop_task',
  stop_task: 'stop_task',
};

const CTL_OPTIONS: OptionsConfig = {
  etcd: { type: 'string' },
  namespace: { type: 'string' },
  props: { type: 'string' },
  json: { type: 'boolean' },
  until: { type: 'string' },
  set: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/**
 * Parses the arguments of `metafora ctl` (after the word `ctl`). Options may come before or after
 * the subcommand; an argument after `--` is never an option. Throws `UsageError` on bad input.
 */
export function parseCtlArgs(argv: string[], env: Record<string, string | undefined>): CtlInvocation {
  if (wantsHelp(argv)) return { kind: 'help' };
  const { values, positionals } = parseOptions(argv, CTL_OPTIONS, 'ctl', true);
  const [subcommand, ...operands] = positionals;
  const action = parseAction(subcommand, operands, values);
  const namespace = parseNamespace(stringValue(values, 'namespace'));
  const endpoints = resolveEtcdEndpoints(stringValue(values, 'etcd'), env);
  if (endpoints === undefined) {
    throw new UsageError('missing etcd endpoints: give --etcd URLS or set METAFORA_ETCD');
  }
  return { kind: 'ctl', endpoints, namespace, action };
}

function parseAction(
  subcommand: string | undefined,
  operands: string[],
  values: ParsedOptions['values'],
): CtlAction {
  if (subcommand === undefined) {
    throw new UsageError(`missing subcommand: use one of ${CTL_SUBCOMMANDS.join(', ')}`);
  }
  rejectForeignOptions(subcommand, values);
  switch (subcommand) {
    case 'submit': {
      const [id] = expectOperands(subcommand, operands, ['ID']);
      const propsText = stringValue(values, 'props');
      const props = propsText === undefined ? null : rethrowAsUsage(() => parseProps(propsText));
      return { action: 'submit', id: parseTaskId(id), props };
    }
    case 'delete': {
      const [id] = expectOperands(subcommand, operands, ['ID']);
      return { action: 'delete', id: parseTaskId(id) };
    }
    case 'tasks':
    case 'nodes':
      expectOperands(subcommand, operands, []);
      return { action: subcommand, json: values['json'] === true };
    case 'node-command':
      return parseNodeCommandAction(operands);
    case 'task-command':
      return parseTaskCommandAction(operands, stringValue(values, 'until'));
    case 'state':
      return parseStateAction(operands, values);
    default:
      throw new UsageError(
        `unknown subcommand ${JSON.stringify(subcommand)}: use one of ${CTL_SUBCOMMANDS.join(', ')}`,
      );
  }
}

/**
 * `--props` belongs to `submit`, `--json` to `tasks`, `nodes` and `state`, `--until` to
 * `task-command` and `state`, and `--set` to `state`; elsewhere they are errors.
 */
function rejectForeignOptions(subcommand: string, values: ParsedOptions['values']): void {
  if (values['props'] !== undefined && subcommand !== 'submit') {
    throw new UsageError(`unexpected option --props for ${subcommand}: only submit takes --props`);
  }
  if (values['json'] !== undefined && !['tasks', 'nodes', 'state'].includes(subcommand)) {
    throw new UsageError(
      `unexpected option --json for ${subcommand}: only tasks, nodes and state take --json`,
    );
  }
  if (values['until'] !== undefined && subcommand !== 'task-command' && subcommand !== 'state') {
    throw new UsageError(
      `unexpected option --until for ${subcommand}: only task-command and state take --until`,
    );
  }
  if (values['set'] !== undefined && subcommand !== 'state') {
    throw new UsageError(`unexpected option --set for ${subcommand}: only state takes --set`);
  }
}

function parseTaskCommandAction(operands: string[], untilText: string | undefined): CtlAction {
  const [id, word = ''] = expectOperands('task-command', operands, ['TASK', 'COMMAND']);
  const taskId = parseTaskId(id);
  if (!(TASK_COMMAND_WORDS as readonly string[]).includes(word)) {
    throw new UsageError(
      `unknown task command ${JSON.stringify(word)}: use one of ${TASK_COMMAND_WORDS.join(', ')}`,
    );
  }
  const type = word as (typeof TASK_COMMAND_WORDS)[number];
  if (type === 'sleep') {
    return { action: 'task-command', id: taskId, message: { type, untilMs: parseUntil(untilText, 'sleep') } };
  }
  rejectUntil(untilText, `task-command TASK ${type}`);
  return { action: 'task-command', id: taskId, message: { type } };
}

function parseStateAction(operands: string[], values: ParsedOptions['values']): CtlAction {
  const [id] = expectOperands('state', operands, ['TASK']);
  const taskId = parseTaskId(id);
  const setText = stringValue(values, 'set');
  const untilText = stringValue(values, 'until');
  if (setText === undefined) {
    rejectUntil(untilText, 'state TASK without --set sleeping');
    return { action: 'state', id: taskId, json: values['json'] === true };
  }
  if (values['json'] !== undefined) {
    throw new UsageError('conflicting options --set and --json: --json only applies to reading a state');
  }
  if (!(SETTABLE_STATES as readonly string[]).includes(setText)) {
    throw new UsageError(`invalid --set ${JSON.stringify(setText)}: use one of ${SETTABLE_STATES.join(', ')}`);
  }
  if (setText === 'sleeping') {
    const state: TaskState = { name: 'sleeping', untilMs: parseUntil(untilText, '--set sleeping'), errors: [] };
    return { action: 'set-state', id: taskId, state };
  }
  rejectUntil(untilText, `state TASK --set ${setText}`);
  return { action: 'set-state', id: taskId, state: { name: setText as 'runnable' | 'paused', errors: [] } };
}

function parseUntil(text: string | undefined, usage: string): number {
  if (text === undefined) {
    throw new UsageError(`missing --until for ${usage}: give --until TIME, like --until 2030-01-02T03:04:05Z`);
  }
  return rethrowAsUsage(() => parseTimeMs(text, '--until'));
}

function rejectUntil(text: string | undefined, usage: string): void {
  if (text !== undefined) {
    throw new UsageError(`unexpected option --until for ${usage}: only sleep takes a time`);
  }
}

function parseNodeCommandAction(operands: string[]): CtlAction {
  const [nodeText = '', word = ''] = expectOperands('node-command', operands.slice(0, 2), [
    'NODE',
    'COMMAND',
  ]);
  const node = rethrowAsUsage(() => {
    validateNodeName(nodeText);
    return nodeText;
  });
  const name = NODE_COMMAND_WORDS[word];
  if (name === undefined) {
    throw new UsageError(
      `unknown node command ${JSON.stringify(word)}: use one of freeze, unfreeze, balance, stop-task`,
    );
  }
  if (name === 'stop_task') {
    const [task] = expectOperands('node-command NODE stop-task', operands.slice(2), ['TASK']);
    const parameters = { task: parseTaskId(task) };
    return { action: 'node-command', node, command: { command: name, parameters } };
  }
  expectOperands(`node-command NODE ${word}`, operands.slice(2), []);
  return { action: 'node-command', node, command: { command: name } };
}

/** Checks that `operands` has exactly one value per name in `names` and returns them. */
function expectOperands(usage: string, operands: string[], names: string[]): string[] {
  if (operands.length < names.length) {
    const missing = names[operands.length] ?? '';
    throw new UsageError(
      `missing ${missing} for ${usage.split(' ')[0]}: give metafora ctl ${usage} ${names.join(' ')}`,
    );
  }
  if (operands.length > names.length) {
    const extra = operands[names.length] ?? '';
    throw new UsageError(`unexpected argument ${JSON.stringify(extra)}: see metafora ctl --help`);
  }
  return operands;
}

function parseTaskId(id: string | undefined): string {
  const text = id ?? '';
  return rethrowAsUsage(() => {
    validateTaskId(text);
    return text;
  });
}
