import type { Scenario } from '../sim/scenario.js';

export const scenario: Scenario = {
  name: 'statemachine-restart',
  description: 'Stateful tasks get commands just before, during and after a node restart, then around a store restart.',
  nodes: 3,
  leaseTtlSeconds: 10,
  balancer: 'fair',
  balanceEveryMs: 20_000,
  workload: {
    effectEveryMs: 2_000,
    stateMachine: { forever: 2, sleeper: 1, checkpointing: 1, failing: 1, runMs: [5_000, 30_000], sleepMs: [2_000, 20_000], faultSleepMs: 10_000 },
  },
  submissions: [{ at: 1_000, count: 18 }],
  faults: [
    { at: 29_500, kind: 'task-command', task: 't1', command: 'pause' },
    { at: 29_900, kind: 'task-command', task: 't2', command: 'sleep', untilMs: 45_000 },
    { at: 30_000, kind: 'restart', node: 'n2', downMs: 5_000 },
    { at: 31_000, kind: 'task-command', task: 't3', command: 'pause' },
    { at: 33_000, kind: 'task-command', task: 't4', command: 'kill' },
    { at: 36_000, kind: 'task-command', task: 't5', command: 'checkpoint' },
    { at: 40_000, kind: 'task-command', task: 't1', command: 'run' },
    { at: 45_000, kind: 'task-command', task: 't6', command: 'release' },
    { at: 69_000, kind: 'task-command', task: 't7', command: 'pause' },
    { at: 70_000, kind: 'store-restart' },
    { at: 70_000, kind: 'task-command', task: 't8', command: 'sleep', untilMs: 80_000 },
    { at: 71_000, kind: 'task-command', task: 't9', command: 'kill' },
    { at: 75_000, kind: 'task-command', task: 't3', command: 'run' },
    { at: 78_000, kind: 'task-command', task: 't7', command: 'run' },
  ],
  faultPhaseMs: 120_000,
};
