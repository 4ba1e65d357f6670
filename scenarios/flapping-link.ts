import type { Scenario } from '../sim/scenario.js';

export const scenario: Scenario = {
  name: 'flapping-link',
  description: "One node's link goes down and up every three seconds for a minute.",
  nodes: 3,
  leaseTtlSeconds: 10,
  balancer: 'fair',
  balanceEveryMs: 20_000,
  workload: { forever: 1, effectEveryMs: 1_000 },
  submissions: [{ at: 1_000, count: 30 }],
  faults: [{ at: 40_000, kind: 'flap', node: 'n2', durationMs: 60_000, periodMs: 3_000 }],
  faultPhaseMs: 120_000,
};
