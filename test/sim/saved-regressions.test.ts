import { readdirSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { REGRESSIONS_DIR } from '../../sim/fuzz/case-file.js';
import { brokenLines } from '../../sim/fuzz/fuzz.js';
import { runScenario } from '../../sim/run.js';
import { loadScenarioCase } from '../../src/cli/scenario-file.js';

const root = path.resolve(import.meta.dirname, '../..');
const files = readdirSync(path.join(root, REGRESSIONS_DIR))
  .filter((name) => name.endsWith('.json'))
  .sort();

/**
 * Every saved case replays on every test run. A case is saved by `metafora fuzz` when a generated
 * run broke an invariant; once the runtime is fixed, the case must keep passing.
 */
describe('saved regression cases', () => {
  it('finds at least one case', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const name of files) {
    it(name, async () => {
      const saved = loadScenarioCase(path.join(REGRESSIONS_DIR, name), root);
      const result = await runScenario(saved.scenario, saved.seed);
      expect(brokenLines(result), `replay: metafora sim --file ${REGRESSIONS_DIR}/${name}`).toEqual([]);
    });
  }
});
