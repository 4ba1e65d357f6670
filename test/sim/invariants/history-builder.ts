import type { HistoryEvent } from '../../../sim/history.js';
import type { CheckContext } from '../../../sim/invariants/verdict.js';

type FinalStateEvent = Extract<HistoryEvent, { type: 'final-state' }>;
type HandlerResult = Extract<HistoryEvent, { type: 'handler-end' }>['result'];
type TransitionEvent = Extract<HistoryEvent, { type: 'transition' }>;

/**
 * Returns a check context for tests: 10 s lease TTL, 2 s safety margin, 10 s balance period, the fair
 * balancer at 120 %, quiet from 60 s, final state at 120 s, nothing expected to break.
 */
export function context(overrides: Partial<CheckContext> = {}): CheckContext {
  return {
    leaseTtlMs: 10_000,
    safetyMarginMs: 2_000,
    balanceEveryMs: 10_000,
    balancer: 'fair',
    fairThresholdPercent: 120,
    quietStartsAt: 60_000,
    endsAt: 120_000,
    expectedToBreak: [],
    ...overrides,
  };
}

/**
 * Flattens the parts into one history sorted by time. The sort is stable, so events at the same
 * virtual ms keep the order in which they are listed.
 */
export function history(...parts: Array<HistoryEvent | HistoryEvent[]>): HistoryEvent[] {
  return parts.flat().sort((a, b) => a.t - b.t);
}

/** One constructor per event type, each taking the virtual time first. */
export const at = {
  nodeStart: (t: number, node: string): HistoryEvent => ({ t, type: 'node-start', node }),
  nodeStopping: (t: number, node: string): HistoryEvent => ({ t, type: 'node-stopping', node }),
  nodeStop: (t: number, node: string): HistoryEvent => ({ t, type: 'node-stop', node }),
  nodeCrash: (t: number, node: string): HistoryEvent => ({ t, type: 'node-crash', node }),
  submit: (t: number, task: string): HistoryEvent => ({ t, type: 'submit', task }),
  claim: (t: number, node: string, task: string, token: number): HistoryEvent => ({
    t,
    type: 'claim',
    node,
    task,
    token,
  }),
  handlerStart: (t: number, node: string, task: string, token: number): HistoryEvent => ({
    t,
    type: 'handler-start',
    node,
    task,
    token,
  }),
  stopRequested: (t: number, node: string, task: string, reason: string): HistoryEvent => ({
    t,
    type: 'handler-stop-requested',
    node,
    task,
    reason,
  }),
  handlerEnd: (
    t: number,
    node: string,
    task: string,
    token: number,
    result: HandlerResult = 'release',
  ): HistoryEvent => ({
    t,
    type: 'handler-end',
    node,
    task,
    token,
    result,
  }),
  release: (t: number, node: string, task: string, lost = false): HistoryEvent => ({
    t,
    type: 'release',
    node,
    task,
    lost,
  }),
  done: (t: number, node: string, task: string): HistoryEvent => ({ t, type: 'done', node, task }),
  commandSent: (t: number, node: string, id: string, command: string): HistoryEvent => ({
    t,
    type: 'command-sent',
    node,
    id,
    command,
  }),
  commandApplied: (t: number, node: string, id: string, command: string): HistoryEvent => ({
    t,
    type: 'command-applied',
    node,
    id,
    command,
  }),
  effect: (t: number, node: string, task: string, token: number, accepted: boolean): HistoryEvent => ({
    t,
    type: 'effect',
    node,
    task,
    token,
    accepted,
  }),
  transition: (t: number, node: string, task: string, from: TransitionEvent['from'], message: TransitionEvent['message'], to: TransitionEvent['to']): HistoryEvent => ({
    t,
    type: 'transition',
    node,
    task,
    from,
    to,
    message,
  }),
  faultStart: (t: number, fault: string, node?: string): HistoryEvent =>
    node === undefined ? { t, type: 'fault-start', fault } : { t, type: 'fault-start', fault, node },
  faultEnd: (t: number, fault: string, node?: string): HistoryEvent =>
    node === undefined ? { t, type: 'fault-end', fault } : { t, type: 'fault-end', fault, node },
  phase: (t: number, phase: 'faults' | 'quiet' | 'check'): HistoryEvent => ({ t, type: 'phase', phase }),
  finalState: (t: number, state: Omit<FinalStateEvent, 't' | 'type'>): HistoryEvent => ({
    t,
    type: 'final-state',
    ...state,
  }),
};

export interface RunSpec {
  node: string;
  task: string;
  token: number;
  /** Virtual ms of the claim and the handler start. */
  from: number;
  /** Virtual ms of the handler end and the release or done; omit for a run still going. */
  to?: number;
  /** How the handler ended; `done` records a `done` in place of a `release`. Default `release`. */
  result?: HandlerResult;
  /** A stop request before the end, at this virtual ms. */
  stopAt?: number;
  /** The stop request's reason. Default `balance`. */
  stopReason?: string;
}

/** One claimed run: claim and handler start, then optionally stop request, handler end and release or done. */
export function run(spec: RunSpec): HistoryEvent[] {
  const { node, task, token, from, to, result = 'release' } = spec;
  const events = [at.claim(from, node, task, token), at.handlerStart(from, node, task, token)];
  if (spec.stopAt !== undefined) events.push(at.stopRequested(spec.stopAt, node, task, spec.stopReason ?? 'balance'));
  if (to === undefined) return events;
  events.push(at.handlerEnd(to, node, task, token, result));
  events.push(result === 'done' ? at.done(to, node, task) : at.release(to, node, task));
  return events;
}

/** Builds a final state where each listed task runs on its owner and every listed node is live. */
export function settled(t: number, owners: Record<string, string>, liveNodes: string[]): HistoryEvent {
  const running: Record<string, string[]> = {};
  for (const node of liveNodes) running[node] = [];
  for (const [task, node] of Object.entries(owners)) running[node] = [...(running[node] ?? []), task];
  return at.finalState(t, { owners, liveNodes, running });
}
