import { beforeAll, describe, expect, it } from 'vitest';

import { SCENARIOS } from '../../scenarios/index.js';
import { replayCommand } from '../../src/cli/sim-report.js';
import type { RunResult } from '../../sim/run.js';
import { runScenario } from '../../sim/run.js';

const SEEDS = ['1', '2', '3', '4', '5'];

/** Generous bound for ten runs of the slowest scenario (each takes 0.1 to 1 s). */
const SCENARIO_TIMEOUT_MS = 120_000;

/** Describes where two traces first differ, so a determinism failure points at the event to read. */
function firstDifference(a: string, b: string): string {
  const left = a.split('\n');
  const right = b.split('\n');
  const line = left.findIndex((text, index) => text !== right[index]);
  const at = line === -1 ? left.length : line;
  return `traces differ at line ${at + 1}:\n  first:  ${left[at] ?? '(end)'}\n  second: ${right[at] ?? '(end)'}`;
}

describe.each(SCENARIOS.map((scenario) => [scenario.name, scenario] as const))('determinism of %s', (_name, scenario) => {
  const pairs = new Map<string, [RunResult, RunResult]>();

  beforeAll(async () => {
    for (const seed of SEEDS) pairs.set(seed, [await runScenario(scenario, seed), await runScenario(scenario, seed)]);
  }, SCENARIO_TIMEOUT_MS);

  it.each(SEEDS)('gives the same trace twice with seed %s', (seed) => {
    const [first, second] = pairs.get(seed)!;
    expect(second.traceHash, second.traceHash === first.traceHash ? '' : firstDifference(first.trace, second.trace)).toBe(
      first.traceHash,
    );
  });

  // Every built-in scenario draws from its seed (link jitter, task behaviours, balancer choices),
  // so each of the five seeds must give a trace of its own.
  it('gives five different traces for five seeds', () => {
    const hashes = SEEDS.map((seed) => pairs.get(seed)![0].traceHash);
    expect(new Set(hashes).size).toBe(SEEDS.length);
  });
});

describe('metafora sim --all --seed 1', () => {
  it(
    'breaks no invariant in any scenario',
    async () => {
      const failures: string[] = [];
      for (const scenario of SCENARIOS) {
        const run = await runScenario(scenario, '1');
        for (const verdict of run.verdicts.filter((entry) => entry.status === 'broken')) {
          const replay = replayCommand({ kind: 'scenario', name: scenario.name, seed: '1' });
          failures.push(`${scenario.name}: ${verdict.invariant} broken: ${verdict.violations.slice(0, 3).join('; ')} (replay: ${replay})`);
        }
      }
      expect(failures).toEqual([]);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
