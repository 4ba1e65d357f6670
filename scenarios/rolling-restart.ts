import type { FaultCommand, Scenario } from '../sim/scenario.js';

const nodes = ['n1', 'n2', 'n3', 'n4'];

export const scenario: Scenario = {
  name: 'rolling-restart',
  description: 'Every node shuts down gracefully and starts again, one after another.',
  nodes: nodes.length,
  leaseTtlSeconds: 10,
  balancer: 'fair',
  balanceEveryMs: 20_000,
  workload: { forever: 1 },
  submissions: [{ at: 1_000, count: 30 }],
  faults: nodes.flatMap((node, index): FaultCommand[] => [
    { at: 40_000 + index * 30_000, kind: 'shutdown', node },
    { at: 50_000 + index * 30_000, kind: 'start', node },
  ]),
  faultPhaseMs: 180_000,
};
