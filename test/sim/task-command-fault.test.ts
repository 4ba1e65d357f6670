import { describe, expect, it } from 'vitest';

import type { HistoryEvent } from '../../sim/history.js';
import { runScenario } from '../../sim/run.js';
import type { FaultCommand, Scenario } from '../../sim/scenario.js';

function scenarioWith(faults: FaultCommand[]): Scenario {
  return {
    name: 'task-command-fault-test',
    description: 'One node runs one stateful task and gets task commands.',
    nodes: 1,
    leaseTtlSeconds: 10,
    balancer: 'fair',
    balanceEveryMs: 20_000,
    workload: { stateMachine: { forever: 1 } },
    submissions: [{ at: 1_000, count: 1 }],
    faults,
    faultPhaseMs: 60_000,
  };
}

async function events(faults: FaultCommand[]): Promise<HistoryEvent[]> {
  const { trace } = await runScenario(scenarioWith(faults), '1');
  return trace
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as HistoryEvent);
}

/** Lists the transitions after the initial one, as `from>to` text with the virtual time. */
function moves(history: HistoryEvent[]): string[] {
  return history.flatMap((event) =>
    event.type === 'transition' && event.from !== null ? [`${event.t}: ${event.from}>${event.to}`] : [],
  );
}

describe('task-command fault', () => {
  it('records the command it sent', async () => {
    const history = await events([{ at: 10_000, kind: 'task-command', task: 't1', command: 'pause' }]);
    expect(history.filter((event) => event.type === 'task-command-sent')).toEqual([
      { t: 10_000, type: 'task-command-sent', task: 't1', command: 'pause' },
    ]);
  });

  it('pauses and runs a task again', async () => {
    const history = await events([
      { at: 10_000, kind: 'task-command', task: 't1', command: 'pause' },
      { at: 20_000, kind: 'task-command', task: 't1', command: 'run' },
    ]);
    expect(moves(history).map((move) => move.split(': ')[1])).toEqual(['runnable>paused', 'paused>runnable']);
  });

  it('wakes a slept task at the given run time', async () => {
    const history = await events([{ at: 10_000, kind: 'task-command', task: 't1', command: 'sleep', untilMs: 30_000 }]);
    const wake = moves(history).find((move) => move.endsWith('sleeping>runnable'));
    // The write is recorded when the store's reply arrives, a few link latencies after the wake.
    const wokeAt = Number(wake?.split(':')[0]);
    expect(wokeAt).toBeGreaterThanOrEqual(30_000);
    expect(wokeAt).toBeLessThan(30_100);
  });

  it('sends nothing for a task that does not exist', async () => {
    const history = await events([{ at: 10_000, kind: 'task-command', task: 'missing', command: 'kill' }]);
    expect(history.some((event) => event.type === 'task-command-sent')).toBe(false);
  });
});
