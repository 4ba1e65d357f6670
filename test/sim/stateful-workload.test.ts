import { describe, expect, it } from 'vitest';

import type { HistoryEvent } from '../../sim/history.js';
import { runScenario } from '../../sim/run.js';
import type { Scenario } from '../../sim/scenario.js';

const base: Scenario = {
  name: 'stateful-workload-test',
  description: 'A small cluster running stateful tasks.',
  nodes: 2,
  leaseTtlSeconds: 10,
  balancer: 'fair',
  balanceEveryMs: 20_000,
  workload: { stateMachine: { forever: 1, complete: 1, sleeper: 1, failing: 1, checkpointing: 1, runMs: [5_000, 20_000] } },
  submissions: [{ at: 1_000, count: 10 }],
  faults: [],
  faultPhaseMs: 120_000,
};

function transitions(trace: string): Extract<HistoryEvent, { type: 'transition' }>[] {
  return trace
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as HistoryEvent)
    .filter((event): event is Extract<HistoryEvent, { type: 'transition' }> => event.type === 'transition');
}

describe('stateful workload', () => {
  it('records the initial state of every task first', async () => {
    const firsts = new Map<string, string>();
    for (const event of transitions((await runScenario(base, '1')).trace)) {
      if (!firsts.has(event.task)) firsts.set(event.task, event.message);
    }
    expect([...firsts.values()]).toEqual(Array.from({ length: 10 }, () => 'initial'));
  });

  it('records the behaviours of the mix as transitions', async () => {
    const messages = new Set(transitions((await runScenario(base, '1')).trace).map((event) => event.message));
    expect([...messages].sort()).toEqual(['checkpoint', 'complete', 'error', 'initial', 'run', 'sleep']);
  });

  it('passes every invariant', async () => {
    expect((await runScenario(base, '2')).passed).toBe(true);
  });

  it('records no transitions under the plain workload', async () => {
    const plain = { ...base, workload: { forever: 1, finite: 1 } };
    expect(transitions((await runScenario(plain, '1')).trace)).toEqual([]);
  });
});
