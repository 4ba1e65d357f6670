import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { scenarioArbitrary } from '../../sim/fuzz/arbitraries.js';

const SAMPLES = fc.sample(scenarioArbitrary, { seed: 42, numRuns: 400 });

function sendsTaskCommands(faults: (typeof SAMPLES)[number]['faults']): boolean {
  return faults.some((fault) => fault.kind === 'task-command');
}

describe('scenarioArbitrary', () => {
  it('generates state machine runs', () => {
    expect(SAMPLES.some((scenario) => scenario.workload.stateMachine !== undefined)).toBe(true);
  });

  it('keeps most runs on the plain workload', () => {
    const stateful = SAMPLES.filter((scenario) => scenario.workload.stateMachine !== undefined);
    expect(stateful.length).toBeLessThan(SAMPLES.length / 2);
  });

  it('sends task commands in state machine runs', () => {
    const stateful = SAMPLES.filter((scenario) => scenario.workload.stateMachine !== undefined);
    expect(stateful.some((scenario) => sendsTaskCommands(scenario.faults))).toBe(true);
  });

  it('names only submitted tasks in task commands', () => {
    for (const scenario of SAMPLES) {
      const tasks = scenario.submissions.reduce((sum, submission) => sum + submission.count, 0);
      for (const fault of scenario.faults) {
        if (fault.kind !== 'task-command') continue;
        expect(Number(fault.task.slice(1))).toBeLessThanOrEqual(tasks);
      }
    }
  });
});
