import type { HistoryEvent } from '../history.js';
import { faultSpans, spanTouches } from './fault-spans.js';

/** A closed span of virtual ms; `to` is Infinity while it lasts to the end. */
interface Interval {
  from: number;
  to: number;
}

type BlockKind = 'stopping' | 'frozen';

/**
 * The times at which each node could claim tasks. A node is live from its `node-start` to its
 * `node-stop` or `node-crash`. It is blocked while it shuts down (from `node-stopping`), while a
 * `freeze` command is in force (until `unfreeze` or the end of the incarnation) and while a fault
 * names it.
 */
export class NodeAvailability {
  private readonly live = new Map<string, Interval[]>();
  private readonly blocked = new Map<string, Interval[]>();
  private readonly storeFaults: Interval[] = [];
  private readonly open = new Map<string, Interval>();

  constructor(history: readonly HistoryEvent[]) {
    for (const event of history) this.apply(event);
    for (const span of faultSpans(history)) {
      const interval = { from: span.from, to: span.to };
      if (span.node === undefined) this.storeFaults.push(interval);
      else append(this.blocked, span.node, interval);
    }
  }

  /** Nodes that stayed live and unblocked over all of [from, to], sorted by name. */
  claimableThroughout(from: number, to: number): string[] {
    const nodes: string[] = [];
    for (const [node, lives] of this.live) {
      const live = lives.some((interval) => interval.from <= from && interval.to > to);
      const blocked = (this.blocked.get(node) ?? []).some((interval) => spanTouches(interval, from, to));
      if (live && !blocked) nodes.push(node);
    }
    return nodes.sort();
  }

  /** True when a store-wide fault covers at least one instant of [from, to]. */
  storeFaultTouches(from: number, to: number): boolean {
    return this.storeFaults.some((interval) => spanTouches(interval, from, to));
  }

  private apply(event: HistoryEvent): void {
    switch (event.type) {
      case 'node-start':
        this.endIncarnation(event.node, event.t);
        this.begin('live', event.node, event.t);
        break;
      case 'node-stop':
      case 'node-crash':
        this.endIncarnation(event.node, event.t);
        break;
      case 'node-stopping':
        this.begin('stopping', event.node, event.t);
        break;
      case 'command-applied':
        if (event.command === 'freeze') this.begin('frozen', event.node, event.t);
        if (event.command === 'unfreeze') this.end('frozen', event.node, event.t);
        break;
      default:
        break;
    }
  }

  private endIncarnation(node: string, t: number): void {
    for (const kind of ['live', 'stopping', 'frozen'] as const) this.end(kind, node, t);
  }

  /** Opens an interval of `kind` for `node` unless one is open already. */
  private begin(kind: 'live' | BlockKind, node: string, t: number): void {
    const key = `${kind}\u0000${node}`;
    if (this.open.has(key)) return;
    const interval = { from: t, to: Infinity };
    this.open.set(key, interval);
    append(kind === 'live' ? this.live : this.blocked, node, interval);
  }

  private end(kind: 'live' | BlockKind, node: string, t: number): void {
    const key = `${kind}\u0000${node}`;
    const interval = this.open.get(key);
    if (interval === undefined) return;
    interval.to = t;
    this.open.delete(key);
  }
}

function append(map: Map<string, Interval[]>, node: string, interval: Interval): void {
  map.set(node, [...(map.get(node) ?? []), interval]);
}
