import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Finds the file `command` runs as, the way a shell does: a name with a `/` is a path from `cwd`,
 * other names are looked up in the directories of `searchPath` (`PATH`). Returns the absolute
 * path of an executable regular file, or undefined when there is none.
 */
export function findExecutable(
  command: string,
  searchPath: string | undefined,
  cwd: string,
): string | undefined {
  if (command.includes('/')) {
    const file = path.resolve(cwd, command);
    return isExecutableFile(file) ? file : undefined;
  }
  for (const directory of (searchPath ?? '').split(path.delimiter)) {
    if (directory === '') continue;
    const file = path.resolve(cwd, directory, command);
    if (isExecutableFile(file)) return file;
  }
  return undefined;
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Returns whether `command`, a path containing a `/`, names a regular file, executable or not. */
export function isPlainFile(command: string, cwd: string): boolean {
  if (!command.includes('/')) return false;
  try {
    return statSync(path.resolve(cwd, command)).isFile();
  } catch {
    return false;
  }
}
