import { UsageError } from './cli-errors.js';
import type { OptionsConfig } from './parse-options.js';
import { parseOptions, parseSeconds, stringValue, wantsHelp } from './parse-options.js';

/** Generated runs when `--runs` is not given. */
export const DEFAULT_FUZZ_RUNS = 100;

/** Largest `--time`, in seconds: one day. */
export const MAX_FUZZ_SECONDS = 86_400;

export type FuzzInvocation =
  | { kind: 'help' }
  | {
      kind: 'fuzz';
      runs: number;
      /** fast-check's seed; undefined lets the command draw one and print it. */
      seed: number | undefined;
      timeLimitMs: number | undefined;
      json: boolean;
    };

const FUZZ_OPTIONS: OptionsConfig = {
  runs: { type: 'string' },
  seed: { type: 'string' },
  time: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/** Parses the arguments of `metafora fuzz` (after the word `fuzz`). Throws `UsageError` on bad input. */
export function parseFuzzArgs(argv: string[]): FuzzInvocation {
  if (wantsHelp(argv)) return { kind: 'help' };
  const { values } = parseOptions(argv, FUZZ_OPTIONS, 'fuzz');
  const runsText = stringValue(values, 'runs');
  const seedText = stringValue(values, 'seed');
  const timeText = stringValue(values, 'time');
  return {
    kind: 'fuzz',
    runs: runsText === undefined ? DEFAULT_FUZZ_RUNS : parseRuns(runsText),
    seed: seedText === undefined ? undefined : parseSeed(seedText),
    timeLimitMs:
      timeText === undefined ? undefined : parseSeconds('--time', timeText, { minSeconds: 1, maxSeconds: MAX_FUZZ_SECONDS }) * 1000,
    json: values['json'] === true,
  };
}

function parseRuns(text: string): number {
  const runs = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(runs) || runs < 1) {
    throw new UsageError(`invalid --runs ${JSON.stringify(text)}: give a whole number of runs, 1 or more`);
  }
  return runs;
}

/** fast-check seeds are 32-bit integers; a larger value would be rescaled to another seed silently. */
function parseSeed(text: string): number {
  const seed = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(seed) || seed < -0x80000000 || seed > 0x7fffffff) {
    throw new UsageError(
      `invalid --seed ${JSON.stringify(text)}: give a whole number from -2147483648 to 2147483647, ` +
        'or --seed=-N for a negative one',
    );
  }
  return seed;
}
