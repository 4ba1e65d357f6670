import { describe, expect, it } from 'vitest';

import type { HistoryEvent } from '../../../sim/history.js';
import { checkCleanShutdown } from '../../../sim/invariants/clean-shutdown.js';
import { at, context, history, run, settled } from './history-builder.js';

const started = [at.nodeStart(0, 'n1'), at.nodeStart(0, 'n2'), at.submit(100, 't1')];
const end = settled(20_000, { t1: 'n2' }, ['n2']);

/** n1 runs t1 from 1,000 ms, shuts down at 10,000 ms and releases t1 at 10,100 ms. */
const shutdown = history(
  run({ node: 'n1', task: 't1', token: 5, from: 1_000, to: 10_100, stopAt: 10_000, stopReason: 'shutdown' }),
  at.nodeStopping(10_000, 'n1'),
  at.nodeStop(10_200, 'n1'),
);

function check(...parts: Array<HistoryEvent | HistoryEvent[]>): ReturnType<typeof checkCleanShutdown> {
  return checkCleanShutdown(history(started, ...parts, end), context());
}

describe('checkCleanShutdown', () => {
  it('holds when another node takes over in time', () => {
    const verdict = check(shutdown, run({ node: 'n2', task: 't1', token: 9, from: 13_100 }));
    expect(verdict.status).toBe('holds');
    expect(verdict.violations).toEqual([]);
  });

  it('breaks when a running task is not released', () => {
    const verdict = check(
      run({ node: 'n1', task: 't1', token: 5, from: 1_000, stopAt: 10_000, stopReason: 'shutdown' }),
      at.nodeStopping(10_000, 'n1'),
      at.nodeStop(15_000, 'n1'),
      run({ node: 'n2', task: 't1', token: 9, from: 16_000 }),
    );
    expect(verdict.status).toBe('broken');
    expect(verdict.violations).toEqual([
      'n1 stopped at 15000 ms without releasing task t1, which it ran when its shutdown began at 10000 ms',
    ]);
  });

  it('breaks on a release after the node stop', () => {
    const verdict = check(
      run({ node: 'n1', task: 't1', token: 5, from: 1_000, to: 10_300 }),
      at.nodeStopping(10_000, 'n1'),
      at.nodeStop(10_200, 'n1'),
      run({ node: 'n2', task: 't1', token: 9, from: 11_000 }),
    );
    expect(verdict.status).toBe('broken');
  });

  it('accepts done in place of a release', () => {
    const verdict = check(
      run({ node: 'n1', task: 't1', token: 5, from: 1_000, to: 10_100, result: 'done' }),
      at.nodeStopping(10_000, 'n1'),
      at.nodeStop(10_200, 'n1'),
    );
    expect(verdict.status).toBe('holds');
  });

  it('breaks when nobody claims the task in time', () => {
    const verdict = check(shutdown, run({ node: 'n2', task: 't1', token: 9, from: 13_101 }));
    expect(verdict.status).toBe('broken');
    expect(verdict.violations).toEqual([
      'task t1, released by n1 at 10100 ms during its shutdown, was not claimed by another node by 13100 ms, ' +
        'although n2 could claim it',
    ]);
  });

  it('does not count a reclaim by the stopping node', () => {
    const verdict = check(shutdown, at.claim(10_150, 'n1', 't1', 7));
    expect(verdict.status).toBe('broken');
  });

  it('accepts a claim that moved before the release', () => {
    const verdict = check(
      run({ node: 'n1', task: 't1', token: 5, from: 1_000, to: 10_100, stopAt: 10_000, stopReason: 'lost' }),
      run({ node: 'n2', task: 't1', token: 9, from: 9_000 }),
      at.nodeStopping(10_000, 'n1'),
      at.nodeStop(10_200, 'n1'),
    );
    expect(verdict.status).toBe('holds');
  });

  it('owes no hand-over for a task done meanwhile', () => {
    const verdict = check(
      run({ node: 'n1', task: 't1', token: 5, from: 1_000, to: 10_100 }),
      at.done(9_000, 'n3', 't1'),
      at.nodeStopping(10_000, 'n1'),
      at.nodeStop(10_200, 'n1'),
    );
    expect(verdict.status).toBe('holds');
  });

  describe('without a node able to claim', () => {
    it('holds when the other node is frozen', () => {
      const frozen = [at.commandSent(5_000, 'n2', 'c1', 'freeze'), at.commandApplied(5_000, 'n2', 'c1', 'freeze')];
      expect(check(shutdown, frozen).status).toBe('holds');
    });

    it('breaks when the other node was unfrozen before', () => {
      const unfrozen = [
        at.commandApplied(5_000, 'n2', 'c1', 'freeze'),
        at.commandApplied(6_000, 'n2', 'c2', 'unfreeze'),
      ];
      expect(check(shutdown, unfrozen).status).toBe('broken');
    });

    it('holds when the other node is paused', () => {
      const paused = [at.faultStart(12_000, 'pause', 'n2'), at.faultEnd(14_000, 'pause', 'n2')];
      expect(check(shutdown, paused).status).toBe('holds');
    });

    it('holds when the other node is shutting down too', () => {
      expect(check(shutdown, at.nodeStopping(9_000, 'n2')).status).toBe('holds');
    });

    it('holds when the other node crashes during the hand-over', () => {
      expect(check(shutdown, at.nodeCrash(12_000, 'n2')).status).toBe('holds');
    });

    it('holds when a third node crashes during the hand-over', () => {
      // n3 may have claimed t1 and crashed before it could report the claim.
      expect(check(shutdown, at.nodeStart(0, 'n3'), at.nodeCrash(11_000, 'n3')).status).toBe('holds');
    });

    it('breaks when a third node crashed before the release', () => {
      expect(check(shutdown, at.nodeStart(0, 'n3'), at.nodeCrash(9_000, 'n3')).status).toBe('broken');
    });

    it('holds during a store-wide fault', () => {
      const outage = [at.faultStart(11_000, 'store-unavailable'), at.faultEnd(12_000, 'store-unavailable')];
      expect(check(shutdown, outage).status).toBe('holds');
    });

    it('holds after a store fault that never ended', () => {
      expect(check(at.faultStart(1_000, 'store-restart'), shutdown).status).toBe('holds');
    });

    it('breaks after a store fault closed by the quiet phase', () => {
      const verdict = check(at.faultStart(1_000, 'store-restart'), at.phase(5_000, 'quiet'), shutdown);
      expect(verdict.status).toBe('broken');
    });

    it('holds when the history ends before the deadline', () => {
      const events = history(started, shutdown, at.nodeStart(12_000, 'n3'));
      expect(checkCleanShutdown(events, context()).status).toBe('holds');
    });
  });

  it('ignores a shutdown cut short by a crash', () => {
    const verdict = check(
      run({ node: 'n1', task: 't1', token: 5, from: 1_000 }),
      at.nodeStopping(10_000, 'n1'),
      at.nodeCrash(10_100, 'n1'),
      at.nodeStart(11_000, 'n1'),
      at.nodeStop(12_000, 'n1'),
      run({ node: 'n2', task: 't1', token: 9, from: 13_000 }),
    );
    expect(verdict.status).toBe('holds');
  });
});
