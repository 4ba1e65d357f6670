import type { Scenario } from '../sim/scenario.js';

/** Slow-stopping handlers while a node joins: balancing must converge, not churn forever. */
export const scenario: Scenario = {
  name: 'slow-handlers-join',
  description: 'Handlers take their time to stop while a new node joins and the cluster rebalances.',
  nodes: 3,
  leaseTtlSeconds: 10,
  balancer: 'fair',
  balanceEveryMs: 10_000,
  workload: { stubborn: 1, stubbornMs: 2_000 },
  submissions: [{ at: 1_000, count: 45 }],
  faults: [{ at: 30_000, kind: 'start', node: 'n4' }],
  faultPhaseMs: 60_000,
  quietPhaseMs: 120_000,
};
