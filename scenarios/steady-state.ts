import type { Scenario } from '../sim/scenario.js';

export const scenario: Scenario = {
  name: 'steady-state',
  description: 'Five nodes, fifty tasks, no faults: every task runs once and the spread is fair.',
  nodes: 5,
  leaseTtlSeconds: 10,
  balancer: 'fair',
  balanceEveryMs: 30_000,
  workload: { forever: 3, finite: 1, runMs: [20_000, 200_000] },
  submissions: [{ at: 1_000, count: 50 }],
  faults: [],
  faultPhaseMs: 180_000,
};
