import type { FaultCommand, Scenario } from '../sim/scenario.js';

/**
 * n1 is cut off for 30 s, longer than the lease TTL, while tasks t1..t12 get a command each. Those n1
 * owns get theirs while their owner cannot see them, so the claim moves and the next owner applies
 * the stored command, or n1 applies it after the heal if it kept the claim.
 */
const commands: FaultCommand[] = Array.from({ length: 12 }, (_, index): FaultCommand => {
  const names = ['pause', 'sleep', 'checkpoint', 'kill'] as const;
  const command = names[index % names.length]!;
  const at = 42_000 + index * 1_500;
  const task = `t${index + 1}`;
  return command === 'sleep'
    ? { at, kind: 'task-command', task, command, untilMs: at + 15_000 }
    : { at, kind: 'task-command', task, command };
});

export const scenario: Scenario = {
  name: 'statemachine-partition',
  description: 'Stateful tasks get commands while the node that owns some of them is cut off, then healed.',
  nodes: 3,
  leaseTtlSeconds: 10,
  balancer: 'fair',
  balanceEveryMs: 20_000,
  workload: {
    effectEveryMs: 1_000,
    stateMachine: { forever: 2, sleeper: 1, checkpointing: 1, runMs: [5_000, 30_000], sleepMs: [2_000, 20_000] },
  },
  submissions: [{ at: 1_000, count: 18 }],
  faults: [
    { at: 40_000, kind: 'partition', node: 'n1', durationMs: 30_000 },
    ...commands,
    // Paused tasks run again once the link is back.
    { at: 80_000, kind: 'task-command', task: 't1', command: 'run' },
    { at: 81_000, kind: 'task-command', task: 't5', command: 'run' },
    { at: 82_000, kind: 'task-command', task: 't9', command: 'run' },
  ],
  faultPhaseMs: 120_000,
};
