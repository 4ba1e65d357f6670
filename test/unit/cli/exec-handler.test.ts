import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createExecHandler, detectSetpriv, LOST_CLAIM_GRACE_MS } from '../../../src/cli/exec-handler.js';
import type { HandlerResult, TaskContext } from '../../../src/core/handler.js';
import { MetaforaError } from '../../../src/runtime/errors.js';
import { ManualClock } from '../../../src/runtime/manual-clock.js';
import { builtFileUrl } from '../../support/built-cli.js';
import { MemoryLogger } from '../../support/memory-logger.js';
import { isProcessAlive, killQuietly, waitUntil } from '../../support/processes.js';

/** Child scripts for `node -e`; their file arguments start at `process.argv[1]`. */
const WRITE_ENV = `
  const env = process.env;
  require('fs').writeFileSync(process.argv[1], JSON.stringify({
    id: env.METAFORA_TASK_ID,
    props: env.METAFORA_TASK_PROPS,
    token: env.METAFORA_FENCING_TOKEN,
    inherited: env.EXEC_TEST_INHERITED,
  }));`;

/** Writes its pid to argv[1], then on SIGTERM writes argv[2] and exits unless `ignore` is set. */
function serveScript(ignoreTerm: boolean): string {
  return `
    const fs = require('fs');
    const [ready, term] = process.argv.slice(1);
    process.on('SIGTERM', () => {
      fs.writeFileSync(term, 'SIGTERM');
      ${ignoreTerm ? '' : 'process.exit(0);'}
    });
    fs.writeFileSync(ready, String(process.pid));
    setInterval(() => {}, 1000);`;
}

/** Starts a grandchild that writes its pid to argv[2], then writes its own pid to argv[1]. */
const WITH_GRANDCHILD = `
  const fs = require('fs');
  const { spawn } = require('child_process');
  const [ready, grandchildReady] = process.argv.slice(1);
  const body = "require('fs').writeFileSync(process.argv[1], String(process.pid)); setInterval(() => {}, 1000);";
  spawn(process.execPath, ['-e', body, grandchildReady], { stdio: 'ignore' });
  fs.writeFileSync(ready, String(process.pid));
  setInterval(() => {}, 1000);`;

