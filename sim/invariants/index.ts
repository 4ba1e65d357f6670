import { InvalidArgumentError } from '../../src/runtime/errors.js';
import type { HistoryEvent } from '../history.js';
import { BOUNDED_CHURN, checkBoundedChurn } from './bounded-churn.js';
import { checkCleanShutdown, CLEAN_SHUTDOWN } from './clean-shutdown.js';
import { checkCommandsOnce, COMMANDS_ONCE } from './commands-once.js';
import { checkDoneIsFinal, DONE_IS_FINAL } from './done-is-final.js';
import { checkFairBalance, FAIR_BALANCE } from './fair-balance.js';
import { checkFencedEffects, FENCED_EFFECTS } from './fenced-effects.js';
import { checkLegalTransitions, LEGAL_TRANSITIONS } from './legal-transitions.js';
import { checkNoLostTask, NO_LOST_TASK } from './no-lost-task.js';
import { checkSingleRunner, SINGLE_RUNNER } from './single-runner.js';
import type { CheckContext, Checker, Verdict } from './verdict.js';

export type { CheckContext, Checker, Verdict, Window } from './verdict.js';

/** Every invariant checker by name, in the order `checkAll` reports them. */
export const CHECKERS: Readonly<Record<string, Checker>> = Object.freeze({
  [SINGLE_RUNNER]: checkSingleRunner,
  [FENCED_EFFECTS]: checkFencedEffects,
  [NO_LOST_TASK]: checkNoLostTask,
  [DONE_IS_FINAL]: checkDoneIsFinal,
  [FAIR_BALANCE]: checkFairBalance,
  [BOUNDED_CHURN]: checkBoundedChurn,
  [COMMANDS_ONCE]: checkCommandsOnce,
  [CLEAN_SHUTDOWN]: checkCleanShutdown,
  [LEGAL_TRANSITIONS]: checkLegalTransitions,
});

export const INVARIANT_NAMES: readonly string[] = Object.freeze(Object.keys(CHECKERS));

/**
 * Runs every checker on the history, in `CHECKERS` order. Throws `InvalidArgumentError` when the
 * context names an unknown invariant in `expectedToBreak` or has a TTL, period or threshold that
 * is not a positive number, because the verdicts would be meaningless.
 */
export function checkAll(history: HistoryEvent[], context: CheckContext): Verdict[] {
  validateContext(context);
  return Object.values(CHECKERS).map((check) => check(history, context));
}

/** True when no verdict is `broken`; expected breaks pass. */
export function allPassed(verdicts: readonly Verdict[]): boolean {
  return verdicts.every((verdict) => verdict.status !== 'broken');
}

function validateContext(context: CheckContext): void {
  for (const name of context.expectedToBreak) {
    if (!INVARIANT_NAMES.includes(name)) {
      throw new InvalidArgumentError(
        `unknown invariant ${JSON.stringify(name)} in expectedToBreak: use one of ${INVARIANT_NAMES.join(', ')}`,
      );
    }
  }
  const positive = {
    leaseTtlMs: context.leaseTtlMs,
    balanceEveryMs: context.balanceEveryMs,
    fairThresholdPercent: context.fairThresholdPercent,
  };
  for (const [name, value] of Object.entries(positive)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new InvalidArgumentError(`${name} must be a positive number, got ${value}`);
    }
  }
  if (!Number.isFinite(context.safetyMarginMs) || context.safetyMarginMs < 0) {
    throw new InvalidArgumentError(
      `safetyMarginMs must be a non-negative number of milliseconds, got ${context.safetyMarginMs}`,
    );
  }
}
