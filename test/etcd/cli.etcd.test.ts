import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, expect, it } from 'vitest';

import { EtcdStore } from '../../src/store/etcd-store.js';
import { builtFile, cliEnvironment, REPO_ROOT, runBuiltCli } from '../support/built-cli.js';
import type { CliResult } from '../support/built-cli.js';
import { describeWithEtcd, uniquePrefix } from '../support/etcd.js';
import { isProcessAlive, killQuietly, waitUntil } from '../support/processes.js';

/**
 * A task command for `node -e SCRIPT DIR MODE`. It writes its environment to DIR/<task>.env.json.
 * In mode `exit` it then exits 0. Otherwise it writes its pid to DIR/<task>.pid and runs until
 * SIGTERM, which it records in DIR/<task>.term; mode `run` exits then, mode `ignore-term` keeps
 * running.
 */
const TASK_SCRIPT = `
  const fs = require('fs');
  const path = require('path');
  const [dir, mode] = process.argv.slice(1);
  const id = process.env.METAFORA_TASK_ID;
  const file = (suffix) => path.join(dir, id + suffix);
  fs.writeFileSync(file('.env.json'), JSON.stringify({
    props: process.env.METAFORA_TASK_PROPS,
    token: process.env.METAFORA_FENCING_TOKEN,
  }));
  process.on('SIGTERM', () => {
    fs.writeFileSync(file('.term'), 'SIGTERM');
    if (mode !== 'ignore-term') process.exit(0);
  });
  if (mode === 'exit') process.exit(0);
  fs.writeFileSync(file('.pid'), String(process.pid));
  setInterval(() => {}, 1000);`;

