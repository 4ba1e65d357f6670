import type { Scenario } from '../sim/scenario.js';

export const scenario: Scenario = {
  name: 'slow-stopping',
  description: 'Handlers take two seconds to stop, within the safety margin, while nodes balance and leave.',
  nodes: 3,
  leaseTtlSeconds: 10,
  balancer: 'fair',
  balanceEveryMs: 15_000,
  workload: { forever: 1, stubborn: 2, stubbornMs: 2_000 },
  submissions: [{ at: 1_000, count: 30 }],
  faults: [
    { at: 20_000, kind: 'start', node: 'n4' },
    { at: 70_000, kind: 'shutdown', node: 'n2' },
    { at: 80_000, kind: 'partition', node: 'n3', durationMs: 15_000 },
  ],
  faultPhaseMs: 120_000,
};
