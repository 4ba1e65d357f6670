import type { HistoryEvent } from '../history.js';

/** The run's settings that the checkers need to judge a history. */
export interface CheckContext {
  /** Node lease TTL, in milliseconds. */
  leaseTtlMs: number;
  /** A node stops its handlers this many milliseconds before its lease could expire. */
  safetyMarginMs: number;
  /** Balance period, in milliseconds. */
  balanceEveryMs: number;
  balancer: 'fair' | 'sleep' | 'dumb';
  /** The fair balancer's release threshold, in percent of the cluster average; 120 by default. */
  fairThresholdPercent: number;
  /** Virtual ms when faults stopped and the quiet phase began. */
  quietStartsAt: number;
  /** Virtual ms of the final-state snapshot. */
  endsAt: number;
  /** Invariants the scenario declares may break, because physics forces it (see single-runner). */
  expectedToBreak: string[];
  /**
   * Delay the simulation may inject at one buggify point, in milliseconds; 0 without buggify.
   * A graceful hand-over passes a watch batch and a claim acknowledgement, so it may take twice
   * this much longer.
   */
  injectedDelayMs?: number;
}

/** A span of virtual time in which two or more nodes ran the same task. */
export interface Window {
  task: string;
  nodes: string[];
  /** Virtual ms where the overlap begins. */
  from: number;
  /** Virtual ms where the overlap ends, or the end of the history while both still ran. */
  to: number;
  /** Reason physics allowed the overlap; absent when nothing in the history explains it. */
  explainedBy?: string;
}

/** Decision of one checker about one invariant. */
export interface Verdict {
  invariant: string;
  /**
   * `holds` without violations; `expected-break` when every violation is explained and the
   * scenario declares the invariant in `expectedToBreak`; `broken` otherwise.
   */
  status: 'holds' | 'broken' | 'expected-break';
  /** One readable line per violation, with times, nodes and task. */
  violations: string[];
  /** Exact overlap windows for single-runner; empty for every other invariant. */
  windows: Window[];
}

export type Checker = (history: HistoryEvent[], context: CheckContext) => Verdict;

/** One violation a checker found, with the reason physics allowed it when there is one. */
export interface Finding {
  message: string;
  explainedBy?: string;
}

/**
 * Builds a verdict from a checker's findings. Only explained findings may count as an expected
 * break, so a checker whose findings never carry an explanation can only hold or break.
 */
export function verdictOf(
  invariant: string,
  findings: Finding[],
  context: CheckContext,
  windows: Window[] = [],
): Verdict {
  const violations = findings.map((finding) =>
    finding.explainedBy === undefined ? finding.message : `${finding.message}; explained: ${finding.explainedBy}`,
  );
  if (findings.length === 0) return { invariant, status: 'holds', violations, windows };
  const allExplained = findings.every((finding) => finding.explainedBy !== undefined);
  const declared = context.expectedToBreak.includes(invariant);
  const status = allExplained && declared ? 'expected-break' : 'broken';
  return { invariant, status, violations, windows };
}

/** Shorthand for a verdict built from unexplained messages. */
export function verdictOfMessages(invariant: string, messages: string[], context: CheckContext): Verdict {
  return verdictOf(
    invariant,
    messages.map((message) => ({ message })),
    context,
  );
}

/** Formats a span of virtual time as `12000-15500 ms`. */
export function formatSpan(from: number, to: number): string {
  return `${from}-${to} ms`;
}
