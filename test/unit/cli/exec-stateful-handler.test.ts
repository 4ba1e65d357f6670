import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createExecStatefulHandler } from '../../../src/cli/exec-stateful-handler.js';
import { ManualClock } from '../../../src/runtime/manual-clock.js';
import { MessageStream } from '../../../src/statemachine/message-stream.js';
import type { StatefulContext } from '../../../src/statemachine/stateful-handler.js';
import { MemoryLogger } from '../../support/memory-logger.js';
import { isProcessAlive, killQuietly, waitUntil } from '../../support/processes.js';

/** Writes its pid to argv[1], then runs until SIGTERM, which it records in argv[2]. */
const SERVE = `
  const fs = require('fs');
  const [ready, term] = process.argv.slice(1);
  process.on('SIGTERM', () => {
    fs.writeFileSync(term, 'SIGTERM');
    process.exit(0);
  });
  fs.writeFileSync(ready, String(process.pid));
  setInterval(() => {}, 1000);`;

describe('createExecStatefulHandler', () => {
  let dir: string;
  let messages: MessageStream;
  let stop: AbortController;
  const pids: number[] = [];

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'metafora-exec-state-'));
    messages = new MessageStream();
    stop = new AbortController();
  });

  afterEach(() => {
    messages.close();
    for (const pid of pids.splice(0)) killQuietly(pid);
    rmSync(dir, { recursive: true, force: true });
  });

  function context(): StatefulContext {
    return {
      task: { id: 'task-1', props: null },
      signal: messages.signal,
      messages,
      stopSignal: stop.signal,
      fencingToken: 7,
      clock: new ManualClock(),
      logger: new MemoryLogger(),
      state: { name: 'runnable', errors: [] },
    };
  }

  function handler(script: string, files: string[] = []) {
    return createExecStatefulHandler({ command: process.execPath, args: ['-e', script, ...files], setprivPath: null });
  }

  it('completes the task on exit code 0', async () => {
    expect(await handler('process.exit(0)')(context())).toEqual({ type: 'complete' });
  });

  it('reports another exit code as an error', async () => {
    expect(await handler('process.exit(3)')(context())).toEqual({
      type: 'error',
      error: `task command ${JSON.stringify(process.execPath)} exited with code 3`,
    });
  });

  it('stops the command on a message and returns it', async () => {
    const [ready, term] = [path.join(dir, 'ready'), path.join(dir, 'term')];
    const run = handler(SERVE, [ready, term])(context());
    await waitUntil('the command to start', () => existsSync(ready) && readFileSync(ready, 'utf8') !== '');
    const pid = Number(readFileSync(ready, 'utf8'));
    pids.push(pid);

    messages.push({ type: 'pause' });

    expect(await run).toEqual({ type: 'pause' });
    expect(readFileSync(term, 'utf8')).toBe('SIGTERM');
    expect(isProcessAlive(pid)).toBe(false);
  });

  it('keeps running on a checkpoint', async () => {
    const [ready, term] = [path.join(dir, 'ready'), path.join(dir, 'term')];
    const run = handler(SERVE, [ready, term])(context());
    await waitUntil('the command to start', () => existsSync(ready) && readFileSync(ready, 'utf8') !== '');
    const pid = Number(readFileSync(ready, 'utf8'));
    pids.push(pid);

    messages.push({ type: 'checkpoint' });
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(isProcessAlive(pid)).toBe(true);
    messages.push({ type: 'release' });
    expect(await run).toEqual({ type: 'release' });
  });
});
