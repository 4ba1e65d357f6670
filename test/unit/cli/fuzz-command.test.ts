import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { findScenario } from '../../../scenarios/index.js';
import { runFuzzCommand } from '../../../src/cli/fuzz-command.js';
import { loadScenarioCase } from '../../../src/cli/scenario-file.js';
import { LINK_FAULT_RUNS, MUTANTS } from '../../support/mutants.js';

let cwd: string;
let stdout: string;
const io = { stdout: (text: string) => void (stdout += text), stdoutIsTty: false, get cwd() { return cwd; } };

beforeEach(() => {
  cwd = mkdtempSync(path.join(tmpdir(), 'metafora-fuzz-'));
  stdout = '';
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

const invocation = { kind: 'fuzz' as const, runs: 2, seed: 1, timeLimitMs: undefined, json: false };

describe('runFuzzCommand', () => {
  it('prints a summary and exits 0 when every run passes', async () => {
    const steady = fc.constant(findScenario('steady-state')!);
    expect(await runFuzzCommand(invocation, io, { scenarios: steady })).toBe(0);
    expect(stdout).toMatch(/^fuzz seed 1: 2 generated runs\n/);
    expect(stdout).toMatch(/\nspeed +\d+ runs per minute\n/);
    expect(stdout).toMatch(/\nresult +passed\n$/);
  });

  it('saves a failure and prints its replay command', { timeout: 60_000 }, async () => {
    const code = await runFuzzCommand({ ...invocation, runs: 100, json: true }, io, {
      variants: MUTANTS['unguarded-release'],
      differential: true,
      scenarios: LINK_FAULT_RUNS,
    });
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { passed: boolean; failure: { file: string; replay: string } };
    expect(report.passed).toBe(false);
    const [saved] = readdirSync(path.join(cwd, 'test/regressions'));
    expect(report.failure.file).toBe(`test/regressions/${saved}`);
    expect(report.failure.replay).toBe(`metafora sim --file test/regressions/${saved}`);
    expect(loadScenarioCase(report.failure.file, cwd).scenario.name).toBe('fuzz');
  });

  it('redraws a progress line on a terminal', async () => {
    const steady = fc.constant(findScenario('steady-state')!);
    await runFuzzCommand(invocation, { ...io, stdoutIsTty: true, cwd }, { scenarios: steady });
    expect(stdout).toMatch(/^\rfuzz: 1\/2 runs, /);
  });
});
