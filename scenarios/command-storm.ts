import type { FaultCommand, Scenario } from '../sim/scenario.js';

const storm: FaultCommand[] = [];
for (let i = 0; i < 20; i++) {
  const at = 30_000 + i * 2_500;
  const node = `n${(i % 3) + 1}`;
  const kinds = [
    { command: 'freeze' },
    { command: 'balance' },
    { command: 'stop_task', parameters: { task: `t${(i * 7) % 30 + 1}` } },
    { command: 'unfreeze' },
  ] as const;
  storm.push({ at, kind: 'command', node, command: kinds[i % kinds.length]! });
}
// Every node ends unfrozen so the liveness checks apply.
for (const node of ['n1', 'n2', 'n3']) storm.push({ at: 85_000, kind: 'command', node, command: { command: 'unfreeze' } });

export const scenario: Scenario = {
  name: 'command-storm',
  description: 'Freeze, unfreeze, balance and stop-task commands rain on every node.',
  nodes: 3,
  leaseTtlSeconds: 10,
  balancer: 'fair',
  balanceEveryMs: 20_000,
  workload: { forever: 1 },
  submissions: [{ at: 1_000, count: 30 }],
  faults: storm,
  faultPhaseMs: 90_000,
};
