import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, expect, it } from 'vitest';

import { Client } from '../../src/coordinator/client.js';
import { EtcdStore } from '../../src/store/etcd-store.js';
import { BUILT_CLI, builtFile, cliEnvironment, REPO_ROOT, runBuiltCli } from '../support/built-cli.js';
import { describeWithEtcd, uniquePrefix } from '../support/etcd.js';
import { isProcessAlive, killQuietly, waitUntil } from '../support/processes.js';

const LEASE_TTL_SECONDS = 4;
const BALANCE_EVERY_SECONDS = 4;
const TASKS = 30;
const CHILD = path.join(REPO_ROOT, 'test/e2e/fixtures/task-child.mjs');

interface RunLine {
  event: 'start' | 'stop';
  task: string;
  node: string;
  token: number;
  pid: number;
  at: number;
}

describeWithEtcd('three metafora run processes on etcd', (endpoints) => {
  const namespace = uniquePrefix('e2e');
  const workDir = mkdtempSync(path.join(tmpdir(), 'metafora-e2e-'));
  const runLog = path.join(workDir, 'runs.log');
  const nodes = new Map<string, ChildProcess>();
  let store: EtcdStore | undefined;

  afterAll(async () => {
    for (const child of nodes.values()) if (child.pid !== undefined) killQuietly(child.pid);
    await store?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  function startNode(name: string): ChildProcess {
    builtFile('src/cli/main.ts');
    const child = spawn(
      process.execPath,
      [
        BUILT_CLI, 'run', '--etcd', endpoints.join(','), '--namespace', namespace, '--node', name,
        '--lease-ttl', String(LEASE_TTL_SECONDS), '--balance-every', String(BALANCE_EVERY_SECONDS),
        '--stop-grace', '2', '--log-level', 'warn', '--exec', process.execPath, CHILD,
      ],
      { env: cliEnvironment({ E2E_RUN_LOG: runLog, E2E_NODE: name }), stdio: ['ignore', 'ignore', 'inherit'] },
    );
    nodes.set(name, child);
    return child;
  }

  async function ownerCounts(client: Client): Promise<Map<string | null, number>> {
    const counts = new Map<string | null, number>();
    for (const task of await client.tasks()) counts.set(task.owner, (counts.get(task.owner) ?? 0) + 1);
    return counts;
  }

  async function waitForOwners(client: Client, what: string, accept: (counts: Map<string | null, number>) => boolean, timeoutMs: number): Promise<number> {
    const startedAt = Date.now();
    let last = new Map<string | null, number>();
    while (Date.now() - startedAt <= timeoutMs) {
      last = await ownerCounts(client);
      if (accept(last)) return Date.now() - startedAt;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; owners: ${JSON.stringify([...last])}`);
  }

  it('spreads tasks, moves them on SIGKILL and SIGTERM, never runs one twice', async () => {
    store = new EtcdStore({ endpoints });
    const client = new Client({ store, namespace });
    for (const name of ['n1', 'n2', 'n3']) startNode(name);
    await waitUntilAsync('three registered nodes', async () => (await client.nodes()).length === 3, 15_000);

    for (let i = 0; i < TASKS; i += 6) {
      const batch = Array.from({ length: 6 }, (_, j) => `task-${String(i + j).padStart(2, '0')}`);
      const results = await Promise.all(
        batch.map((id) => runBuiltCli(['ctl', '--etcd', endpoints.join(','), '--namespace', namespace, 'submit', id])),
      );
      for (const result of results) expect(result.stderr).toBe('');
    }

    const balancedMs = await waitForOwners(
      client,
      'every task owned, 10 +/- 2 per node',
      (counts) => counts.get(null) === undefined && ['n1', 'n2', 'n3'].every((n) => Math.abs((counts.get(n) ?? 0) - 10) <= 2),
      BALANCE_EVERY_SECONDS * 1000 + 10_000,
    );
    console.log(`e2e: 30 tasks owned and balanced ${balancedMs} ms after the last submit: ${JSON.stringify([...(await ownerCounts(client))])}`);

    const n1 = nodes.get('n1')!;
    const n1Children = runningChildren(readRuns(runLog), 'n1');
    n1.kill('SIGKILL');
    const killedAt = Date.now();
    await waitUntil('the children of the killed node to exit', () => n1Children.every((pid) => !isProcessAlive(pid)), {
      timeoutMs: 3_000,
    });
    const movedMs = await waitForOwners(
      client,
      'all tasks owned by n2 and n3',
      (counts) => (counts.get('n2') ?? 0) + (counts.get('n3') ?? 0) === TASKS,
      LEASE_TTL_SECONDS * 1000 + 5_000,
    );
    console.log(`e2e: SIGKILL of n1 (${n1Children.length} children gone): all tasks on n2 and n3 after ${movedMs} ms`);

    nodes.get('n2')!.kill('SIGTERM');
    const handedMs = await waitForOwners(client, 'all tasks owned by n3', (counts) => counts.get('n3') === TASKS, 2_000);
    console.log(`e2e: SIGTERM of n2: all tasks on n3 after ${handedMs} ms`);
    const n2Exit = await exitOf(nodes.get('n2')!);
    expect(n2Exit).toEqual({ code: 0, signal: null });

    const overlaps = findOverlaps(readRuns(runLog), { n1: killedAt });
    expect(overlaps).toEqual([]);
  }, 120_000);
});

async function waitUntilAsync(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const startedAt = Date.now();
  while (Date.now() - startedAt <= timeoutMs) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

function readRuns(file: string): RunLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as RunLine);
}

/** Pids of the task processes of `node` that started and have not logged a stop. */
function runningChildren(runs: RunLine[], node: string): number[] {
  const stopped = new Set(runs.filter((run) => run.event === 'stop').map((run) => run.pid));
  return runs.filter((run) => run.event === 'start' && run.node === node && !stopped.has(run.pid)).map((run) => run.pid);
}

/**
 * Lists every pair of runs of one task whose time intervals overlap. A run lasts from its start
 * line to its stop line; runs of a killed node end at the kill time, and runs still going end now.
 */
function findOverlaps(runs: RunLine[], killedAt: Record<string, number>): string[] {
  const stops = new Map(runs.filter((run) => run.event === 'stop').map((run) => [run.pid, run.at]));
  const intervals = runs
    .filter((run) => run.event === 'start')
    .map((run) => ({ ...run, end: stops.get(run.pid) ?? killedAt[run.node] ?? Date.now() }));
  const overlaps: string[] = [];
  for (const a of intervals) {
    for (const b of intervals) {
      if (a.pid < b.pid && a.task === b.task && a.at < b.end && b.at < a.end) {
        overlaps.push(`${a.task}: ${a.node} [${a.at}, ${a.end}] and ${b.node} [${b.at}, ${b.end}]`);
      }
    }
  }
  return overlaps;
}
