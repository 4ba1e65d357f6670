import { UsageError } from './cli-errors.js';
import type { OptionsConfig, ParsedOptions } from './parse-options.js';
import { parseOptions, stringValue, wantsHelp } from './parse-options.js';

/** The seed of a run when `--seed` is not given. */
export const DEFAULT_SEED = '1';

/** The target of one run: a built-in scenario with a seed, or a saved case file with its own seed. */
export type SimTarget = { kind: 'scenario'; name: string; seed: string } | { kind: 'file'; path: string };

export type SimInvocation =
  | { kind: 'help' }
  | { kind: 'list' }
  | { kind: 'one'; target: SimTarget; tracePath: string | undefined; json: boolean }
  | { kind: 'all'; seed: string; json: boolean };

const SIM_OPTIONS: OptionsConfig = {
  list: { type: 'boolean' },
  all: { type: 'boolean' },
  file: { type: 'string' },
  seed: { type: 'string' },
  trace: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const MODES = 'give a scenario NAME, --all, --file PATH or --list';

/**
 * Parses the arguments of `metafora sim` (after the word `sim`). `scenarioNames` are the built-in
 * scenarios a NAME may choose. Exactly one of NAME, `--all`, `--file` and `--list` is required.
 * Throws `UsageError` on bad input.
 */
export function parseSimArgs(argv: string[], scenarioNames: readonly string[]): SimInvocation {
  if (wantsHelp(argv)) return { kind: 'help' };
  const { values, positionals } = parseOptions(argv, SIM_OPTIONS, 'sim', true);
  if (positionals.length > 1) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[1])}: sim runs one scenario NAME at a time, or --all`);
  }
  const name = positionals[0];
  const filePath = nonEmptyValue(values, 'file');
  const seedText = nonEmptyValue(values, 'seed');
  const tracePath = nonEmptyValue(values, 'trace');
  const json = values['json'] === true;
  const mode = chooseMode(name, filePath, values);

  if (mode === 'list') {
    rejectOptions(values, ['seed', 'trace', 'json'], '--list takes no other option');
    return { kind: 'list' };
  }
  if (mode === 'all') {
    rejectOptions(values, ['trace'], '--all writes no trace: replay one scenario with NAME --seed N --trace FILE');
    return { kind: 'all', seed: seedText ?? DEFAULT_SEED, json };
  }
  if (mode === 'file') {
    rejectOptions(values, ['seed'], 'the seed of --file is the "seed" field of the file: edit it there');
    return { kind: 'one', target: { kind: 'file', path: filePath ?? '' }, tracePath, json };
  }
  const scenario = name ?? '';
  if (!scenarioNames.includes(scenario)) {
    throw new UsageError(`unknown scenario ${JSON.stringify(scenario)}: use one of ${scenarioNames.join(', ')}`);
  }
  return { kind: 'one', target: { kind: 'scenario', name: scenario, seed: seedText ?? DEFAULT_SEED }, tracePath, json };
}

type Mode = 'name' | 'file' | 'all' | 'list';

function chooseMode(name: string | undefined, filePath: string | undefined, values: ParsedOptions['values']): Mode {
  const chosen: [Mode, string][] = [];
  if (name !== undefined) chosen.push(['name', `scenario ${JSON.stringify(name)}`]);
  if (filePath !== undefined) chosen.push(['file', '--file']);
  if (values['all'] === true) chosen.push(['all', '--all']);
  if (values['list'] === true) chosen.push(['list', '--list']);
  const [first, second] = chosen;
  if (first === undefined) throw new UsageError(`missing scenario: ${MODES}`);
  if (second !== undefined) {
    throw new UsageError(`${first[1]} and ${second[1]} exclude each other: ${MODES}`);
  }
  return first[0];
}

/** Returns the value of string option `name`. An empty value is an error, because no option takes one. */
function nonEmptyValue(values: ParsedOptions['values'], name: string): string | undefined {
  const value = stringValue(values, name);
  if (value === '') {
    const what = name === 'seed' ? 'a non-empty string, like 1' : 'a file path';
    throw new UsageError(`invalid --${name} "": give ${what}`);
  }
  return value;
}

function rejectOptions(values: ParsedOptions['values'], names: string[], reason: string): void {
  for (const name of names) {
    if (values[name] !== undefined) throw new UsageError(`unexpected option --${name}: ${reason}`);
  }
}
