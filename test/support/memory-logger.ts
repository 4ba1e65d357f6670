import type { Logger } from '../../src/runtime/logger.js';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/** A Logger that keeps every line in memory, with the child bindings merged into the fields. */
export class MemoryLogger implements Logger {
  constructor(
    readonly lines: LogLine[] = [],
    private readonly bindings: Record<string, unknown> = {},
  ) {}

  debug(fields: object, message: string): void {
    this.write('debug', fields, message);
  }

  info(fields: object, message: string): void {
    this.write('info', fields, message);
  }

  warn(fields: object, message: string): void {
    this.write('warn', fields, message);
  }

  error(fields: object, message: string): void {
    this.write('error', fields, message);
  }

  child(bindings: Record<string, unknown>): Logger {
    return new MemoryLogger(this.lines, { ...this.bindings, ...bindings });
  }

  /** Lines with this message, in order. */
  find(message: string): LogLine[] {
    return this.lines.filter((line) => line.message === message);
  }

  private write(level: LogLine['level'], fields: object, message: string): void {
    this.lines.push({ level, message, fields: { ...this.bindings, ...fields } });
  }
}
