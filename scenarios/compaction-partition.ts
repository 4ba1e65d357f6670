import type { Scenario } from '../sim/scenario.js';

export const scenario: Scenario = {
  name: 'compaction-partition',
  description: 'The store compacts its history while a node is cut off, so its watch cannot resume.',
  nodes: 3,
  leaseTtlSeconds: 10,
  balancer: 'fair',
  balanceEveryMs: 20_000,
  workload: { forever: 2, finite: 1, runMs: [5_000, 30_000] },
  submissions: [
    { at: 1_000, count: 20 },
    { at: 45_000, count: 10 },
  ],
  faults: [
    { at: 40_000, kind: 'partition', node: 'n2', durationMs: 6_000 },
    { at: 44_000, kind: 'compact' },
    { at: 46_500, kind: 'compact' },
  ],
  faultPhaseMs: 90_000,
};
