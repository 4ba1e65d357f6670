import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { writeCaseFile } from '../../sim/fuzz/case-file.js';
import { fuzz, runProblems } from '../../sim/fuzz/fuzz.js';
import { loadScenarioCase } from '../../src/cli/scenario-file.js';
import type { MutantName } from '../support/mutants.js';
import { LINK_FAULT_RUNS, MUTANTS } from '../support/mutants.js';

/** fast-check's seed of every search here; the searches are deterministic. */
const SEED = 1;

/** Each mutant must be found within this many generated runs. */
const MAX_RUNS = 500;

const CASES: { mutant: MutantName; invariant: string; scenarios?: typeof LINK_FAULT_RUNS }[] = [
  { mutant: 'unguarded-release', invariant: 'single-runner', scenarios: LINK_FAULT_RUNS },
  { mutant: 'no-lease-watchdog', invariant: 'single-runner' },
  { mutant: 'greedy-fair-balancer', invariant: 'bounded-churn' },
];

const directory = mkdtempSync(path.join(tmpdir(), 'metafora-mutants-'));

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

/**
 * The checkers bite: the fuzzer finds each known-bad runtime variant, shrinks the run, and the
 * saved case replays to the same violation with the variant, and that invariant is not broken without it.
 */
describe('fuzzing known-bad runtime variants', () => {
  for (const { mutant, invariant, scenarios } of CASES) {
    it(`finds ${mutant}`, { timeout: 180_000 }, async () => {
      const variants = MUTANTS[mutant];
      const result = await fuzz({ runs: MAX_RUNS, seed: SEED, variants, differential: true, ...(scenarios ? { scenarios } : {}) });
      const failure = result.failure;
      expect(failure, `${mutant} not found in ${MAX_RUNS} runs`).toBeDefined();
      expect(failure!.problems.map((problem) => problem.split(':')[0])).toContain(invariant);
      expect(failure!.shrinks).toBeGreaterThan(0);

      const saved = loadScenarioCase(writeCaseFile(directory, failure!.case), directory);
      expect(saved).toEqual(failure!.case);
      expect(await runProblems(saved.scenario, saved.seed, variants)).toEqual(failure!.problems);
      const withoutMutant = await runProblems(saved.scenario, saved.seed, undefined);
      expect(withoutMutant.map((problem) => problem.split(':')[0])).not.toContain(invariant);
    });
  }
});
