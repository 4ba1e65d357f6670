import path from 'node:path';

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

import { REPO_ROOT } from '../../support/built-cli.js';

const eslint = new ESLint({ cwd: REPO_ROOT });

/** Lints `code` as if it were the file at `file` (relative to the repository root). */
async function problems(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, file) });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

const forbidden = [
  'export const t = Date.now();',
  'export const r = Math.random();',
  'export const p = performance.now();',
  'process.nextTick(() => undefined);',
  'setTimeout(() => undefined, 1);',
  'setInterval(() => undefined, 1);',
  'setImmediate(() => undefined);',
  'globalThis.setTimeout(() => undefined, 1);',
  'export const d = new Date();',
];

describe('determinism lint rule', () => {
  for (const code of forbidden) {
    it(`rejects ${code} in src and sim`, async () => {
      expect(await problems(code, 'src/core/example.ts')).not.toEqual([]);
      expect(await problems(code, 'sim/example.ts')).not.toEqual([]);
    });
  }

  it('allows the globals in the system clock adapter', async () => {
    expect(await problems('export const t = Date.now();', 'src/runtime/system-clock.ts')).toEqual([]);
  });

  it('allows a Date built from a given time', async () => {
    expect(await problems('export const d = new Date(0);', 'src/core/example.ts')).toEqual([]);
  });

  it('leaves tests free to use real time', async () => {
    expect(await problems('export const t = Date.now();', 'test/unit/example.test.ts')).toEqual([]);
  });
});
