import type { Scenario } from '../sim/scenario.js';

export const scenario: Scenario = {
  name: 'scale-in',
  description: 'Two of five nodes shut down gracefully; the others take their tasks at once.',
  nodes: 5,
  leaseTtlSeconds: 10,
  balancer: 'fair',
  balanceEveryMs: 20_000,
  workload: { forever: 1 },
  submissions: [{ at: 1_000, count: 50 }],
  faults: [
    { at: 60_000, kind: 'shutdown', node: 'n4' },
    { at: 75_000, kind: 'shutdown', node: 'n5' },
  ],
  faultPhaseMs: 120_000,
};