describe('createExecHandler', () => {
  let dir: string;
  let logger: MemoryLogger;
  let clock: ManualClock;
  let stop: AbortController;
  const pids: number[] = [];

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'metafora-exec-'));
    logger = new MemoryLogger();
    clock = new ManualClock();
    stop = new AbortController();
  });

  afterEach(() => {
    stop.abort();
    for (const pid of pids.splice(0)) killQuietly(pid);
    rmSync(dir, { recursive: true, force: true });
  });

  function context(props: unknown = null): TaskContext {
    return {
      task: { id: 'task-1', props },
      signal: stop.signal,
      fencingToken: 42,
      clock,
      logger: logger.child({ task: 'task-1' }),
    };
  }

  function nodeHandler(script: string, files: string[], stopGraceMs?: number) {
    return createExecHandler({
      command: process.execPath,
      args: ['-e', script, ...files],
      stopGraceMs,
    });
  }

  async function readPid(file: string): Promise<number> {
    await waitUntil(`pid file ${path.basename(file)}`, () => existsSync(file) && readFileSync(file, 'utf8') !== '');
    const pid = Number(readFileSync(file, 'utf8'));
    pids.push(pid);
    return pid;
  }

  it('finishes as done on exit code 0', async () => {
    const handler = nodeHandler('process.exit(0)', []);

    expect(await handler(context())).toBe('done');
    expect(logger.lines.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('passes the task variables and the parent environment', async () => {
    const out = path.join(dir, 'env.json');
    const handler = createExecHandler({
      command: process.execPath,
      args: ['-e', WRITE_ENV, out],
      env: { ...process.env, EXEC_TEST_INHERITED: 'yes' },
    });

    await handler(context({ size: 3 }));

    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({
      id: 'task-1',
      props: '{"size":3}',
      token: '42',
      inherited: 'yes',
    });
  });

  it('passes empty props when the task has none', async () => {
    const out = path.join(dir, 'env.json');
    const handler = nodeHandler(WRITE_ENV, [out]);

    await handler(context(null));

    expect(JSON.parse(readFileSync(out, 'utf8')).props).toBe('');
  });

  it('finishes as done and logs an error on exit code 3', async () => {
    const handler = nodeHandler('process.exit(3)', []);

    expect(await handler(context())).toBe('done');
    const errors = logger.lines.filter((line) => line.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toBe('task command failed');
    expect(errors[0]?.fields).toMatchObject({ exitCode: 3, task: 'task-1' });
  });

  it('runs without setpriv when disabled', async () => {
    const handler = createExecHandler({
      command: process.execPath,
      args: ['-e', 'process.exit(0)'],
      setprivPath: null,
    });

    expect(await handler(context())).toBe('done');
  });

  it('rejects when the command cannot start', async () => {
    const handler = createExecHandler({ command: path.join(dir, 'missing'), setprivPath: null });

    await expect(handler(context())).rejects.toThrow(MetaforaError);
  });

  it('releases without starting when already stopped', async () => {
    const out = path.join(dir, 'env.json');
    const handler = nodeHandler(WRITE_ENV, [out]);
    stop.abort();

    expect(await handler(context())).toBe('release');
    expect(existsSync(out)).toBe(false);
  });

  it('sends SIGTERM on stop and releases', async () => {
    const [ready, term] = [path.join(dir, 'ready'), path.join(dir, 'term')];
    const run = nodeHandler(serveScript(false), [ready, term])(context());
    const pid = await readPid(ready);

    stop.abort();

    expect(await run).toBe('release');
    expect(readFileSync(term, 'utf8')).toBe('SIGTERM');
    expect(isProcessAlive(pid)).toBe(false);
  });

  it('sends SIGKILL after the grace period', async () => {
    const [ready, term] = [path.join(dir, 'ready'), path.join(dir, 'term')];
    let result: HandlerResult | undefined;
    const run = nodeHandler(serveScript(true), [ready, term], 5_000)(context());
    void run.then((value) => (result = value));
    const pid = await readPid(ready);

    stop.abort();
    await waitUntil('SIGTERM to reach the child', () => existsSync(term));
    await clock.advance(4_999);

    expect(isProcessAlive(pid)).toBe(true);
    expect(result).toBeUndefined();

    await clock.advance(1);

    expect(await run).toBe('release');
    expect(isProcessAlive(pid)).toBe(false);
    expect(logger.find('task command still running after SIGTERM; sending SIGKILL')).toHaveLength(1);
  });

  it('shortens the grace after a lost claim', async () => {
    const [ready, term] = [path.join(dir, 'ready'), path.join(dir, 'term')];
    let result: HandlerResult | undefined;
    const run = nodeHandler(serveScript(true), [ready, term], 5_000)(context());
    void run.then((value) => (result = value));
    const pid = await readPid(ready);

    stop.abort('lost');
    await waitUntil('SIGTERM to reach the child', () => existsSync(term));
    await clock.advance(LOST_CLAIM_GRACE_MS - 1);

    expect(isProcessAlive(pid)).toBe(true);
    expect(result).toBeUndefined();

    await clock.advance(1);

    expect(await run).toBe('release');
    expect(isProcessAlive(pid)).toBe(false);
  });

  it('stops the whole process group', async () => {
    const [ready, grandchildReady] = [path.join(dir, 'ready'), path.join(dir, 'grandchild')];
    const run = nodeHandler(WITH_GRANDCHILD, [ready, grandchildReady])(context());
    const pid = await readPid(ready);
    const grandchild = await readPid(grandchildReady);

    stop.abort();

    expect(await run).toBe('release');
    await waitUntil('the grandchild to exit', () => !isProcessAlive(grandchild));
    expect(isProcessAlive(pid)).toBe(false);
  });
});

describe('detectSetpriv', () => {
  it.runIf(process.platform === 'linux')('finds setpriv on PATH', () => {
    expect(detectSetpriv(process.env)).toMatch(/setpriv$/);
  });

  it.runIf(process.platform === 'linux')('warns once when setpriv is missing', () => {
    const warnings = new MemoryLogger();

    expect(detectSetpriv({ PATH: '/nonexistent' }, warnings)).toBeNull();
    expect(warnings.lines.map((line) => line.level)).toEqual(['warn']);
  });
});

describe('exec handler in a killed consumer', () => {
  let dir: string;
  let consumer: ChildProcess | undefined;
  let childPid: number | undefined;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'metafora-exec-'));
  });

  afterEach(() => {
    if (consumer?.pid !== undefined) killQuietly(consumer.pid);
    if (childPid !== undefined) killQuietly(childPid);
    rmSync(dir, { recursive: true, force: true });
  });

  it.runIf(process.platform === 'linux')('takes its child down on SIGKILL', async () => {
    const pidFile = path.join(dir, 'child.pid');
    const standIn = path.join(dir, 'consumer.mjs');
    writeFileSync(standIn, consumerStandIn(builtFileUrl('src/cli/exec-handler.ts')));
    consumer = spawn(process.execPath, [standIn, pidFile], { stdio: 'ignore' });
    await waitUntil('the child pid file', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '');
    childPid = Number(readFileSync(pidFile, 'utf8'));
    expect(isProcessAlive(childPid)).toBe(true);

    consumer.kill('SIGKILL');

    const pid = childPid;
    await waitUntil('the child to die with its consumer', () => !isProcessAlive(pid), {
      timeoutMs: 5_000,
    });
  });
});

/** A consumer stand-in: runs one task with the built exec handler and waits forever. */
function consumerStandIn(execHandlerUrl: string): string {
  return `
    import { createExecHandler } from ${JSON.stringify(execHandlerUrl)};
    const pidFile = process.argv[2];
    const body = "require('fs').writeFileSync(process.argv[1], String(process.pid)); setInterval(() => {}, 1000);";
    const handler = createExecHandler({ command: process.execPath, args: ['-e', body, pidFile] });
    const noop = () => {};
    const logger = { debug: noop, info: noop, warn: noop, error: noop, child: () => logger };
    await handler({
      task: { id: 'a', props: null },
      signal: new AbortController().signal,
      fencingToken: 1,
      clock: { now: () => 0, sleep: () => new Promise(() => {}) },
      logger,
    });
  `;
}