interface RunningNode {
  child: ChildProcess;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describeWithEtcd('metafora CLI on etcd', (endpoints) => {
  let namespace: string;
  let dir: string;
  const nodes: RunningNode[] = [];
  const pids: number[] = [];

  beforeEach(() => {
    namespace = uniquePrefix('cli');
    dir = mkdtempSync(path.join(tmpdir(), 'metafora-cli-'));
  });

  afterEach(() => {
    for (const node of nodes.splice(0)) {
      if (node.child.pid !== undefined) killQuietly(node.child.pid);
    }
    for (const pid of pids.splice(0)) killQuietly(pid);
    rmSync(dir, { recursive: true, force: true });
  });

  function ctl(...args: string[]): Promise<CliResult> {
    return runBuiltCli(['ctl', '--etcd', endpoints.join(','), '--namespace', namespace, ...args]);
  }

  async function tasksJson(): Promise<unknown> {
    const result = await ctl('tasks', '--json');
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout);
  }

  async function nodesJson(): Promise<{ node: string; tasks: number }[]> {
    const result = await ctl('nodes', '--json');
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as { node: string; tasks: number }[];
  }

  /** Starts `metafora run` as node `name` with the task script in `mode`. */
  async function startNode(name: string, mode: string, flags: string[] = []): Promise<RunningNode> {
    const args = [
      builtFile('src/cli/main.ts'),
      'run',
      '--etcd',
      endpoints.join(','),
      '--namespace',
      namespace,
      '--node',
      name,
      ...flags,
      '--exec',
      process.execPath,
      '-e',
      TASK_SCRIPT,
      dir,
      mode,
    ];
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: cliEnvironment(),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const node = { child, stderr: () => stderr, exited };
    nodes.push(node);
    await waitUntil(`node ${name} to run`, () => stderr.includes('"msg":"node running"'));
    return node;
  }

  async function taskPid(task: string): Promise<number> {
    const file = path.join(dir, `${task}.pid`);
    await waitUntil(`task ${task} to start`, () => existsSync(file) && readFileSync(file, 'utf8') !== '');
    const pid = Number(readFileSync(file, 'utf8'));
    pids.push(pid);
    return pid;
  }

  /** Reads `ctl tasks --json` every 200 ms until `done` returns true, for at most 15 s. */
  async function waitForTasks(what: string, done: (tasks: unknown) => boolean): Promise<unknown> {
    for (let waitedMs = 0; waitedMs < 15_000; waitedMs += 200) {
      const tasks = await tasksJson();
      if (done(tasks)) return tasks;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  it('submits, lists and deletes tasks', async () => {
    const submitted = await ctl('submit', 'a', '--props', '{"n":1}');
    expect(submitted).toMatchObject({ code: 0, stdout: 'submitted a\n', stderr: '' });

    expect(await tasksJson()).toEqual([{ id: 'a', owner: null, props: { n: 1 }, state: null }]);
    expect((await ctl('tasks')).stdout).toBe('ID  OWNER  STATE  PROPS\na   -      -      {"n":1}\n');

    const deleted = await ctl('delete', 'a');
    expect(deleted).toMatchObject({ code: 0, stdout: 'deleted a\n' });
    expect(await tasksJson()).toEqual([]);
  });

  it('rejects a duplicate submit with exit 1', async () => {
    await ctl('submit', 'a');

    const result = await ctl('submit', 'a');

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'metafora: task "a" already exists: choose another id, or delete the task first with `metafora ctl delete`\n',
    );
  });

  it('rejects deleting a missing task with exit 1', async () => {
    const result = await ctl('delete', 'missing');

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^metafora: task "missing" not found: .*\n$/);
  });

  it('rejects a command for an unknown node with exit 1', async () => {
    const result = await ctl('node-command', 'n9', 'freeze');

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^metafora: node "n9" not found in namespace .*metafora ctl nodes`\n$/);
  });

  it('writes nothing on bad input', async () => {
    const attempts = [
      await ctl('submit', 'a/b'),
      await ctl('submit', 'a', '--props', '{'),
      await ctl('submit', 'a', '--bogus'),
      await ctl('node-command', 'n1', 'explode'),
      await runBuiltCli([
        'run',
        '--etcd',
        endpoints.join(','),
        '--namespace',
        namespace,
        '--lease-ttl',
        '1',
        '--exec',
        'true',
      ]),
    ];

    expect(attempts.map((result) => result.code)).toEqual([2, 2, 2, 2, 2]);
    const store = new EtcdStore({ endpoints });
    try {
      expect((await store.range(`${namespace}/`)).kvs).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('runs a task with --exec and marks it done', async () => {
    const node = await startNode('n1', 'exit');
    expect(await nodesJson()).toEqual([
      { node: 'n1', host: expect.any(String), started: expect.any(String), tasks: 0 },
    ]);

    await ctl('submit', 't1', '--props', '{"size":3}');

    await waitForTasks('t1 to be done', (tasks) => Array.isArray(tasks) && tasks.length === 0);
    const env = JSON.parse(readFileSync(path.join(dir, 't1.env.json'), 'utf8'));
    expect(env.props).toBe('{"size":3}');
    expect(Number(env.token)).toBeGreaterThan(0);

    node.child.kill('SIGTERM');
    expect(await node.exited).toEqual({ code: 0, signal: null });
    expect(await nodesJson()).toEqual([]);
  });

  it('releases a running task on SIGTERM', async () => {
    const node = await startNode('n1', 'run');
    await ctl('submit', 't1');
    const pid = await taskPid('t1');
    expect(await tasksJson()).toEqual([{ id: 't1', owner: 'n1', props: null, state: null }]);

    node.child.kill('SIGTERM');

    expect(await node.exited).toEqual({ code: 0, signal: null });
    expect(readFileSync(path.join(dir, 't1.term'), 'utf8')).toBe('SIGTERM');
    expect(isProcessAlive(pid)).toBe(false);
    expect(await tasksJson()).toEqual([{ id: 't1', owner: null, props: null, state: null }]);
  });

  it('stops a task on a stop-task command', async () => {
    await startNode('n1', 'run', ['--balance-every', '30']);
    await ctl('submit', 't1');
    const pid = await taskPid('t1');

    const sent = await ctl('node-command', 'n1', 'stop-task', 't1');

    expect(sent.code).toBe(0);
    await waitUntil('the task to get SIGTERM', () => existsSync(path.join(dir, 't1.term')));
    await waitUntil('the task process to exit', () => !isProcessAlive(pid));
    await waitForTasks('t1 to be released', (tasks) =>
      JSON.stringify(tasks) === JSON.stringify([{ id: 't1', owner: null, props: null, state: null }]),
    );
  });

  it('exits at once on a second signal', async () => {
    const node = await startNode('n1', 'ignore-term', ['--stop-grace', '60', '--shutdown-timeout', '60']);
    await ctl('submit', 't1');
    const pid = await taskPid('t1');

    node.child.kill('SIGTERM');
    await waitUntil('the task to get SIGTERM', () => existsSync(path.join(dir, 't1.term')));
    node.child.kill('SIGTERM');

    expect(await node.exited).toEqual({ code: 143, signal: null });
    await waitUntil('the ignoring task to die with its node', () => !isProcessAlive(pid), {
      timeoutMs: 5_000,
    });
  });

  it('runs a task with a --handler module', async () => {
    const module = path.join(dir, 'handler.mjs');
    writeFileSync(
      module,
      `import { writeFileSync } from 'node:fs';
      export async function handler({ task, fencingToken }) {
        const out = ${JSON.stringify(path.join(dir, 'handled.json'))};
        writeFileSync(out, JSON.stringify({ task, fencingToken }));
        return 'done';
      }`,
    );
    const args = [
      builtFile('src/cli/main.ts'),
      'run',
      '--etcd',
      endpoints.join(','),
      '--namespace',
      namespace,
      '--node',
      'n1',
      '--handler',
      path.relative(REPO_ROOT, module),
    ];
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: cliEnvironment(), stdio: 'ignore' });
    nodes.push({ child, stderr: () => '', exited: new Promise(() => {}) });

    await ctl('submit', 't1', '--props', '[1,2]');

    await waitForTasks('t1 to be done', (tasks) => Array.isArray(tasks) && tasks.length === 0);
    const handled = JSON.parse(readFileSync(path.join(dir, 'handled.json'), 'utf8'));
    expect(handled.task).toEqual({ id: 't1', props: [1, 2] });
    expect(handled.fencingToken).toBeGreaterThan(0);
  });

  it('takes the task process down when the node is killed', async () => {
    const node = await startNode('n1', 'run');
    await ctl('submit', 't1');
    const pid = await taskPid('t1');

    node.child.kill('SIGKILL');

    await waitUntil('the task process to die with its node', () => !isProcessAlive(pid), {
      timeoutMs: 5_000,
    });
  });
});
