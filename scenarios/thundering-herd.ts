import type { Scenario } from '../sim/scenario.js';

export const scenario: Scenario = {
  name: 'thundering-herd',
  description: 'Five hundred tasks arrive at once on five nodes.',
  nodes: 5,
  leaseTtlSeconds: 10,
  balancer: 'fair',
  balanceEveryMs: 20_000,
  workload: { forever: 4, finite: 1, runMs: [10_000, 60_000] },
  submissions: [{ at: 5_000, count: 500 }],
  faults: [],
  faultPhaseMs: 60_000,
};
