import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { UsageError } from '../../../src/cli/cli-errors.js';
import { loadHandler, loadHandlerModule } from '../../../src/cli/load-handler.js';
import { MetaforaError } from '../../../src/runtime/errors.js';

describe('loadHandlerModule', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'metafora-handler-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function module(name: string, source: string): string {
    writeFileSync(path.join(dir, name), source);
    return name;
  }

  it('loads the default export, resolved from cwd', async () => {
    const name = module('default.mjs', "export default async () => 'done';");

    const handler = await loadHandlerModule(name, dir);

    expect(await handler({} as never)).toBe('done');
  });

  it('loads the export named handler', async () => {
    const name = module('named.mjs', "export const handler = async () => 'release';");

    const handler = await loadHandlerModule(name, dir);

    expect(await handler({} as never)).toBe('release');
  });

  it('rejects a missing file', async () => {
    await expect(loadHandlerModule('missing.mjs', dir)).rejects.toThrow(UsageError);
    await expect(loadHandlerModule('missing.mjs', dir)).rejects.toThrow(/handler module not found/);
  });

  it('rejects a module without a handler function', async () => {
    const name = module('none.mjs', 'export const handler = 42;');

    await expect(loadHandlerModule(name, dir)).rejects.toThrow(UsageError);
  });

  it('loads statefulHandler with --state-machine', async () => {
    const name = module(
      'both.mjs',
      "export const handler = async () => 'done';\nexport const statefulHandler = async () => ({ type: 'complete' });",
    );

    const loaded = await loadHandler(name, dir, { stateMachine: true, allowStateful: true });

    expect(loaded.kind).toBe('stateful');
    expect(await loaded.handler({} as never)).toEqual({ type: 'complete' });
  });

  it('rejects --state-machine without statefulHandler', async () => {
    const name = module('plain.mjs', "export const handler = async () => 'done';");

    await expect(loadHandler(name, dir, { stateMachine: true, allowStateful: true })).rejects.toThrow(
      /with --state-machine, export the stateful handler function as "statefulHandler"/,
    );
  });

  it('prefers a plain handler without --state-machine', async () => {
    const name = module(
      'both.mjs',
      "export const handler = async () => 'done';\nexport const statefulHandler = async () => ({ type: 'complete' });",
    );

    const loaded = await loadHandler(name, dir, { stateMachine: false, allowStateful: true });

    expect(loaded.kind).toBe('plain');
  });

  it('falls back to statefulHandler without --state-machine', async () => {
    const name = module('stateful.mjs', "export const statefulHandler = async () => ({ type: 'complete' });");

    const loaded = await loadHandler(name, dir, { stateMachine: false, allowStateful: true });

    expect(loaded.kind).toBe('stateful');
  });

  it('reports a module that fails to import', async () => {
    const name = module('broken.mjs', "throw new Error('boom');");

    const error = await loadHandlerModule(name, dir).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MetaforaError);
    expect(error).not.toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/failed to import handler module .*boom/);
  });
});
