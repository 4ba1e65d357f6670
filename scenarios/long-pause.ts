import type { Scenario } from '../sim/scenario.js';

export const scenario: Scenario = {
  name: 'long-pause',
  description:
    'A node process is paused for twice its lease TTL. It cannot stop its handlers while paused, so ' +
    'another node runs its tasks at the same time: single-runner breaks in exactly that window, ' +
    'and the fencing tokens must still keep the stale writes out.',
  nodes: 3,
  leaseTtlSeconds: 10,
  balancer: 'fair',
  balanceEveryMs: 20_000,
  workload: { forever: 1, effectEveryMs: 1_000 },
  submissions: [{ at: 1_000, count: 15 }],
  faults: [{ at: 40_000, kind: 'pause', node: 'n1', durationMs: 20_000 }],
  faultPhaseMs: 90_000,
  expectedToBreak: ['single-runner'],
};
