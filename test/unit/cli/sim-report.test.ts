import { describe, expect, it } from 'vitest';

import type { Verdict } from '../../../sim/invariants/verdict.js';
import type { TimedRun } from '../../../src/cli/sim-report.js';
import { formatAll, formatList, formatRun, replayCommand, runJson, shellWord } from '../../../src/cli/sim-report.js';

const HASH = 'ab'.repeat(32);

function verdict(invariant: string, status: Verdict['status'], violations: string[] = []): Verdict {
  return { invariant, status, violations, windows: [] };
}

function timedRun(verdicts: Verdict[], overrides: Partial<TimedRun> = {}): TimedRun {
  return {
    scenario: 'node-crash',
    seed: '3',
    verdicts,
    passed: verdicts.every((entry) => entry.status !== 'broken'),
    trace: '{"t":0}\n',
    traceHash: HASH,
    simulatedMs: 220_000,
    events: 3_600,
    wallMs: 110,
    ...overrides,
  };
}

describe('replayCommand', () => {
  it('replays a named scenario with its seed and a trace file', () => {
    expect(replayCommand({ kind: 'scenario', name: 'node-crash', seed: '42' })).toBe(
      'metafora sim node-crash --seed 42 --trace trace.jsonl',
    );
  });

  it('quotes a seed with spaces or quotes for the shell', () => {
    expect(replayCommand({ kind: 'scenario', name: 'node-crash', seed: "it's 1" })).toBe(
      `metafora sim node-crash --seed 'it'\\''s 1' --trace trace.jsonl`,
    );
  });

  it('joins a seed that starts with a dash to its option', () => {
    expect(replayCommand({ kind: 'scenario', name: 'node-crash', seed: '-5' })).toBe(
      'metafora sim node-crash --seed=-5 --trace trace.jsonl',
    );
  });

  it('replays a case file by its path', () => {
    expect(replayCommand({ kind: 'file', path: 'cases/a b.json' })).toBe(`metafora sim --file 'cases/a b.json'`);
  });
});

describe('shellWord', () => {
  it.each([
    ['plain-word_1.json', 'plain-word_1.json'],
    ['', "''"],
    ['a;b', "'a;b'"],
    ['$HOME', "'$HOME'"],
  ])('quotes %j as %s', (word, quoted) => {
    expect(shellWord(word)).toBe(quoted);
  });
});

describe('formatRun', () => {
  const target = { kind: 'scenario', name: 'node-crash', seed: '3' } as const;

  it('reports a passing run without a replay command', () => {
    const text = formatRun(timedRun([verdict('single-runner', 'holds')]), target, 'out.jsonl');
    expect(text).toBe(
      [
        'scenario node-crash, seed 3',
        '  single-runner  holds',
        `trace hash  ${HASH}`,
        'trace file  out.jsonl',
        'simulated   220.0 s',
        'wall        0.11 s',
        'events      3600',
        'speed       2000 simulated s per wall s',
        'result      passed',
        '',
      ].join('\n'),
    );
  });

  it('shows the first violations of a broken invariant and the replay command', () => {
    const violations = ['v1', 'v2', 'v3', 'v4', 'v5'];
    const text = formatRun(timedRun([verdict('no-lost-task', 'broken', violations)]), target, undefined);
    expect(text).toContain('  no-lost-task  BROKEN, 5 violations\n      v1\n      v2\n      v3\n      ... and 2 more\n');
    expect(text).toContain('result      FAILED: no-lost-task broken\n');
    expect(text).toContain('replay      metafora sim node-crash --seed 3 --trace trace.jsonl\n');
  });

  it('shows an expected break with its windows and counts it as passed', () => {
    const broken = verdict('single-runner', 'expected-break', ['overlap; explained: paused']);
    broken.windows = [{ task: 't1', nodes: ['n1', 'n2'], from: 40_000, to: 52_000, explainedBy: 'paused' }];
    const text = formatRun(timedRun([broken]), target, undefined);
    expect(text).toContain('  single-runner  expected-break, 1 violation\n');
    expect(text).toContain('      window 40000-52000 ms: t1 on n1, n2 (explained: paused)\n');
    expect(text).toContain('result      passed\n');
  });
});

describe('runJson', () => {
  it('has every field but the trace, with whole wall milliseconds', () => {
    const run = timedRun([verdict('single-runner', 'holds')], { wallMs: 12.6 });
    expect(runJson(run)).toEqual({
      scenario: 'node-crash',
      seed: '3',
      passed: true,
      traceHash: HASH,
      simulatedMs: 220_000,
      wallMs: 13,
      events: 3_600,
      verdicts: run.verdicts,
    });
  });
});

describe('formatAll', () => {
  it('has one row per run and lists the replay command of each failure', () => {
    const runs = [
      timedRun([verdict('single-runner', 'holds')], { scenario: 'steady-state' }),
      timedRun([verdict('no-lost-task', 'broken', ['v'])], { scenario: 'node-crash' }),
    ];
    expect(formatAll(runs, '3', 1_500)).toBe(
      [
        'scenario      result  broken        hash          wall ms',
        `steady-state  passed  -             ${HASH.slice(0, 12)}  110`,
        `node-crash    FAILED  no-lost-task  ${HASH.slice(0, 12)}  110`,
        '2 scenarios with seed 3: 1 passed, 1 failed, 1.50 s wall',
        'replay the failures with:',
        '  metafora sim node-crash --seed 3 --trace trace.jsonl',
        '',
      ].join('\n'),
    );
  });
});

describe('formatList', () => {
  it('pads the names so the descriptions line up', () => {
    const list = formatList([
      { name: 'a', description: 'first' },
      { name: 'long-name', description: 'second' },
    ]);
    expect(list).toBe('a          first\nlong-name  second\n');
  });
});
