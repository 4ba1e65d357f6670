import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { findScenario, SCENARIOS } from '../../scenarios/index.js';
import { runScenario } from '../../sim/run.js';
import { runBuiltCli } from '../support/built-cli.js';

describe('metafora sim', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'metafora-sim-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('lists every built-in scenario with its description', async () => {
    const result = await runBuiltCli(['sim', '--list']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.split(/\s+/)[0])).toEqual(SCENARIOS.map((scenario) => scenario.name));
    expect(lines[0]).toContain(SCENARIOS[0]!.description);
  });

  it('prints one JSON object whose hash matches a run in this process', async () => {
    const result = await runBuiltCli(['sim', 'node-crash', '--seed', '3', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual(['scenario', 'seed', 'passed', 'traceHash', 'simulatedMs', 'wallMs', 'events', 'verdicts']);
    expect(report).toMatchObject({ scenario: 'node-crash', seed: '3', passed: true });
    const inProcess = await runScenario(findScenario('node-crash')!, '3');
    expect(report['traceHash'], 'a stale build gives another hash: run npm run build').toBe(inProcess.traceHash);
  });

  it('exits 2 and lists the scenarios for an unknown scenario', async () => {
    const result = await runBuiltCli(['sim', 'no-such-scenario']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^metafora: unknown scenario "no-such-scenario": use one of steady-state, node-crash, .*\n$/);
  });

  it('writes a trace file whose SHA-256 is the printed trace hash', async () => {
    const tracePath = path.join(directory, 'trace.jsonl');
    const result = await runBuiltCli(['sim', 'crash-then-leader-change', '--seed', 'abc', '--trace', tracePath]);
    expect(result.code).toBe(0);
    const printed = /^trace hash {2}([0-9a-f]{64})$/m.exec(result.stdout)?.[1];
    const written = createHash('sha256').update(readFileSync(tracePath)).digest('hex');
    expect(written).toBe(printed);
  });

  it('exits 2 when the trace file cannot be written', async () => {
    const result = await runBuiltCli(['sim', 'node-crash', '--trace', path.join(directory, 'missing', 'trace.jsonl')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^metafora: cannot write the trace file ".*" \(ENOENT\): /);
  });

  it('prints the replay command of a failed case', async () => {
    // long-pause without its declared break, so the overlap during the pause breaks single-runner.
    const scenario = { ...findScenario('long-pause')!, expectedToBreak: [] };
    const casePath = path.join(directory, 'long-pause-undeclared.json');
    writeFileSync(casePath, JSON.stringify({ scenario, seed: '2' }));
    const result = await runBuiltCli(['sim', '--file', casePath]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/  single-runner +BROKEN, /);
    expect(result.stdout).toContain(`replay      metafora sim --file ${casePath}\n`);
  });
});
