import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';

import { UsageError } from './cli-errors.js';

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

export interface ParsedOptions {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Parses `args` with `util.parseArgs` in strict mode. Unknown options, missing values and, unless
 * allowed, positional arguments throw a `UsageError` that points to `<command> --help`.
 */
export function parseOptions(
  args: string[],
  options: OptionsConfig,
  command: string,
  allowPositionals = false,
): ParsedOptions {
  try {
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals });
    return { values: values as ParsedOptions['values'], positionals };
  } catch (error) {
    throw toUsageError(error, command);
  }
}

/** Returns true when `args` requests help before any `--` or `--exec`, whatever else it contains. */
export function wantsHelp(args: string[]): boolean {
  for (const arg of args) {
    if (arg === '--' || arg === '--exec') return false;
    if (arg === '-h' || arg === '--help') return true;
  }
  return false;
}

function toUsageError(error: unknown, command: string): Error {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  // parseArgs quotes the offending argument first, as in "Unknown option '--foo'" (Node.js 20).
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  const name = quoted.split(' ')[0] ?? quoted;
  const help = `see metafora ${command} --help`;
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown option ${name}: ${help}`);
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(`unexpected argument ${JSON.stringify(name)}: ${help}`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (message.includes('does not take an argument')) {
        return new UsageError(`unexpected value for option ${name}: give ${name} without a value`);
      }
      return new UsageError(
        `missing value for option ${name}: give ${name} VALUE, or ${name}=VALUE for a value ` +
          'that starts with "-"',
      );
    default:
      return error instanceof Error ? error : new Error(message);
  }
}

/** Returns the string value of option `name`, or undefined when it was not given. */
export function stringValue(values: ParsedOptions['values'], name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Parses a duration in seconds given to option `flag`: a plain decimal number (`30`, `0.5`) within
 * `[minSeconds, maxSeconds]`, or a whole number when `integer` is set.
 */
export function parseSeconds(
  flag: string,
  text: string,
  limits: { minSeconds: number; maxSeconds: number; integer?: boolean },
): number {
  const pattern = limits.integer === true ? /^\d+$/ : /^\d+(\.\d+)?$/;
  const seconds = pattern.test(text) ? Number(text) : Number.NaN;
  if (Number.isNaN(seconds) || seconds < limits.minSeconds || seconds > limits.maxSeconds) {
    const kind = limits.integer === true ? 'a whole number of seconds' : 'a number of seconds';
    throw new UsageError(
      `invalid ${flag} ${JSON.stringify(text)}: give ${kind} from ${limits.minSeconds} to ${limits.maxSeconds}`,
    );
  }
  return seconds;
}

/** Environment variables read, in order, when `--etcd` is not given. */
export const ETCD_ENV_VARIABLES = ['METAFORA_ETCD', 'ETCD_ENDPOINTS'] as const;

/**
 * Returns the etcd endpoints from `--etcd`, else from the first set variable of
 * `ETCD_ENV_VARIABLES`, or undefined when neither is given.
 */
export function resolveEtcdEndpoints(
  flagValue: string | undefined,
  env: Record<string, string | undefined>,
): string[] | undefined {
  if (flagValue !== undefined) return parseEtcdEndpoints(flagValue, '--etcd');
  for (const variable of ETCD_ENV_VARIABLES) {
    const value = env[variable];
    if (value !== undefined && value.trim() !== '') return parseEtcdEndpoints(value, variable);
  }
  return undefined;
}

/** Parses a comma-separated list of `http://` or `https://` endpoint URLs given by `source`. */
export function parseEtcdEndpoints(text: string, source: string): string[] {
  const endpoints = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  if (endpoints.length === 0) {
    throw new UsageError(
      `invalid ${source} ${JSON.stringify(text)}: give one or more URLs like http://127.0.0.1:2379`,
    );
  }
  for (const endpoint of endpoints) {
    if (!isHttpUrl(endpoint)) {
      throw new UsageError(
        `invalid etcd endpoint ${JSON.stringify(endpoint)} in ${source}: use a URL like http://127.0.0.1:2379`,
      );
    }
  }
  return endpoints;
}

function isHttpUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  const bare = url.pathname === '/' && url.search === '' && url.hash === '';
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && bare;
}
