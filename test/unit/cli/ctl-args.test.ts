import { describe, expect, it } from 'vitest';

import { UsageError } from '../../../src/cli/cli-errors.js';
import { parseCtlArgs } from '../../../src/cli/ctl-args.js';
import type { CtlAction } from '../../../src/cli/ctl-args.js';

const ETCD = ['--etcd', 'http://127.0.0.1:2379'];

function action(argv: string[]): CtlAction {
  const invocation = parseCtlArgs([...ETCD, ...argv], {});
  if (invocation.kind !== 'ctl') throw new Error('expected a ctl invocation');
  return invocation.action;
}

function parseError(argv: string[], env: Record<string, string> = {}): string {
  try {
    parseCtlArgs(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(argv)} to be rejected`);
}

describe('parseCtlArgs', () => {
  it('reads the store and namespace', () => {
    expect(parseCtlArgs(['tasks', ...ETCD, '--namespace', '/jobs'], {})).toEqual({
      kind: 'ctl',
      endpoints: ['http://127.0.0.1:2379'],
      namespace: '/jobs',
      action: { action: 'tasks', json: false },
    });
  });

  it('defaults the namespace and reads etcd from the environment', () => {
    const invocation = parseCtlArgs(['nodes'], { METAFORA_ETCD: 'http://127.0.0.2:2379' });

    expect(invocation).toMatchObject({ endpoints: ['http://127.0.0.2:2379'], namespace: '/metafora' });
  });

  it('parses submit with and without props', () => {
    expect(action(['submit', 'a', '--props', '{"n":1}'])).toEqual({
      action: 'submit',
      id: 'a',
      props: { n: 1 },
    });
    expect(action(['submit', 'b'])).toEqual({ action: 'submit', id: 'b', props: null });
  });

  it('takes an id after -- even when it starts with a dash', () => {
    expect(action(['delete', '--', '-x'])).toEqual({ action: 'delete', id: '-x' });
  });

  it('parses the listings with --json', () => {
    expect(action(['tasks', '--json'])).toEqual({ action: 'tasks', json: true });
    expect(action(['nodes', '--json'])).toEqual({ action: 'nodes', json: true });
  });

  it.each([
    ['freeze', { command: 'freeze' }],
    ['unfreeze', { command: 'unfreeze' }],
    ['balance', { command: 'balance' }],
  ])('parses node-command %s', (word, command) => {
    expect(action(['node-command', 'n1', word])).toEqual({ action: 'node-command', node: 'n1', command });
  });

  it('parses node-command stop-task', () => {
    const expected = { action: 'node-command', node: 'n1', command: { command: 'stop_task', parameters: { task: 'a' } } };

    expect(action(['node-command', 'n1', 'stop-task', 'a'])).toEqual(expected);
    expect(action(['node-command', 'n1', 'stop_task', 'a'])).toEqual(expected);
  });

  it.each(['run', 'pause', 'kill', 'checkpoint', 'release'] as const)('parses task-command %s', (type) => {
    expect(action(['task-command', 'a', type])).toEqual({ action: 'task-command', id: 'a', message: { type } });
  });

  it('parses task-command sleep with --until', () => {
    const untilMs = Date.UTC(2030, 0, 2, 3, 4, 5);

    expect(action(['task-command', 'a', 'sleep', '--until', '2030-01-02T03:04:05Z'])).toEqual({
      action: 'task-command',
      id: 'a',
      message: { type: 'sleep', untilMs },
    });
    expect(action(['task-command', 'a', 'sleep', '--until', String(untilMs)])).toMatchObject({
      message: { untilMs },
    });
  });

  it('parses state with and without --json', () => {
    expect(action(['state', 'a'])).toEqual({ action: 'state', id: 'a', json: false });
    expect(action(['state', 'a', '--json'])).toEqual({ action: 'state', id: 'a', json: true });
  });

  it('parses state --set', () => {
    expect(action(['state', 'a', '--set', 'runnable'])).toEqual({
      action: 'set-state',
      id: 'a',
      state: { name: 'runnable', errors: [] },
    });
    expect(action(['state', 'a', '--set', 'sleeping', '--until', '2030-01-02T03:04:05Z'])).toEqual({
      action: 'set-state',
      id: 'a',
      state: { name: 'sleeping', untilMs: Date.UTC(2030, 0, 2, 3, 4, 5), errors: [] },
    });
  });

  it('returns help before any other check', () => {
    expect(parseCtlArgs(['frob', '--help'], {})).toEqual({ kind: 'help' });
  });

  it.each([
    [['tasks'], 'missing etcd endpoints: give --etcd URLS or set METAFORA_ETCD'],
    [[...ETCD], 'missing subcommand: use one of submit, delete, tasks, nodes, node-command, task-command, state'],
    [[...ETCD, 'frob'], 'unknown subcommand "frob"'],
    [[...ETCD, 'tasks', '--store', 'memory'], 'unknown option --store'],
    [[...ETCD, 'tasks', '--bogus'], 'unknown option --bogus: see metafora ctl --help'],
    [[...ETCD, 'tasks', 'extra'], 'unexpected argument "extra"'],
    [[...ETCD, 'tasks', '--json=yes'], 'unexpected value for option --json'],
    [[...ETCD, 'submit'], 'missing ID for submit: give metafora ctl submit ID'],
    [[...ETCD, 'submit', ''], 'invalid task id ""'],
    [[...ETCD, 'submit', 'a/b'], 'invalid task id "a/b": remove the "/"'],
    [[...ETCD, 'submit', 'a\tb'], 'invalid task id "a\\tb"'],
    [[...ETCD, 'submit', 'é'.repeat(129)], 'invalid task id'],
    [[...ETCD, 'submit', 'a', '--props', '{x'], 'invalid task props "{x": not valid JSON'],
    [[...ETCD, 'submit', 'a', '--props'], 'missing value for option --props'],
    [[...ETCD, 'delete', 'a', 'b'], 'unexpected argument "b"'],
    [[...ETCD, 'delete', 'a', '--props', '1'], 'unexpected option --props for delete'],
    [[...ETCD, 'submit', 'a', '--json'], 'unexpected option --json for submit'],
    [[...ETCD, 'node-command'], 'missing NODE for node-command'],
    [[...ETCD, 'node-command', 'n1'], 'missing COMMAND for node-command'],
    [[...ETCD, 'node-command', 'n/1', 'freeze'], 'invalid node name "n/1"'],
    [[...ETCD, 'node-command', 'n1', 'explode'], 'unknown node command "explode"'],
    [[...ETCD, 'node-command', 'n1', 'stop-task'], 'missing TASK for node-command'],
    [[...ETCD, 'node-command', 'n1', 'stop-task', 'a/b'], 'invalid task id "a/b"'],
    [[...ETCD, 'node-command', 'n1', 'freeze', 'now'], 'unexpected argument "now"'],
    [[...ETCD, 'task-command', 'a'], 'missing COMMAND for task-command: give metafora ctl task-command TASK COMMAND'],
    [[...ETCD, 'task-command', 'a', 'explode'], 'unknown task command "explode": use one of run, pause, kill, checkpoint, release, sleep'],
    [[...ETCD, 'task-command', 'a', 'complete'], 'unknown task command "complete"'],
    [[...ETCD, 'task-command', 'a/b', 'run'], 'invalid task id "a/b"'],
    [[...ETCD, 'task-command', 'a', 'sleep'], 'missing --until for sleep: give --until TIME'],
    [[...ETCD, 'task-command', 'a', 'sleep', '--until', 'soon'], 'invalid --until "soon": give an ISO 8601 time'],
    [[...ETCD, 'task-command', 'a', 'pause', '--until', '2030-01-02T03:04:05Z'], 'unexpected option --until for task-command TASK pause'],
    [[...ETCD, 'task-command', 'a', 'run', 'now'], 'unexpected argument "now"'],
    [[...ETCD, 'state'], 'missing TASK for state: give metafora ctl state TASK'],
    [[...ETCD, 'state', 'a', '--set', 'completed'], 'invalid --set "completed": use one of runnable, paused, sleeping'],
    [[...ETCD, 'state', 'a', '--set', 'sleeping'], 'missing --until for --set sleeping'],
    [[...ETCD, 'state', 'a', '--set', 'paused', '--until', '0'], 'unexpected option --until for state TASK --set paused'],
    [[...ETCD, 'state', 'a', '--until', '0'], 'unexpected option --until for state TASK without --set sleeping'],
    [[...ETCD, 'state', 'a', '--set', 'runnable', '--json'], 'conflicting options --set and --json'],
    [[...ETCD, 'tasks', '--until', '0'], 'unexpected option --until for tasks'],
    [[...ETCD, 'tasks', '--set', 'runnable'], 'unexpected option --set for tasks'],
    [['--etcd', 'ftp://h:1', 'tasks'], 'invalid etcd endpoint "ftp://h:1"'],
    [['--namespace', 'x/', ...ETCD, 'tasks'], 'invalid namespace "x/"'],
  ])('rejects %j', (argv, message) => {
    expect(parseError(argv)).toContain(message);
  });

  it('rejects a bad endpoint from the environment, naming the variable', () => {
    expect(parseError(['tasks'], { ETCD_ENDPOINTS: 'h:1' })).toContain('in ETCD_ENDPOINTS');
  });
});
