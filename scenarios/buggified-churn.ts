import type { Scenario } from '../sim/scenario.js';

export const scenario: Scenario = {
  name: 'buggified-churn',
  description: 'Delays and failures injected inside claims, renewals and watch handling, with a crash and a join.',
  nodes: 4,
  leaseTtlSeconds: 10,
  balancer: 'fair',
  balanceEveryMs: 15_000,
  workload: { forever: 3, finite: 1, runMs: [10_000, 60_000], effectEveryMs: 1_000 },
  submissions: [
    { at: 1_000, count: 30 },
    { at: 50_000, count: 10 },
  ],
  faults: [
    { at: 40_000, kind: 'crash', node: 'n2' },
    { at: 60_000, kind: 'start', node: 'n5' },
    { at: 70_000, kind: 'partition', node: 'n3', durationMs: 12_000 },
  ],
  faultPhaseMs: 100_000,
  buggify: { probability: 0.2, maxDelayMs: 2_000, failureShare: 0.3 },
};
