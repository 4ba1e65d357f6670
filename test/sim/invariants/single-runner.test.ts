import { describe, expect, it } from 'vitest';

import { checkSingleRunner } from '../../../sim/invariants/single-runner.js';
import { at, context, history, run } from './history-builder.js';

const declared = context({ expectedToBreak: ['single-runner'] });

describe('checkSingleRunner', () => {
  it('holds for a hand-over in the same ms', () => {
    const events = history(
      run({ node: 'n1', task: 't1', token: 5, from: 1_000, to: 5_000 }),
      run({ node: 'n2', task: 't1', token: 9, from: 5_000 }),
    );
    const verdict = checkSingleRunner(events, context());
    expect(verdict.status).toBe('holds');
    expect(verdict.windows).toEqual([]);
  });

  it('holds for runs of different tasks at once', () => {
    const events = history(
      run({ node: 'n1', task: 't1', token: 5, from: 1_000 }),
      run({ node: 'n2', task: 't2', token: 6, from: 1_000 }),
    );
    expect(checkSingleRunner(events, context()).status).toBe('holds');
  });

  it('reports the exact overlap window', () => {
    const events = history(
      run({ node: 'n1', task: 't7', token: 5, from: 12_000, to: 15_500 }),
      run({ node: 'n2', task: 't7', token: 9, from: 14_000 }),
    );
    const verdict = checkSingleRunner(events, context());
    expect(verdict.status).toBe('broken');
    expect(verdict.windows).toEqual([{ task: 't7', nodes: ['n1', 'n2'], from: 14_000, to: 15_500 }]);
    expect(verdict.violations).toEqual([
      'task t7 ran on n1 [12000, 15500] and n2 [14000, ...] at once (overlap 14000-15500 ms)',
    ]);
  });

  it('counts a start recorded before the other end in the same ms', () => {
    const events = history(
      at.handlerStart(1_000, 'n1', 't1', 5),
      at.handlerStart(5_000, 'n2', 't1', 9),
      at.handlerEnd(5_000, 'n1', 't1', 5),
    );
    const verdict = checkSingleRunner(events, context());
    expect(verdict.status).toBe('broken');
    expect(verdict.windows).toEqual([{ task: 't1', nodes: ['n1', 'n2'], from: 5_000, to: 5_000 }]);
  });

  it('ends a run at its node crash', () => {
    const events = history(
      at.handlerStart(1_000, 'n1', 't1', 5),
      at.handlerStart(4_000, 'n2', 't1', 9),
      at.nodeCrash(6_000, 'n1'),
      at.handlerEnd(8_000, 'n2', 't1', 9),
      at.nodeStart(9_000, 'n3'),
    );
    const verdict = checkSingleRunner(events, context());
    expect(verdict.windows).toEqual([{ task: 't1', nodes: ['n1', 'n2'], from: 4_000, to: 6_000 }]);
    expect(verdict.violations).toEqual([
      'task t1 ran on n1 [1000, 6000 crash] and n2 [4000, 8000] at once (overlap 4000-6000 ms)',
    ]);
  });

  it('holds when the crash came before the next start', () => {
    const events = history(
      at.handlerStart(1_000, 'n1', 't1', 5),
      at.nodeCrash(3_000, 'n1'),
      at.handlerStart(4_000, 'n2', 't1', 9),
    );
    expect(checkSingleRunner(events, context()).status).toBe('holds');
  });

  it('extends open runs to the end of the history', () => {
    const events = history(
      run({ node: 'n1', task: 't1', token: 5, from: 1_000 }),
      run({ node: 'n2', task: 't1', token: 9, from: 2_000 }),
      at.nodeStart(7_000, 'n3'),
    );
    const verdict = checkSingleRunner(events, context());
    expect(verdict.windows).toEqual([{ task: 't1', nodes: ['n1', 'n2'], from: 2_000, to: 7_000 }]);
    expect(verdict.violations[0]).toContain('(overlap 2000-7000 ms, to the end of the history)');
  });

  it('lists one window per overlapping pair', () => {
    const events = history(
      run({ node: 'n1', task: 't1', token: 5, from: 1_000 }),
      run({ node: 'n2', task: 't1', token: 9, from: 2_000, to: 3_000 }),
      run({ node: 'n3', task: 't1', token: 12, from: 4_000, to: 6_000 }),
    );
    const verdict = checkSingleRunner(events, context());
    expect(verdict.windows.map((window) => window.nodes)).toEqual([
      ['n1', 'n2'],
      ['n1', 'n3'],
    ]);
  });

  describe('pause of the older run', () => {
    const paused = history(
      at.faultStart(3_000, 'pause', 'n1'),
      run({ node: 'n1', task: 't1', token: 5, from: 1_000, to: 20_010, stopAt: 20_000, stopReason: 'lost' }),
      run({ node: 'n2', task: 't1', token: 9, from: 16_000 }),
      at.faultEnd(20_000, 'pause', 'n1'),
    );

    it('explains the overlap but breaks when not declared', () => {
      const verdict = checkSingleRunner(paused, context());
      expect(verdict.status).toBe('broken');
      expect(verdict.windows[0]?.explainedBy).toBe('n1 was paused 3000-20000 ms');
    });

    it('gives an expected break when declared', () => {
      const verdict = checkSingleRunner(paused, declared);
      expect(verdict.status).toBe('expected-break');
      expect(verdict.violations).toEqual([
        'task t1 ran on n1 [1000, 20010] and n2 [16000, ...] at once (overlap 16000-20010 ms); ' +
          'explained: n1 was paused 3000-20000 ms',
      ]);
    });

    it('explains with a pause that never ended', () => {
      const events = history(
        at.faultStart(3_000, 'pause', 'n1'),
        run({ node: 'n1', task: 't1', token: 5, from: 1_000 }),
        run({ node: 'n2', task: 't1', token: 9, from: 16_000 }),
      );
      const verdict = checkSingleRunner(events, declared);
      expect(verdict.status).toBe('expected-break');
      expect(verdict.windows[0]?.explainedBy).toBe('n1 was paused from 3000 ms on');
    });

    it('does not explain with a pause of the newer node', () => {
      const events = history(
        run({ node: 'n1', task: 't1', token: 5, from: 1_000, to: 20_010 }),
        run({ node: 'n2', task: 't1', token: 9, from: 16_000 }),
        at.faultStart(17_000, 'pause', 'n2'),
        at.faultEnd(19_000, 'pause', 'n2'),
      );
      const verdict = checkSingleRunner(events, declared);
      expect(verdict.status).toBe('broken');
      expect(verdict.windows[0]?.explainedBy).toBeUndefined();
    });

    it('explains an overlap within the margin after the pause', () => {
      const events = history(
        at.faultStart(3_000, 'pause', 'n1'),
        at.faultEnd(15_000, 'pause', 'n1'),
        run({ node: 'n1', task: 't1', token: 5, from: 1_000, to: 16_010, stopAt: 15_001, stopReason: 'lost' }),
        run({ node: 'n2', task: 't1', token: 9, from: 16_000 }),
      );
      const verdict = checkSingleRunner(events, declared);
      expect(verdict.status).toBe('expected-break');
      expect(verdict.windows[0]?.explainedBy).toBe('n1 was paused 3000-15000 ms');
    });

    it('does not explain with a pause that ended before the overlap', () => {
      const events = history(
        at.faultStart(2_000, 'pause', 'n1'),
        at.faultEnd(3_000, 'pause', 'n1'),
        run({ node: 'n1', task: 't1', token: 5, from: 1_000, to: 20_010 }),
        run({ node: 'n2', task: 't1', token: 9, from: 16_000 }),
      );
      expect(checkSingleRunner(events, declared).status).toBe('broken');
    });

    it('does not explain with another fault on the older node', () => {
      const events = history(
        at.faultStart(3_000, 'partition', 'n1'),
        run({ node: 'n1', task: 't1', token: 5, from: 1_000, to: 20_010 }),
        run({ node: 'n2', task: 't1', token: 9, from: 16_000 }),
        at.faultEnd(20_000, 'partition', 'n1'),
      );
      expect(checkSingleRunner(events, declared).status).toBe('broken');
    });
  });

  describe('stop ignored by the older run', () => {
    it('explains a stop ignored past the margin', () => {
      const events = history(
        run({ node: 'n1', task: 't1', token: 5, from: 1_000, to: 14_000, stopAt: 10_000, stopReason: 'lost' }),
        run({ node: 'n2', task: 't1', token: 9, from: 12_000 }),
      );
      const verdict = checkSingleRunner(events, declared);
      expect(verdict.status).toBe('expected-break');
      expect(verdict.windows[0]?.explainedBy).toBe(
        'the handler on n1 ran 4000 ms after its stop request (lost) at 10000 ms, more than the 2000 ms safety margin',
      );
    });

    it('does not explain a stop honoured within the margin', () => {
      const events = history(
        run({ node: 'n1', task: 't1', token: 5, from: 1_000, to: 14_000, stopAt: 12_000 }),
        run({ node: 'n2', task: 't1', token: 9, from: 13_000 }),
      );
      const verdict = checkSingleRunner(events, declared);
      expect(verdict.status).toBe('broken');
      expect(verdict.windows[0]?.explainedBy).toBeUndefined();
    });

    it('measures an open run to the end of the history', () => {
      const events = history(
        run({ node: 'n1', task: 't1', token: 5, from: 1_000, stopAt: 10_000 }),
        run({ node: 'n2', task: 't1', token: 9, from: 12_000 }),
        at.nodeStart(12_500, 'n3'),
      );
      expect(checkSingleRunner(events, declared).status).toBe('expected-break');
    });
  });

  it('breaks when one overlap of several is unexplained', () => {
    const events = history(
      run({ node: 'n1', task: 't1', token: 5, from: 1_000, to: 14_000, stopAt: 10_000 }),
      run({ node: 'n2', task: 't1', token: 9, from: 12_000, to: 13_000 }),
      run({ node: 'n3', task: 't2', token: 10, from: 1_000, to: 9_000 }),
      run({ node: 'n4', task: 't2', token: 11, from: 8_000 }),
    );
    const verdict = checkSingleRunner(events, declared);
    expect(verdict.status).toBe('broken');
    expect(verdict.windows.map((window) => window.explainedBy !== undefined)).toEqual([false, true]);
  });
});
