import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, expect, it } from 'vitest';

import { EtcdStore } from '../../src/store/etcd-store.js';
import { builtFile, cliEnvironment, REPO_ROOT, runBuiltCli } from '../support/built-cli.js';
import type { CliResult } from '../support/built-cli.js';
import { describeWithEtcd, uniquePrefix } from '../support/etcd.js';
import { isProcessAlive, killQuietly, waitUntil } from '../support/processes.js';

/**
 * A task command for `node -e SCRIPT DIR`: it appends its pid to DIR/<task>.runs, then runs
 * until SIGTERM, which it records by appending to DIR/<task>.terms before exiting with code 0.
 */
const TASK_SCRIPT = `
  const fs = require('fs');
  const path = require('path');
  const dir = process.argv[1];
  const id = process.env.METAFORA_TASK_ID;
  process.on('SIGTERM', () => {
    fs.appendFileSync(path.join(dir, id + '.terms'), process.pid + '\\n');
    process.exit(0);
  });
  fs.appendFileSync(path.join(dir, id + '.runs'), process.pid + '\\n');
  setInterval(() => {}, 1000);`;

describeWithEtcd('metafora run --state-machine on etcd', (endpoints) => {
  let namespace: string;
  let dir: string;
  let node: ChildProcess | undefined;
  let nodeStderr = '';
  const pids: number[] = [];

  beforeEach(() => {
    namespace = uniquePrefix('statemachine');
    dir = mkdtempSync(path.join(tmpdir(), 'metafora-statemachine-'));
  });

  afterEach(() => {
    if (node?.pid !== undefined) killQuietly(node.pid);
    node = undefined;
    for (const pid of pids.splice(0)) killQuietly(pid);
    rmSync(dir, { recursive: true, force: true });
  });

  function ctl(...args: string[]): Promise<CliResult> {
    return runBuiltCli(['ctl', '--etcd', endpoints.join(','), '--namespace', namespace, ...args]);
  }

  async function startNode(): Promise<void> {
    const args = [
      builtFile('src/cli/main.ts'),
      'run',
      '--etcd',
      endpoints.join(','),
      '--namespace',
      namespace,
      '--node',
      'n1',
      '--stop-grace',
      '5',
      '--state-machine',
      '--exec',
      process.execPath,
      '-e',
      TASK_SCRIPT,
      dir,
    ];
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: cliEnvironment(), stdio: ['ignore', 'ignore', 'pipe'] });
    node = child;
    nodeStderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (nodeStderr += chunk));
    await waitUntil('the node to run', () => nodeStderr.includes('"msg":"node running"'));
  }

  /** Pids of the task command runs so far, in start order. */
  function runs(task: string): number[] {
    const file = path.join(dir, `${task}.runs`);
    if (!existsSync(file)) return [];
    const found = readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
    for (const pid of found) if (!pids.includes(pid)) pids.push(pid);
    return found;
  }

  /** Reads `ctl state TASK --json` every 200 ms until its state is `name`, for at most 15 s. */
  async function waitForState(task: string, name: string): Promise<Record<string, unknown>> {
    let last = '';
    for (let waitedMs = 0; waitedMs < 15_000; waitedMs += 200) {
      const result = await ctl('state', task, '--json');
      expect(result.code).toBe(0);
      const state = JSON.parse(result.stdout) as Record<string, unknown> | null;
      if (state?.['state'] === name) return state;
      last = result.stdout;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`timed out waiting for state ${name} of ${task}; last: ${last}; node log:\n${nodeStderr}`);
  }

  async function send(task: string, ...command: string[]): Promise<void> {
    const result = await ctl('task-command', task, ...command);
    expect(result).toMatchObject({ code: 0, stdout: `sent ${command[0]} to task ${task}\n`, stderr: '' });
  }

  it('drives a task through run, pause, run, sleep and kill', async () => {
    await startNode();
    await ctl('submit', 't1');

    await waitForState('t1', 'runnable');
    await waitUntil('the first run to start', () => runs('t1').length === 1);
    expect((await ctl('state', 't1')).stdout).toBe('t1: runnable\n');

    await send('t1', 'pause');
    await waitForState('t1', 'paused');
    const [first] = runs('t1');
    await waitUntil('the paused command to exit', () => !isProcessAlive(first!));
    expect(readFileSync(path.join(dir, 't1.terms'), 'utf8')).toBe(`${first}\n`);
    expect((await ctl('state', 't1')).stdout).toBe('t1: paused\n');
    expect(JSON.parse((await ctl('tasks', '--json')).stdout)).toEqual([
      { id: 't1', owner: 'n1', props: null, state: 'paused' },
    ]);

    await send('t1', 'run');
    await waitForState('t1', 'runnable');
    await waitUntil('the second run to start', () => runs('t1').length === 2);

    const until = new Date(Date.now() + 60 * 60 * 1000).toISOString();
    await send('t1', 'sleep', '--until', until);
    expect(await waitForState('t1', 'sleeping')).toEqual({ state: 'sleeping', until });
    expect((await ctl('state', 't1')).stdout).toBe(`t1: sleeping until ${until}\n`);
    await waitUntil('the sleeping command to exit', () => !isProcessAlive(runs('t1')[1]!));

    await send('t1', 'kill');
    await waitForState('t1', 'killed');
    expect((await ctl('state', 't1')).stdout).toBe('t1: killed\n');
    await waitUntil('the killed task to be done', () => nodeStderr.includes('"msg":"task done"'));
    expect(JSON.parse((await ctl('tasks', '--json')).stdout)).toEqual([]);
    expect(runs('t1')).toHaveLength(2);
  });

  it('rejects bad task commands with exit 2 and a missing task with exit 1', async () => {
    const bad = await ctl('task-command', 't1', 'sleep');
    const missing = await ctl('task-command', 't1', 'pause');

    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'metafora: missing --until for sleep: give --until TIME, like --until 2030-01-02T03:04:05Z\n',
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('metafora: task "t1" not found: list the tasks with metafora ctl tasks\n');
  });

  it('shows an invalid state as an error until it is overwritten', async () => {
    await ctl('submit', 't1');
    const set = await ctl('state', 't1', '--set', 'sleeping', '--until', '2030-01-02T03:04:05Z');
    expect(set).toMatchObject({ code: 0, stdout: 'set the state of t1 to sleeping\n' });
    expect((await ctl('state', 't1')).stdout).toBe('t1: sleeping until 2030-01-02T03:04:05.000Z\n');

    const store = new EtcdStore({ endpoints });
    try {
      await store.put(`${namespace}/state/t1`, '{"state":');
    } finally {
      await store.close();
    }
    const shown = await ctl('state', 't1');
    expect(shown.code).toBe(1);
    expect(shown.stderr).toBe(
      'metafora: invalid stored state of task "t1": not valid JSON; stored value "{\\"state\\":"; ' +
        'overwrite it with metafora ctl state t1 --set runnable\n',
    );
    expect(JSON.parse((await ctl('tasks', '--json')).stdout)).toEqual([
      { id: 't1', owner: null, props: null, state: 'invalid' },
    ]);

    expect((await ctl('state', 't1', '--set', 'runnable')).code).toBe(0);
    expect((await ctl('state', 't1')).stdout).toBe('t1: runnable\n');
  });
});
