import type { HistoryEvent } from '../history.js';

/** One injected fault, from its `fault-start` to its `fault-end`. */
export interface FaultSpan {
  fault: string;
  /** The faulted node; undefined for a store-wide fault. */
  node: string | undefined;
  from: number;
  /** Virtual ms of the `fault-end` or of the quiet phase's start; Infinity when neither came. */
  to: number;
}

/**
 * Pairs every `fault-start` with the first later `fault-end` of the same fault and node. A fault
 * still open when the quiet phase begins ends there, because the simulator heals links and resumes
 * paused nodes then and records no `fault-end` for one-shot faults such as a store restart.
 * Returns the spans in start order.
 */
export function faultSpans(history: readonly HistoryEvent[]): FaultSpan[] {
  const spans: FaultSpan[] = [];
  const open = new Map<string, FaultSpan[]>();
  for (const event of history) {
    if (event.type === 'fault-start') {
      const span: FaultSpan = { fault: event.fault, node: event.node, from: event.t, to: Infinity };
      spans.push(span);
      const key = faultKey(event.fault, event.node);
      open.set(key, [...(open.get(key) ?? []), span]);
    } else if (event.type === 'fault-end') {
      const span = open.get(faultKey(event.fault, event.node))?.shift();
      if (span !== undefined) span.to = event.t;
    } else if (event.type === 'phase' && event.phase === 'quiet') {
      for (const span of [...open.values()].flat()) span.to = event.t;
      open.clear();
    }
  }
  return spans;
}

/** True when the closed span covers at least one instant of the closed interval [from, to]. */
export function spanTouches(span: { from: number; to: number }, from: number, to: number): boolean {
  return span.from <= to && span.to >= from;
}

/** Formats a span as `12000-15500 ms`, or `from 12000 ms on` when it never ended. */
export function formatFaultSpan(span: FaultSpan): string {
  return span.to === Infinity ? `from ${span.from} ms on` : `${span.from}-${span.to} ms`;
}

function faultKey(fault: string, node: string | undefined): string {
  return node === undefined ? `${fault}\u0000` : `${fault}\u0000${node}\u0000`;
}
