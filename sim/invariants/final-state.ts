import type { HistoryEvent } from '../history.js';

export type FinalStateEvent = Extract<HistoryEvent, { type: 'final-state' }>;

/** The snapshot the ownership checkers read, with its index in the history. */
export interface FinalState {
  event: FinalStateEvent;
  seq: number;
}

/** A task's latest life: from its latest `submit` to the `done` that ended it, if any. */
export interface TaskLife {
  task: string;
  /** Virtual ms of the latest submit; null when the task was done without a recorded submit. */
  submittedAt: number | null;
  /** The first `done` after the latest submit; null while the task is not done. */
  done: { t: number; node: string } | null;
  /**
   * True when a handler finished the task as done (or with an error, which counts as done) and
   * its node crashed before it reported the outcome. The node may have removed the task just
   * before it crashed, so a task that vanished after this was done, not lost.
   */
  finishedBeforeCrash: boolean;
}

export const MISSING_FINAL_STATE =
  'the history has no final-state event, so the final ownership cannot be checked; ' +
  'record one when the quiet phase ends';

/** Returns the last `final-state` event of the history, or undefined when there is none. */
export function lastFinalState(history: readonly HistoryEvent[]): FinalState | undefined {
  for (let seq = history.length - 1; seq >= 0; seq--) {
    const event = history[seq];
    if (event?.type === 'final-state') return { event, seq };
  }
  return undefined;
}

/**
 * Computes each task's latest life from the events before index `untilSeq`; a later `submit`
 * starts a new life. Returns the tasks in the order they first appeared.
 */
export function taskLives(history: readonly HistoryEvent[], untilSeq = history.length): Map<string, TaskLife> {
  const lives = new Map<string, TaskLife>();
  /** Finished runs whose node has not reported done or release yet: `node/task` keys. */
  const unreported = new Set<string>();
  for (const event of history.slice(0, untilSeq)) {
    if (event.type === 'submit') {
      lives.set(event.task, { task: event.task, submittedAt: event.t, done: null, finishedBeforeCrash: false });
    } else if (event.type === 'done') {
      const life = lives.get(event.task) ?? { task: event.task, submittedAt: null, done: null, finishedBeforeCrash: false };
      life.done ??= { t: event.t, node: event.node };
      lives.set(event.task, life);
      unreported.delete(`${event.node}/${event.task}`);
    } else if (event.type === 'handler-end' && (event.result === 'done' || event.result === 'error')) {
      unreported.add(`${event.node}/${event.task}`);
    } else if (event.type === 'release' || event.type === 'claim') {
      unreported.delete(`${event.node}/${event.task}`);
    } else if (event.type === 'node-crash') {
      for (const key of [...unreported]) {
        if (!key.startsWith(`${event.node}/`)) continue;
        unreported.delete(key);
        const life = lives.get(key.slice(event.node.length + 1));
        if (life !== undefined) life.finishedBeforeCrash = true;
      }
    }
  }
  return lives;
}

/**
 * Returns the live nodes of the snapshot that are not shutting down: a node is shutting down when
 * a `node-stopping` follows its latest `node-start`. Sorted by name.
 */
export function activeNodes(history: readonly HistoryEvent[], finalState: FinalState): string[] {
  const stopping = new Set<string>();
  for (const event of history.slice(0, finalState.seq)) {
    if (event.type === 'node-start') stopping.delete(event.node);
    else if (event.type === 'node-stopping') stopping.add(event.node);
  }
  return finalState.event.liveNodes.filter((node) => !stopping.has(node)).sort();
}

/** Counts the tasks each node owns in the snapshot; unowned tasks are not counted. */
export function ownedCounts(finalState: FinalState): Map<string, number> {
  const counts = new Map<string, number>();
  for (const owner of Object.values(finalState.event.owners)) {
    if (owner !== null) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  return counts;
}
