import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import type { Handler } from '../core/handler.js';
import { MetaforaError } from '../runtime/errors.js';
import { UsageError } from './cli-errors.js';

/**
 * Imports the module at `modulePath`, resolved from `cwd`, and returns its default export, or its
 * export named `handler`, which must be a function. Throws `UsageError` when the file is missing
 * or exports no function, and `MetaforaError` when importing it fails.
 */
export async function loadHandlerModule(modulePath: string, cwd: string): Promise<Handler> {
  const file = path.resolve(cwd, modulePath);
  if (!existsSync(file)) {
    throw new UsageError(
      `handler module not found ${JSON.stringify(file)}: give --handler a path from the current directory`,
    );
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new MetaforaError(
      `failed to import handler module ${JSON.stringify(file)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const handler = typeof module['default'] === 'function' ? module['default'] : module['handler'];
  if (typeof handler !== 'function') {
    throw new UsageError(
      `invalid handler module ${JSON.stringify(file)}: export the handler function as the ` +
        'default export or as "handler"',
    );
  }
  return handler as Handler;
}
