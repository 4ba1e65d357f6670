import type { Scenario } from '../sim/scenario.js';

export const scenario: Scenario = {
  name: 'scale-out',
  description: 'Two nodes join a loaded three-node cluster and get their share at the next balances.',
  nodes: 3,
  leaseTtlSeconds: 10,
  balancer: 'fair',
  balanceEveryMs: 20_000,
  workload: { forever: 1 },
  submissions: [{ at: 1_000, count: 60 }],
  faults: [
    { at: 60_000, kind: 'start', node: 'n4' },
    { at: 70_000, kind: 'start', node: 'n5' },
  ],
  faultPhaseMs: 120_000,
};
