import type { Message } from '../statemachine/message.js';
import type { StatefulHandler } from '../statemachine/stateful-handler.js';
import type { ExecHandlerOptions } from './exec-handler.js';
import { createTaskProcessRunner } from './exec-handler.js';

/**
 * Creates a stateful handler that runs `options.command` for each run of a runnable task, as
 * `createExecHandler` does, and maps how it ended to a message: exit code 0 is `complete`, any
 * other exit is `error`. A message for the run (an operator command, or `release` when the node
 * stops the task) stops the command with SIGTERM, then SIGKILL after the grace period, and
 * becomes the result.
 */
export function createExecStatefulHandler(options: ExecHandlerOptions): StatefulHandler {
  const runProcess = createTaskProcessRunner(options);
  return async (context) => {
    const outcome = await runProcess(context);
    if (outcome.kind === 'stopped') {
      // The signal aborts only with a message as its reason; see StatefulContext.signal.
      return context.signal.reason as Message;
    }
    const { code, signal } = outcome.exit;
    if (code === 0) return { type: 'complete' };
    const ending = code === null ? `was killed by ${signal ?? 'a signal'}` : `exited with code ${code}`;
    return { type: 'error', error: `task command ${JSON.stringify(options.command)} ${ending}` };
  };
}
