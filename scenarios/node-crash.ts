import type { Scenario } from '../sim/scenario.js';

export const scenario: Scenario = {
  name: 'node-crash',
  description: 'A node crashes while it owns tasks; they move after its lease expires, never twice at once.',
  nodes: 4,
  leaseTtlSeconds: 10,
  balancer: 'fair',
  balanceEveryMs: 30_000,
  workload: { forever: 1 },
  submissions: [{ at: 1_000, count: 40 }],
  faults: [{ at: 60_000, kind: 'crash', node: 'n2' }],
  faultPhaseMs: 120_000,
};
