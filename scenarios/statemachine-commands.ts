import type { FaultCommand, Scenario } from '../sim/scenario.js';

/** Task commands for t1..t12, a few seconds apart, while every node runs. */
const commands: FaultCommand[] = [
  { at: 20_000, kind: 'task-command', task: 't1', command: 'pause' },
  { at: 22_000, kind: 'task-command', task: 't2', command: 'sleep', untilMs: 50_000 },
  { at: 24_000, kind: 'task-command', task: 't3', command: 'kill' },
  { at: 26_000, kind: 'task-command', task: 't4', command: 'checkpoint' },
  { at: 28_000, kind: 'task-command', task: 't5', command: 'release' },
  { at: 30_000, kind: 'task-command', task: 't6', command: 'pause' },
  { at: 40_000, kind: 'task-command', task: 't1', command: 'run' },
  { at: 42_000, kind: 'task-command', task: 't6', command: 'kill' },
  { at: 44_000, kind: 'task-command', task: 't7', command: 'sleep', untilMs: 60_000 },
  { at: 46_000, kind: 'task-command', task: 't7', command: 'pause' },
  { at: 50_000, kind: 'task-command', task: 't8', command: 'pause' },
  { at: 50_500, kind: 'task-command', task: 't8', command: 'run' },
  { at: 52_000, kind: 'task-command', task: 't9', command: 'sleep', untilMs: 58_000 },
  { at: 54_000, kind: 'task-command', task: 't9', command: 'run' },
  { at: 60_000, kind: 'task-command', task: 't7', command: 'run' },
  { at: 62_000, kind: 'task-command', task: 't10', command: 'kill' },
  { at: 64_000, kind: 'task-command', task: 't11', command: 'pause' },
  { at: 66_000, kind: 'task-command', task: 't12', command: 'sleep', untilMs: 70_000 },
];

export const scenario: Scenario = {
  name: 'statemachine-commands',
  description: 'Stateful tasks get pause, run, sleep, kill, checkpoint and release commands while every node runs.',
  nodes: 3,
  leaseTtlSeconds: 10,
  balancer: 'fair',
  balanceEveryMs: 20_000,
  workload: {
    effectEveryMs: 2_000,
    stateMachine: { forever: 3, sleeper: 1, checkpointing: 1, runMs: [5_000, 30_000], sleepMs: [2_000, 20_000] },
  },
  submissions: [{ at: 1_000, count: 24 }],
  faults: commands,
  faultPhaseMs: 100_000,
};
