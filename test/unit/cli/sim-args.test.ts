import { describe, expect, it } from 'vitest';

import { UsageError } from '../../../src/cli/cli-errors.js';
import { parseSimArgs } from '../../../src/cli/sim-args.js';

const NAMES = ['steady-state', 'node-crash'];

function parseError(argv: string[]): string {
  try {
    parseSimArgs(argv, NAMES);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(argv)} to be rejected`);
}

describe('parseSimArgs', () => {
  it('runs a named scenario with seed 1 by default', () => {
    expect(parseSimArgs(['node-crash'], NAMES)).toEqual({
      kind: 'one',
      target: { kind: 'scenario', name: 'node-crash', seed: '1' },
      tracePath: undefined,
      json: false,
    });
  });

  it('reads --seed, --trace and --json before or after the name', () => {
    expect(parseSimArgs(['--seed', '42', 'node-crash', '--trace', 'out.jsonl', '--json'], NAMES)).toEqual({
      kind: 'one',
      target: { kind: 'scenario', name: 'node-crash', seed: '42' },
      tracePath: 'out.jsonl',
      json: true,
    });
  });

  it.each([['abc'], [' spaced seed '], ['-5'], ['0x1F']])('takes any non-empty seed: %j', (seed) => {
    expect(parseSimArgs(['steady-state', `--seed=${seed}`], NAMES)).toMatchObject({ target: { seed } });
  });

  it('runs every scenario with --all', () => {
    expect(parseSimArgs(['--all', '--seed', '7', '--json'], NAMES)).toEqual({ kind: 'all', seed: '7', json: true });
    expect(parseSimArgs(['--all'], NAMES)).toEqual({ kind: 'all', seed: '1', json: false });
  });

  it('runs a saved case with --file', () => {
    expect(parseSimArgs(['--file', 'cases/a.json', '--trace', 't.jsonl'], NAMES)).toEqual({
      kind: 'one',
      target: { kind: 'file', path: 'cases/a.json' },
      tracePath: 't.jsonl',
      json: false,
    });
  });

  it('lists the scenarios with --list', () => {
    expect(parseSimArgs(['--list'], NAMES)).toEqual({ kind: 'list' });
  });

  it.each([[['-h']], [['--help']], [['nope', '--help']], [['--bogus', '-h']]])('asks for help with %j', (argv) => {
    expect(parseSimArgs(argv, NAMES)).toEqual({ kind: 'help' });
  });

  it('lists the scenario names for an unknown scenario', () => {
    expect(parseError(['nope'])).toBe('unknown scenario "nope": use one of steady-state, node-crash');
  });

  it('rejects an unknown option', () => {
    expect(parseError(['node-crash', '--speed', '2'])).toBe('unknown option --speed: see metafora sim --help');
  });

  it('rejects --seed without a value', () => {
    expect(parseError(['node-crash', '--seed'])).toMatch(/^missing value for option --seed: give --seed VALUE/);
  });

  it('asks for --seed=VALUE when the seed starts with a dash', () => {
    expect(parseError(['node-crash', '--seed', '-5'])).toMatch(/^missing value for option --seed: .*--seed=VALUE/);
  });

  it('rejects an empty seed', () => {
    expect(parseError(['node-crash', '--seed='])).toBe('invalid --seed "": give a non-empty string, like 1');
  });

  it('rejects an empty trace path', () => {
    expect(parseError(['node-crash', '--trace='])).toBe('invalid --trace "": give a file path');
  });

  it('asks for a scenario when none is given', () => {
    expect(parseError(['--seed', '3'])).toBe('missing scenario: give a scenario NAME, --all, --file PATH or --list');
  });

  it('rejects two scenario names', () => {
    expect(parseError(['node-crash', 'steady-state'])).toMatch(/^unexpected argument "steady-state": /);
  });

  it.each([
    [['node-crash', '--all'], 'scenario "node-crash" and --all exclude each other'],
    [['--file', 'a.json', '--list'], '--file and --list exclude each other'],
    [['--all', '--list'], '--all and --list exclude each other'],
  ])('rejects %j', (argv, start) => {
    expect(parseError(argv)).toBe(`${start}: give a scenario NAME, --all, --file PATH or --list`);
  });

  it('rejects --trace with --all', () => {
    expect(parseError(['--all', '--trace', 'x'])).toMatch(/^unexpected option --trace: --all writes no trace/);
  });

  it('rejects --seed with --file, whose seed is in the file', () => {
    expect(parseError(['--file', 'a.json', '--seed', '2'])).toMatch(/^unexpected option --seed: the seed of --file/);
  });

  it('rejects other options with --list', () => {
    expect(parseError(['--list', '--json'])).toBe('unexpected option --json: --list takes no other option');
  });
});
