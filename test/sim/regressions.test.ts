import { describe, expect, it } from 'vitest';

import { findScenario } from '../../scenarios/index.js';
import { runScenario } from '../../sim/run.js';

/**
 * Runs that once broke an invariant or hung, each kept with what it found. Each replays with
 * `metafora sim <scenario> --seed <seed>`.
 */
const REGRESSIONS = [
  { scenario: 'reply-loss-claims', seed: '3', found: 'a sleep shorter than the float resolution of virtual time never advanced it' },
  { scenario: 'reply-loss-claims', seed: '8', found: 'a sleep shorter than the float resolution of virtual time never advanced it' },
  { scenario: 'reply-loss-claims', seed: '7', found: 'a done whose reply was lost was retried, found the claim gone and was reported as a release' },
  { scenario: 'reply-loss-claims', seed: '4', found: 'a claim lost on the way was read back as "not ours" and its task never offered again' },
  { scenario: 'reply-loss-claims', seed: '17', found: 'a claim lost on the way was read back as "not ours" and its task never offered again' },
  { scenario: 'reply-loss-claims', seed: '30', found: 'a claim lost on the way was read back as "not ours" and its task never offered again' },
  { scenario: 'reply-loss-claims', seed: '5', found: 'an applied claim whose read-back failed left an owner key that no run used' },
  { scenario: 'reply-loss-claims', seed: '28', found: 'a done applied with its reply lost, then its read-back failed, so no node knew the task was done' },
  { scenario: 'buggified-churn', seed: '70', found: 'buggify kept failing renewals in the quiet phase, so sessions expired and tasks churned' },
  { scenario: 'reply-loss-claims', seed: '36', found: 'a done applied with its reply lost, then its read-back failed, so no node knew the task was done' },
  { scenario: 'statemachine-partition', seed: '2', found: 'a stateful run stopped during a state write waited for the cut-off store past the safety margin' },
  { scenario: 'statemachine-partition', seed: '9', found: 'a stateful run stopped during a state write waited for the cut-off store past the safety margin' },
];

describe('simulator regressions', () => {
  for (const { scenario: name, seed, found } of REGRESSIONS) {
    it(`${name} seed ${seed}`, async () => {
      const scenario = findScenario(name);
      expect(scenario, `scenario ${name}`).toBeDefined();
      const result = await runScenario(scenario!, seed);
      const broken = result.verdicts.filter((verdict) => verdict.status === 'broken');
      expect(broken.map((verdict) => `${verdict.invariant}: ${verdict.violations[0]}`), found).toEqual([]);
    });
  }
});
