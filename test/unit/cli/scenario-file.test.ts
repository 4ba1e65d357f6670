import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { UsageError } from '../../../src/cli/cli-errors.js';
import { loadScenarioCase, parseScenarioCase } from '../../../src/cli/scenario-file.js';
import { findScenario } from '../../../scenarios/index.js';

/** Returns a built-in scenario as plain JSON data. */
function scenarioJson(name: string): Record<string, unknown> {
  return JSON.parse(JSON.stringify(findScenario(name))) as Record<string, unknown>;
}

function caseError(value: unknown): string {
  try {
    parseScenarioCase(value, 'case.json');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(value).slice(0, 80)} to be rejected`);
}

/** Returns a case of the command-storm scenario with `change` applied to a copy. */
function commandStorm(change: (scenario: Record<string, unknown>) => void): unknown {
  const scenario = scenarioJson('command-storm');
  change(scenario);
  return { scenario, seed: '3' };
}

describe('parseScenarioCase', () => {
  it.each(['command-storm', 'clock-skew', 'long-pause', 'store-restart', 'rolling-restart', 'one-way-partition', 'statemachine-restart'])(
    'accepts the built-in scenario %s saved as JSON',
    (name) => {
      const scenario = scenarioJson(name);
      expect(parseScenarioCase({ scenario, seed: '9' }, 'case.json')).toEqual({ scenario, seed: '9' });
    },
  );

  it('names the file and a misspelt field', () => {
    const value = commandStorm((scenario) => (scenario['leaseTtl'] = 10));
    expect(caseError(value)).toMatch(/^invalid scenario file "case.json": unknown field scenario.leaseTtl: use one of name, /);
  });

  it('names a missing field', () => {
    expect(caseError(commandStorm((scenario) => delete scenario['nodes']))).toBe(
      'invalid scenario file "case.json": missing field scenario.nodes',
    );
  });

  it('requires the seed as a string', () => {
    const value = { scenario: scenarioJson('node-crash'), seed: 4 };
    expect(caseError(value)).toBe('invalid scenario file "case.json": seed must be a non-empty string, got 4');
  });

  it('names the path of a bad fault field', () => {
    const value = commandStorm((scenario) => ((scenario['faults'] as Record<string, unknown>[])[1]!['at'] = '32500'));
    expect(caseError(value)).toBe(
      'invalid scenario file "case.json": scenario.faults[1].at must be a number of milliseconds, 0 or more, got "32500"',
    );
  });

  it('rejects an unknown fault kind', () => {
    const value = commandStorm((scenario) => (scenario['faults'] = [{ at: 0, kind: 'meteor' }]));
    expect(caseError(value)).toMatch(/scenario.faults\[0\].kind must be one of "crash", .*got "meteor"$/);
  });

  it('rejects a field that belongs to another fault kind', () => {
    const value = commandStorm((scenario) => (scenario['faults'] = [{ at: 0, kind: 'crash', node: 'n1', durationMs: 5 }]));
    expect(caseError(value)).toBe('invalid scenario file "case.json": unknown field scenario.faults[0].durationMs: use one of at, kind, node');
  });

  it('rejects a flap period of 0, which would never end', () => {
    const value = commandStorm((scenario) => (scenario['faults'] = [{ at: 0, kind: 'flap', node: 'n1', durationMs: 5, periodMs: 0 }]));
    expect(caseError(value)).toMatch(/scenario.faults\[0\].periodMs must be a number of milliseconds above 0, got 0$/);
  });

  it('accepts task commands and a state machine workload', () => {
    const value = commandStorm((scenario) => {
      scenario['workload'] = { stateMachine: { forever: 1, sleeper: 2, maxErrors: 2, sleepMs: [1_000, 2_000] } };
      scenario['faults'] = [
        { at: 0, kind: 'task-command', task: 't1', command: 'pause' },
        { at: 5, kind: 'task-command', task: 't2', command: 'sleep', untilMs: 9_000 },
      ];
    });
    expect(parseScenarioCase(value, 'case.json')).toEqual(value);
  });

  it('rejects an unknown task command', () => {
    const value = commandStorm((scenario) => (scenario['faults'] = [{ at: 0, kind: 'task-command', task: 't1', command: 'explode' }]));
    expect(caseError(value)).toMatch(/scenario.faults\[0\].command must be one of "run", .*got "explode"$/);
  });

  it('rejects a stop_task command without its task', () => {
    const value = commandStorm(
      (scenario) => (scenario['faults'] = [{ at: 0, kind: 'command', node: 'n1', command: { command: 'stop_task' } }]),
    );
    expect(caseError(value)).toBe('invalid scenario file "case.json": missing field scenario.faults[0].command.parameters');
  });

  it('rejects an invariant name the checkers do not know', () => {
    const value = commandStorm((scenario) => (scenario['expectedToBreak'] = ['single-runer']));
    expect(caseError(value)).toMatch(/scenario.expectedToBreak\[0\] must be one of "single-runner", .*got "single-runer"$/);
  });

  it('rejects a task prefix that makes invalid task ids', () => {
    const value = commandStorm((scenario) => (scenario['submissions'] = [{ at: 0, count: 1, prefix: 'a/' }]));
    expect(caseError(value)).toBe('invalid scenario file "case.json": scenario.submissions[0].prefix: invalid task id "a/1": remove the "/"');
  });

  it('rejects a run-time range whose bounds are swapped', () => {
    const value = commandStorm((scenario) => (scenario['workload'] = { finite: 1, runMs: [9_000, 1_000] }));
    expect(caseError(value)).toMatch(/scenario.workload.runMs must be a pair \[min, max\] of whole milliseconds/);
  });

  it('rejects a document that is not an object', () => {
    expect(caseError([])).toBe('invalid scenario file "case.json": the document must be an object, got []');
  });
});

describe('loadScenarioCase', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'metafora-case-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('reads a file relative to the working directory', () => {
    const scenario = scenarioJson('node-crash');
    writeFileSync(path.join(directory, 'ok.json'), JSON.stringify({ scenario, seed: 'x' }));
    expect(loadScenarioCase('ok.json', directory)).toEqual({ scenario, seed: 'x' });
  });

  it('reports a missing file', () => {
    expect(() => loadScenarioCase('missing.json', directory)).toThrow(
      'cannot read scenario file "missing.json" (ENOENT): give the path of a JSON file',
    );
  });

  it('reports a file that is not JSON', () => {
    writeFileSync(path.join(directory, 'broken.json'), '{"scenario":');
    expect(() => loadScenarioCase('broken.json', directory)).toThrow(/^invalid scenario file "broken.json": not valid JSON \(/);
  });
});
