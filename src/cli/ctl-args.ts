import type { NodeCommand } from '../core/node-command.js';
import { parseProps, validateNodeName, validateTaskId } from '../core/task.js';
import { UsageError } from './cli-errors.js';
import type { OptionsConfig, ParsedOptions } from './parse-options.js';
import { parseOptions, resolveEtcdEndpoints, stringValue, wantsHelp } from './parse-options.js';
import { parseNamespace, rethrowAsUsage } from './run-args.js';

export type CtlAction =
  | { action: 'submit'; id: string; props: unknown }
  | { action: 'delete'; id: string }
  | { action: 'tasks'; json: boolean }
  | { action: 'nodes'; json: boolean }
  | { action: 'node-command'; node: string; command: NodeCommand };

export type CtlInvocation =
  | { kind: 'help' }
  | { kind: 'ctl'; endpoints: string[]; namespace: string; action: CtlAction };

export const CTL_SUBCOMMANDS = ['submit', 'delete', 'tasks', 'nodes', 'node-command'] as const;

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
    default:
      throw new UsageError(
        `unknown subcommand ${JSON.stringify(subcommand)}: use one of ${CTL_SUBCOMMANDS.join(', ')}`,
      );
  }
}

/** `--props` belongs to `submit` and `--json` to `tasks` and `nodes`; elsewhere they are errors. */
function rejectForeignOptions(subcommand: string, values: ParsedOptions['values']): void {
  if (values['props'] !== undefined && subcommand !== 'submit') {
    throw new UsageError(`unexpected option --props for ${subcommand}: only submit takes --props`);
  }
  if (values['json'] !== undefined && subcommand !== 'tasks' && subcommand !== 'nodes') {
    throw new UsageError(
      `unexpected option --json for ${subcommand}: only tasks and nodes take --json`,
    );
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
