import { pino } from 'pino';

/**
 * The logging port: the subset of pino's API the runtime uses. Messages are constant strings and
 * data goes in the fields object, so logs can be searched and counted by message.
 */
export interface Logger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** A pino logger writing JSON lines to standard error at `level` (default `info`). */
export function createLogger(level = 'info'): Logger {
  return pino({ level, base: undefined }, pino.destination(2));
}

/** A logger that drops every line. */
export const silentLogger: Logger = pino({ level: 'silent' });
