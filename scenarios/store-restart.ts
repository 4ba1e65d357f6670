import type { Scenario } from '../sim/scenario.js';

export const scenario: Scenario = {
  name: 'store-restart',
  description: 'The store restarts: every watch breaks and every lease is extended to its full TTL.',
  nodes: 3,
  leaseTtlSeconds: 10,
  balancer: 'fair',
  balanceEveryMs: 20_000,
  workload: { forever: 1 },
  submissions: [
    { at: 1_000, count: 30 },
    { at: 62_000, count: 5 },
  ],
  faults: [
    { at: 60_000, kind: 'store-restart' },
    { at: 80_000, kind: 'store-unavailable', durationMs: 4_000 },
  ],
  faultPhaseMs: 120_000,
};
