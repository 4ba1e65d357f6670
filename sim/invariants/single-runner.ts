import type { HistoryEvent } from '../history.js';
import type { FaultSpan } from './fault-spans.js';
import { faultSpans, formatFaultSpan, spanTouches } from './fault-spans.js';
import type { HandlerRun } from './handler-runs.js';
import { formatRun, handlerRuns, historyEndsAt } from './handler-runs.js';
import type { CheckContext, Finding, Verdict, Window } from './verdict.js';
import { formatSpan, verdictOf } from './verdict.js';

export const SINGLE_RUNNER = 'single-runner';

/**
 * single-runner: no two nodes run a handler for the same task at the same virtual instant.
 *
 * A run lasts from its `handler-start` to its `handler-end`, or to the node's `node-crash`, or to
 * the end of the history while it still runs. Two runs overlap when the newer one started before
 * the older one ended, in recorded order, so an overlap of 0 ms within one virtual ms counts too.
 * An overlap is explained when the older run's node has a `pause` fault that covers at least one
 * instant of the overlap, or ended at most `safetyMarginMs` before it began: a resumed node first
 * works off what it missed, so stopping a stale handler can take a moment after the pause. It is also explained when the older run's first stop request came more
 * than `safetyMarginMs` before its end, because then its handler ignored the stop signal past the
 * margin. Every overlap becomes a window, explained or not.
 */
export function checkSingleRunner(history: HistoryEvent[], context: CheckContext): Verdict {
  const runs = handlerRuns(history);
  const pauses = faultSpans(history).filter((span) => span.fault === 'pause' && span.node !== undefined);
  const lastEventAt = historyEndsAt(history);
  const windows: Window[] = [];
  const findings: Finding[] = [];
  runs.forEach((newer, index) => {
    for (const older of runs.slice(0, index)) {
      if (older.task !== newer.task || older.node === newer.node || !overlaps(older, newer)) continue;
      const window = overlapWindow(older, newer, lastEventAt);
      const explainedBy = explain(older, window, pauses, lastEventAt, context.safetyMarginMs);
      if (explainedBy !== undefined) window.explainedBy = explainedBy;
      windows.push(window);
      findings.push({ message: overlapMessage(older, newer, window, lastEventAt), explainedBy });
    }
  });
  return verdictOf(SINGLE_RUNNER, findings, context, windows);
}

/** `older` started first; the runs overlap when `newer` started before `older` ended. */
function overlaps(older: HandlerRun, newer: HandlerRun): boolean {
  return older.end === null || newer.start.seq < older.end.seq;
}

function overlapWindow(older: HandlerRun, newer: HandlerRun, lastEventAt: number): Window {
  const to = Math.min(older.end?.t ?? lastEventAt, newer.end?.t ?? lastEventAt);
  return { task: newer.task, nodes: [older.node, newer.node], from: newer.start.t, to };
}

function explain(
  older: HandlerRun,
  window: Window,
  pauses: FaultSpan[],
  lastEventAt: number,
  safetyMarginMs: number,
): string | undefined {
  const pause = pauses.find(
    (span) =>
      span.node === older.node && spanTouches({ from: span.from, to: span.to + safetyMarginMs }, window.from, window.to),
  );
  if (pause !== undefined) return `${older.node} was paused ${formatFaultSpan(pause)}`;

  const stop = older.stopRequest;
  if (stop === null) return undefined;
  const endedAt = older.end?.t ?? lastEventAt;
  const ignoredMs = endedAt - stop.t;
  if (ignoredMs <= safetyMarginMs) return undefined;
  return (
    `the handler on ${older.node} ran ${ignoredMs} ms after its stop request (${stop.reason}) at ${stop.t} ms, ` +
    `more than the ${safetyMarginMs} ms safety margin`
  );
}

function overlapMessage(older: HandlerRun, newer: HandlerRun, window: Window, lastEventAt: number): string {
  const bothOpen = older.end === null && newer.end === null;
  const overlap = bothOpen
    ? `${formatSpan(window.from, lastEventAt)}, to the end of the history`
    : formatSpan(window.from, window.to);
  return `task ${newer.task} ran on ${formatRun(older)} and ${formatRun(newer)} at once (overlap ${overlap})`;
}
