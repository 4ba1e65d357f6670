import { InvalidArgumentError } from '../runtime/errors.js';

/**
 * A command sent to one node. `freeze` stops claiming and balancing until `unfreeze`; `balance`
 * runs a balance now; `stop_task` stops and releases one task.
 */
export type NodeCommand =
  | { command: 'freeze' }
  | { command: 'unfreeze' }
  | { command: 'balance' }
  | { command: 'stop_task'; parameters: { task: string } };

export const NODE_COMMAND_NAMES = ['freeze', 'unfreeze', 'balance', 'stop_task'] as const;

/** Parses a stored node command. Throws `InvalidArgumentError` naming the text when invalid. */
export function parseNodeCommand(text: string): NodeCommand {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidArgumentError(`invalid node command ${JSON.stringify(text.slice(0, 100))}: not valid JSON`);
  }
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const name = record['command'];
  switch (name) {
    case 'freeze':
    case 'unfreeze':
    case 'balance':
      return { command: name };
    case 'stop_task': {
      const parameters = record['parameters'] as Record<string, unknown> | undefined;
      const task = parameters?.['task'];
      if (typeof task !== 'string' || task.length === 0) {
        throw new InvalidArgumentError(
          `invalid node command ${JSON.stringify(text.slice(0, 100))}: stop_task needs parameters.task`,
        );
      }
      return { command: 'stop_task', parameters: { task } };
    }
    default:
      throw new InvalidArgumentError(
        `unknown node command ${JSON.stringify(name)}: use one of ${NODE_COMMAND_NAMES.join(', ')}`,
      );
  }
}
