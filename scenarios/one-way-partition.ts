import type { Scenario } from '../sim/scenario.js';

export const scenario: Scenario = {
  name: 'one-way-partition',
  description: 'One node can send but not receive, another can receive but not send.',
  nodes: 4,
  leaseTtlSeconds: 10,
  balancer: 'fair',
  balanceEveryMs: 20_000,
  workload: { forever: 1, effectEveryMs: 1_000 },
  submissions: [{ at: 1_000, count: 40 }],
  faults: [
    { at: 40_000, kind: 'partition', node: 'n1', direction: 'from-store', durationMs: 30_000 },
    { at: 50_000, kind: 'partition', node: 'n2', direction: 'to-store', durationMs: 30_000 },
  ],
  faultPhaseMs: 120_000,
};
