import type { HistoryEvent } from '../history.js';
import { nodeTaskKey } from './handler-runs.js';
import type { CheckContext, Verdict } from './verdict.js';
import { verdictOfMessages } from './verdict.js';

export const FENCED_EFFECTS = 'fenced-effects';

interface AcceptedEffect {
  node: string;
  token: number;
  t: number;
}

/**
 * fenced-effects: per task, the tokens of the effects the external register accepted never
 * decrease. An accepted effect with a token lower than an earlier accepted one is a violation,
 * because the register should have rejected it. So is an accepted effect whose token is not the
 * token of an earlier `claim` of that task by that node. Equal tokens are allowed because one run
 * may write many times. Rejected effects are not checked.
 */
export function checkFencedEffects(history: HistoryEvent[], context: CheckContext): Verdict {
  const claimTokens = new Map<string, number[]>();
  const highest = new Map<string, AcceptedEffect>();
  const violations: string[] = [];
  for (const event of history) {
    if (event.type === 'claim') {
      const key = nodeTaskKey(event.node, event.task);
      claimTokens.set(key, [...(claimTokens.get(key) ?? []), event.token]);
      continue;
    }
    if (event.type !== 'effect' || !event.accepted) continue;

    const tokens = claimTokens.get(nodeTaskKey(event.node, event.task)) ?? [];
    if (!tokens.includes(event.token)) violations.push(unclaimedMessage(event, tokens));

    const previous = highest.get(event.task);
    if (previous !== undefined && event.token < previous.token) {
      violations.push(
        `register accepted token ${event.token} for task ${event.task} from ${event.node} at ${event.t} ms ` +
          `after it had accepted token ${previous.token} from ${previous.node} at ${previous.t} ms`,
      );
    }
    if (previous === undefined || event.token > previous.token) {
      highest.set(event.task, { node: event.node, token: event.token, t: event.t });
    }
  }
  return verdictOfMessages(FENCED_EFFECTS, violations, context);
}

function unclaimedMessage(effect: { node: string; task: string; token: number; t: number }, tokens: number[]): string {
  const claims =
    tokens.length === 0 ? `${effect.node} never claimed it before` : `its claims had tokens ${tokens.join(', ')}`;
  return (
    `register accepted token ${effect.token} for task ${effect.task} from ${effect.node} at ${effect.t} ms, ` +
    `but no claim of ${effect.task} by ${effect.node} had that token (${claims})`
  );
}
