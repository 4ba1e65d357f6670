import type { Scenario } from '../sim/scenario.js';

export const scenario: Scenario = {
  name: 'owner-partition',
  description: 'A node that owns tasks is cut off from the store for longer than its lease TTL.',
  nodes: 3,
  leaseTtlSeconds: 10,
  balancer: 'fair',
  balanceEveryMs: 20_000,
  workload: { forever: 1, effectEveryMs: 1_000 },
  submissions: [{ at: 1_000, count: 30 }],
  faults: [{ at: 50_000, kind: 'partition', node: 'n1', durationMs: 30_000 }],
  faultPhaseMs: 120_000,
};
