import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import type { Handler } from '../core/handler.js';
import { MetaforaError } from '../runtime/errors.js';
import type { StatefulHandler } from '../statemachine/stateful-handler.js';
import { UsageError } from './cli-errors.js';

/** A handler from a module: a plain one, or a stateful one that runs under the state machine. */
export type LoadedHandler = { kind: 'plain'; handler: Handler } | { kind: 'stateful'; handler: StatefulHandler };

/**
 * Imports the module at `modulePath`, resolved from `cwd`, and returns its default export, or its
 * export named `handler`, which must be a function. Throws `UsageError` when the file is missing
 * or exports no function, and `MetaforaError` when importing it fails.
 */
export async function loadHandlerModule(modulePath: string, cwd: string): Promise<Handler> {
  const loaded = await loadHandler(modulePath, cwd, { stateMachine: false, allowStateful: false });
  return loaded.handler as Handler;
}

/**
 * Imports the module at `modulePath`, resolved from `cwd`, and picks its handler. With
 * `stateMachine`, that is the export named `statefulHandler`. Otherwise it is the default export
 * or the export named `handler`, and, when `allowStateful` is set and neither is a function, the
 * export named `statefulHandler`. Throws `UsageError` when the file is missing or has no such
 * function, and `MetaforaError` when importing it fails.
 */
export async function loadHandler(
  modulePath: string,
  cwd: string,
  options: { stateMachine: boolean; allowStateful: boolean },
): Promise<LoadedHandler> {
  const file = path.resolve(cwd, modulePath);
  const module = await importModule(file);
  const stateful = module['statefulHandler'];
  if (options.stateMachine) {
    if (typeof stateful !== 'function') {
      throw new UsageError(
        `invalid handler module ${JSON.stringify(file)}: with --state-machine, export the stateful ` +
          'handler function as "statefulHandler"',
      );
    }
    return { kind: 'stateful', handler: stateful as StatefulHandler };
  }
  const handler = typeof module['default'] === 'function' ? module['default'] : module['handler'];
  if (typeof handler === 'function') return { kind: 'plain', handler: handler as Handler };
  if (options.allowStateful && typeof stateful === 'function') {
    return { kind: 'stateful', handler: stateful as StatefulHandler };
  }
  throw new UsageError(
    `invalid handler module ${JSON.stringify(file)}: export the handler function as the ` +
      `default export or as "handler"${options.allowStateful ? ', or a stateful one as "statefulHandler"' : ''}`,
  );
}

async function importModule(file: string): Promise<Record<string, unknown>> {
  if (!existsSync(file)) {
    throw new UsageError(
      `handler module not found ${JSON.stringify(file)}: give --handler a path from the current directory`,
    );
  }
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new MetaforaError(
      `failed to import handler module ${JSON.stringify(file)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
