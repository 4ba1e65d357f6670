import fc from 'fast-check';

import { MetaforaError } from '../../src/runtime/errors.js';
import type { RunResult, RuntimeVariants } from '../run.js';
import { runScenario } from '../run.js';
import type { Scenario } from '../scenario.js';
import { scenarioArbitrary, simSeedArbitrary } from './arbitraries.js';

/** A whole run as data: what `metafora sim --file` replays. */
export interface FuzzCase {
  scenario: Scenario;
  seed: string;
}

export interface FuzzProgress {
  /** 'search' while looking for a failing run, 'shrink' while making a failing run smaller. */
  phase: 'search' | 'shrink';
  /** Runs simulated so far, both phases together. */
  runs: number;
  /** Virtual milliseconds simulated so far. */
  simulatedMs: number;
}

export interface FuzzOptions {
  /** Generated runs to try before declaring success. */
  runs: number;
  /** fast-check's seed, a 32-bit integer; the same seed generates the same runs. */
  seed: number;
  /** Stops searching, or shrinking, after this many wall-clock milliseconds. Default: no limit. */
  timeLimitMs?: number;
  /** Called after every simulated run. */
  onProgress?: (progress: FuzzProgress) => void;
  /** Replaces runtime parts in every run; tests use it to prove the checkers catch known bugs. */
  variants?: RuntimeVariants;
  /**
   * With `variants`: a run fails only by the invariants that break with the variants and hold
   * without them, so a failure is the variants' doing even while the real runtime has bugs of
   * its own. Each case then runs twice. Default false.
   */
  differential?: boolean;
  /** The generated runs; default `scenarioArbitrary`. */
  scenarios?: fc.Arbitrary<Scenario>;
}

/** A run that broke an invariant, or ended with an error, after shrinking. */
export interface FuzzFailure {
  case: FuzzCase;
  /** One line per broken invariant, or the error that ended the run. */
  problems: string[];
  /** fast-check's seed and counterexample path: `fc.assert(..., { seed, path })` replays the shrunk run. */
  fcSeed: number;
  fcPath: string;
  shrinks: number;
}

export interface FuzzResult {
  /** Generated runs tried before the first failure, or in all when none failed. */
  runs: number;
  /** Every simulated run, including the ones shrinking needed. */
  simulatedRuns: number;
  simulatedMs: number;
  /** True when the time limit stopped the search or the shrinking early. */
  interrupted: boolean;
  failure: FuzzFailure | undefined;
}

/**
 * Generates runs and checks that every invariant holds in each (an expected break counts as
 * holding). On the first failure fast-check shrinks the run to a smaller one that still fails,
 * which is returned with fast-check's seed and path.
 */
export async function fuzz(options: FuzzOptions): Promise<FuzzResult> {
  const progress: FuzzProgress = { phase: 'search', runs: 0, simulatedMs: 0 };
  const property = fc.asyncProperty(options.scenarios ?? scenarioArbitrary, simSeedArbitrary, async (scenario, seed) => {
    let problems = await runProblems(scenario, seed, options.variants, progress);
    if (options.differential === true && problems.length > 0) {
      const baseline = new Set((await runProblems(scenario, seed, undefined)).map(invariantOf));
      problems = problems.filter((problem) => !baseline.has(invariantOf(problem)));
    }
    options.onProgress?.({ ...progress });
    if (problems.length === 0) return true;
    progress.phase = 'shrink';
    throw new FuzzRunError(problems);
  });
  const details = await fc.check<[Scenario, string]>(property, {
    numRuns: options.runs,
    seed: options.seed,
    ...(options.timeLimitMs === undefined ? {} : { plugins: [fc.interruptAfterTimeLimit(options.timeLimitMs)] }),
  });
  const result = { runs: details.numRuns, simulatedRuns: progress.runs, simulatedMs: progress.simulatedMs, interrupted: details.interrupted };
  if (!details.failed || details.counterexample === null) return { ...result, failure: undefined };
  const [scenario, seed] = details.counterexample;
  const error = details.errorInstance;
  return {
    ...result,
    failure: {
      case: { scenario, seed },
      problems: error instanceof FuzzRunError ? error.problems : [String(error)],
      fcSeed: details.seed,
      fcPath: details.counterexamplePath,
      shrinks: details.numShrinks,
    },
  };
}

/** Runs one case and lists what went wrong: broken invariants, or the error that ended the run. */
export async function runProblems(
  scenario: Scenario,
  seed: string,
  variants: RuntimeVariants | undefined,
  progress?: FuzzProgress,
): Promise<string[]> {
  let result: RunResult;
  try {
    result = await runScenario(scenario, seed, undefined, variants);
  } catch (error) {
    if (progress !== undefined) progress.runs++;
    return [`run failed: ${error instanceof Error ? error.message : String(error)}`];
  }
  if (progress !== undefined) {
    progress.runs++;
    progress.simulatedMs += result.simulatedMs;
  }
  return brokenLines(result);
}

/** `invariant: first violation (and N more)` for every broken verdict. */
export function brokenLines(result: RunResult): string[] {
  return result.verdicts
    .filter((verdict) => verdict.status === 'broken')
    .map((verdict) => {
      const more = verdict.violations.length > 1 ? ` (and ${verdict.violations.length - 1} more)` : '';
      return `${verdict.invariant}: ${verdict.violations[0] ?? 'broken'}${more}`;
    });
}

/** The invariant a problem line names, or the whole line for a run that ended with an error. */
function invariantOf(problem: string): string {
  return problem.startsWith('run failed:') ? problem : problem.slice(0, problem.indexOf(':'));
}

/** The property's failure, carrying the problems so the result can name them. */
class FuzzRunError extends MetaforaError {
  constructor(readonly problems: string[]) {
    super(`invariants broken: ${problems.join('; ')}`);
  }
}
