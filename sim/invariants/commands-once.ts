import type { HistoryEvent } from '../history.js';
import type { CheckContext, Verdict } from './verdict.js';
import { verdictOfMessages } from './verdict.js';

export const COMMANDS_ONCE = 'commands-once';

interface CommandRecord {
  node: string;
  t: number;
}

/**
 * commands-once: each command id appears in at most one `command-applied`, and only on a node
 * that an earlier `command-sent` with that id addressed.
 */
export function checkCommandsOnce(history: HistoryEvent[], context: CheckContext): Verdict {
  const sent = new Map<string, CommandRecord[]>();
  const applied = new Map<string, CommandRecord>();
  const violations: string[] = [];
  for (const event of history) {
    if (event.type === 'command-sent') {
      sent.set(event.id, [...(sent.get(event.id) ?? []), { node: event.node, t: event.t }]);
      continue;
    }
    if (event.type !== 'command-applied') continue;

    const name = `command ${event.id} (${event.command})`;
    const first = applied.get(event.id);
    if (first === undefined) {
      applied.set(event.id, { node: event.node, t: event.t });
    } else {
      violations.push(
        `${name} was applied again on ${event.node} at ${event.t} ms; ` +
          `it was first applied on ${first.node} at ${first.t} ms`,
      );
    }
    const sends = sent.get(event.id) ?? [];
    if (!sends.some((send) => send.node === event.node)) {
      violations.push(`${name} was applied on ${event.node} at ${event.t} ms, ${whereSent(event.node, sends)}`);
    }
  }
  return verdictOfMessages(COMMANDS_ONCE, violations, context);
}

function whereSent(node: string, sends: CommandRecord[]): string {
  if (sends.length === 0) return `but no command with that id was sent before`;
  const list = sends.map((send) => `${send.node} at ${send.t} ms`).join(', ');
  return `but it was sent only to ${list}, not to ${node}`;
}
