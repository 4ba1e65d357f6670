import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { MESSAGE_TYPES } from '../../../src/statemachine/message.js';
import type { MessageType } from '../../../src/statemachine/message.js';
import { STATE_NAMES } from '../../../src/statemachine/task-state.js';
import type { StateName, TaskState } from '../../../src/statemachine/task-state.js';
import { applyMessage, nextState, TRANSITIONS } from '../../../src/statemachine/transitions.js';
import { REPO_ROOT } from '../../support/built-cli.js';

/** The table written out by hand, so a change to TRANSITIONS has to change this too. */
const EXPECTED: Record<StateName, Partial<Record<MessageType, StateName>>> = {
  runnable: {
    sleep: 'sleeping',
    pause: 'paused',
    kill: 'killed',
    error: 'fault',
    complete: 'completed',
    checkpoint: 'runnable',
    release: 'runnable',
  },
  sleeping: {
    run: 'runnable',
    sleep: 'sleeping',
    pause: 'paused',
    kill: 'killed',
    error: 'fault',
    checkpoint: 'sleeping',
    release: 'sleeping',
  },
  paused: {
    run: 'runnable',
    sleep: 'sleeping',
    pause: 'paused',
    kill: 'killed',
    error: 'fault',
    checkpoint: 'paused',
    release: 'paused',
  },
  fault: {
    run: 'runnable',
    sleep: 'sleeping',
    pause: 'paused',
    kill: 'killed',
    error: 'failed',
    checkpoint: 'fault',
    release: 'fault',
  },
  completed: {},
  failed: {},
  killed: {},
};

const PAIRS = STATE_NAMES.flatMap((from) => MESSAGE_TYPES.map((message) => [from, message] as const));
const LEGAL = PAIRS.filter(([from, message]) => EXPECTED[from][message] !== undefined);
const ILLEGAL = PAIRS.filter(([from, message]) => EXPECTED[from][message] === undefined);

describe('transition table', () => {
  it.each(LEGAL)('allows %s + %s', (from, message) => {
    expect(nextState(from, message)).toBe(EXPECTED[from][message]);
  });

  it.each(ILLEGAL)('rejects %s + %s', (from, message) => {
    expect(nextState(from, message)).toBeUndefined();
  });

  it('lists each pair once', () => {
    const keys = TRANSITIONS.map((transition) => `${transition.from}/${transition.message}`);

    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(LEGAL.length);
  });

  it('matches the table in docs/statemachine.md', () => {
    const lines = readFileSync(path.join(REPO_ROOT, 'docs/statemachine.md'), 'utf8').split('\n');
    const headerIndex = lines.findIndex((line) => line.startsWith('| from |'));
    const cells = (line: string): string[] => line.split('|').slice(1, -1).map((cell) => cell.trim().replace(/`/g, ''));
    const columns = cells(lines[headerIndex]!).slice(1);
    const rows: string[][] = [];
    for (const line of lines.slice(headerIndex + 2)) {
      if (!line.startsWith('|')) break;
      rows.push(cells(line));
    }

    const documented = rows.flatMap(([from, ...cells]) =>
      cells.map((to, index) => `${from} ${columns[index]} ${to}`),
    );
    const expected = PAIRS.map(([from, message]) => `${from} ${message} ${EXPECTED[from][message] ?? '-'}`);
    expect(documented.sort()).toEqual(expected.sort());
  });
});

describe('applyMessage', () => {
  const NOW = 1_700_000_000_000;
  const runnable: TaskState = { name: 'runnable', errors: [] };
  const sleeping: TaskState = { name: 'sleeping', untilMs: NOW + 5_000, errors: [] };

  it('sets the wake-up time on sleep', () => {
    expect(applyMessage(runnable, { type: 'sleep', untilMs: NOW + 1_000 }, NOW)).toEqual({
      name: 'sleeping',
      untilMs: NOW + 1_000,
      errors: [],
    });
  });

  it.each(['release', 'checkpoint'] as const)('keeps the wake-up time on %s', (type) => {
    expect(applyMessage(sleeping, { type }, NOW)).toEqual(sleeping);
  });

  it('drops the wake-up time when leaving sleeping', () => {
    expect(applyMessage(sleeping, { type: 'run' }, NOW)).toEqual({ name: 'runnable', errors: [] });
  });

  it('records an error with its time', () => {
    const fault = applyMessage(runnable, { type: 'error', error: 'boom' }, NOW);

    expect(fault).toEqual({ name: 'fault', errors: [{ timeMs: NOW, message: 'boom' }] });
  });

  it('keeps the error history across other messages', () => {
    const errors = [{ timeMs: NOW - 1, message: 'old' }];

    expect(applyMessage({ name: 'fault', errors }, { type: 'run' }, NOW)).toEqual({ name: 'runnable', errors });
  });

  it('returns undefined for an illegal message', () => {
    expect(applyMessage({ name: 'completed', errors: [] }, { type: 'run' }, NOW)).toBeUndefined();
  });
});
