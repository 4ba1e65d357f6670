import { NodeNameInUseError } from '../coordinator/errors.js';
import { InvalidArgumentError, MetaforaError } from '../runtime/errors.js';

/** Exit code of a run that failed for a reason other than bad input. */
export const EXIT_FAILURE = 1;

/**
 * Exit code of bad input: flags, arguments, an etcd that cannot be reached at start, or a node
 * name that a live node already uses.
 */
export const EXIT_USAGE = 2;

/** Invalid command-line input; the message names the value and the fix. */
export class UsageError extends InvalidArgumentError {}

/**
 * No etcd endpoint replied within the start-up retry window. It exits like bad input, because a
 * wrong `--etcd` value is its usual cause.
 */
export class EtcdUnreachableError extends MetaforaError {}

/** Returns the exit code for an error that ended a command. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof InvalidArgumentError || error instanceof EtcdUnreachableError || error instanceof NodeNameInUseError) {
    return EXIT_USAGE;
  }
  return EXIT_FAILURE;
}

/** Formats an error as the single line `metafora: <message>` written to stderr. */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `metafora: ${message.replace(/\s*\n\s*/g, ' ')}`;
}
