import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { scenarioArbitrary } from '../../sim/fuzz/arbitraries.js';
import { REGRESSIONS_DIR, replayCommand, writeCaseFile } from '../../sim/fuzz/case-file.js';
import { fuzz } from '../../sim/fuzz/fuzz.js';
import { REPO_ROOT } from '../support/built-cli.js';

/**
 * Generated runs per test run: 6,000 runs took 108 s alone on a 2-core machine. Set
 * FUZZ_RUNS for a longer local search.
 */
const DEFAULT_RUNS = 6_000;

/** A fixed seed keeps CI repeatable; set FC_SEED to search elsewhere. */
const DEFAULT_SEED = 20_261_204;

const runs = positiveInteger('FUZZ_RUNS', process.env['FUZZ_RUNS']) ?? DEFAULT_RUNS;
const seed = integer('FC_SEED', process.env['FC_SEED']) ?? DEFAULT_SEED;

describe('fuzzing whole simulated runs', () => {
  it(`keeps every invariant in ${runs} generated runs`, { timeout: 3_600_000 }, async () => {
    console.log(`fuzz: ${runs} runs with FC_SEED=${seed}`);
    const result = await fuzz({ runs, seed, scenarios: scenarioArbitrary });
    const failure = result.failure;
    let report = '';
    if (failure !== undefined) {
      const saved = path.relative(REPO_ROOT, writeCaseFile(path.join(REPO_ROOT, REGRESSIONS_DIR), failure.case));
      report =
        `${failure.problems.join('\n')}\nfast-check seed ${failure.fcSeed}, path ${failure.fcPath}\n` +
        `saved as ${saved}; replay it with ${replayCommand(saved)}`;
    }
    expect(failure, report).toBeUndefined();
    expect(result.runs).toBe(runs);
  });
});

function positiveInteger(name: string, text: string | undefined): number | undefined {
  const value = integer(name, text);
  if (value !== undefined && value < 1) throw new Error(`${name} must be 1 or more, got ${value}`);
  return value;
}

function integer(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be a whole number, got ${JSON.stringify(text)}`);
  return value;
}
