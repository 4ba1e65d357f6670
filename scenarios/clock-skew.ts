import type { Scenario } from '../sim/scenario.js';

export const scenario: Scenario = {
  name: 'clock-skew',
  description: 'Wall clocks jump backwards and forwards and one clock drifts while a node is cut off.',
  nodes: 3,
  leaseTtlSeconds: 10,
  balancer: 'fair',
  balanceEveryMs: 20_000,
  workload: { forever: 1, effectEveryMs: 1_000 },
  submissions: [{ at: 1_000, count: 30 }],
  faults: [
    { at: 20_000, kind: 'clock-drift', node: 'n3', rate: 1.002 },
    { at: 30_000, kind: 'clock-jump', node: 'n1', byMs: -60_000 },
    { at: 30_000, kind: 'partition', node: 'n1', durationMs: 20_000 },
    { at: 60_000, kind: 'clock-jump', node: 'n2', byMs: 45_000 },
  ],
  faultPhaseMs: 120_000,
};
