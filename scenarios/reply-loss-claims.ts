import type { Scenario } from '../sim/scenario.js';

export const scenario: Scenario = {
  name: 'reply-loss-claims',
  description: 'Replies are lost while tasks are claimed, so claims succeed without the node knowing.',
  nodes: 4,
  leaseTtlSeconds: 10,
  balancer: 'fair',
  balanceEveryMs: 20_000,
  workload: { forever: 2, finite: 1, runMs: [10_000, 60_000] },
  submissions: [
    { at: 5_000, count: 20 },
    { at: 25_000, count: 20 },
  ],
  faults: [{ at: 4_000, kind: 'loss', durationMs: 40_000, lossRate: 0.05, replyLossRate: 0.3 }],
  faultPhaseMs: 90_000,
};
