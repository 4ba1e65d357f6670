import type { Scenario } from '../sim/scenario.js';

/**
 * A node crashes and the store changes leader right after, which extends every lease, the
 * crashed node's too, to its full TTL. The crashed node's tasks must be claimed again within
 * crash + 2 x TTL + slack, never twice at once.
 */
export const scenario: Scenario = {
  name: 'crash-then-leader-change',
  description: 'A node crashes, then the store changes leader and extends its lease once more.',
  nodes: 3,
  leaseTtlSeconds: 10,
  balancer: 'fair',
  balanceEveryMs: 20_000,
  workload: { forever: 1, effectEveryMs: 1_000 },
  submissions: [{ at: 1_000, count: 30 }],
  faults: [
    { at: 40_000, kind: 'crash', node: 'n1' },
    { at: 45_000, kind: 'store-restart' },
  ],
  faultPhaseMs: 60_000,
};
