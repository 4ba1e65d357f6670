import type { Message } from '../src/statemachine/message.js';
import type { History } from './history.js';
import { SIM_EPOCH_MS } from './node-clock.js';
import type { FaultCommand } from './scenario.js';
import type { Scheduler } from './scheduler.js';
import type { SimCluster } from './sim-cluster.js';
import type { StoreServer } from './store-server.js';

export interface FaultTarget {
  scheduler: Scheduler;
  cluster: SimCluster;
  server: StoreServer;
  history: History;
  /** Writes a node command for `node` into the store; returns its id. */
  sendCommand(node: string, command: Extract<FaultCommand, { kind: 'command' }>['command']): void;
  /** Writes a task command for `task` into the store through the operator client. */
  sendTaskCommand(task: string, message: Message): void;
}

/** Schedules `fault` and, for faults with a duration, its end. */
export function scheduleFault(target: FaultTarget, fault: FaultCommand): void {
  target.scheduler.at(fault.at, () => applyFault(target, fault));
}

function applyFault(target: FaultTarget, fault: FaultCommand): void {
  const { scheduler, cluster, server, history } = target;
  const node = 'node' in fault ? fault.node : undefined;
  const start = (detail?: Record<string, unknown>): void =>
    history.record({ t: scheduler.now, type: 'fault-start', fault: fault.kind, ...(node === undefined ? {} : { node }), ...(detail === undefined ? {} : { detail }) });
  const endAfter = (durationMs: number, end: () => void): void => {
    scheduler.after(durationMs, () => {
      end();
      history.record({ t: scheduler.now, type: 'fault-end', fault: fault.kind, ...(node === undefined ? {} : { node }) });
    });
  };

  switch (fault.kind) {
    case 'crash':
      cluster.crash(fault.node);
      return;
    case 'restart':
      start({ downMs: fault.downMs ?? 0 });
      cluster.crash(fault.node);
      endAfter(fault.downMs ?? 0, () => cluster.start(fault.node));
      return;
    case 'shutdown':
      cluster.shutdown(fault.node);
      return;
    case 'start':
      cluster.start(fault.node);
      return;
    case 'partition': {
      const link = cluster.node(fault.node)?.link;
      start({ direction: fault.direction ?? 'both', durationMs: fault.durationMs });
      link?.cut(fault.direction ?? 'both');
      endAfter(fault.durationMs, () => link?.heal());
      return;
    }
    case 'flap':
      start({ durationMs: fault.durationMs, periodMs: fault.periodMs });
      flap(target, fault.node, scheduler.now + fault.durationMs, fault.periodMs);
      endAfter(fault.durationMs, () => cluster.node(fault.node)?.link.heal());
      return;
    case 'loss': {
      const links = fault.node === undefined ? cluster.names.map((name) => cluster.node(name)!.link) : [cluster.node(fault.node)?.link];
      start({ lossRate: fault.lossRate, replyLossRate: fault.replyLossRate, durationMs: fault.durationMs });
      for (const link of links) if (link) link.config = { ...link.config, lossRate: fault.lossRate, replyLossRate: fault.replyLossRate };
      endAfter(fault.durationMs, () => {
        for (const link of links) if (link) link.config = { ...link.config, lossRate: 0, replyLossRate: 0 };
      });
      return;
    }
    case 'pause': {
      const gate = cluster.node(fault.node)?.gate;
      start({ durationMs: fault.durationMs });
      gate?.pause();
      endAfter(fault.durationMs, () => gate?.resume());
      return;
    }
    case 'clock-jump':
      start({ byMs: fault.byMs });
      cluster.clock(fault.node).jump(fault.byMs);
      return;
    case 'clock-drift':
      start({ rate: fault.rate });
      cluster.clock(fault.node).setRate(fault.rate);
      return;
    case 'store-restart':
      start();
      server.restart();
      return;
    case 'store-unavailable':
      start({ durationMs: fault.durationMs });
      server.setAvailable(false);
      endAfter(fault.durationMs, () => server.setAvailable(true));
      return;
    case 'compact':
      start();
      // A compaction at an already compacted revision is rejected by the store, as etcd does;
      // the fault then changes nothing.
      void server.store
        .range('/')
        .then((listing) => server.store.compact(listing.revision))
        .catch(() => undefined);
      return;
    case 'command':
      target.sendCommand(fault.node, fault.command);
      return;
    case 'task-command':
      target.sendTaskCommand(fault.task, taskCommandMessage(fault));
      return;
  }
}

/** Builds the message of a task command fault, with a sleep's wake-up time in epoch milliseconds. */
function taskCommandMessage(fault: Extract<FaultCommand, { kind: 'task-command' }>): Message {
  if (fault.command !== 'sleep') return { type: fault.command };
  return { type: 'sleep', untilMs: SIM_EPOCH_MS + (fault.untilMs ?? fault.at + 60_000) };
}

/** Alternates cut and healed link every `periodMs` until `until`. */
function flap(target: FaultTarget, node: string, until: number, periodMs: number): void {
  const link = target.cluster.node(node)?.link;
  if (link === undefined || target.scheduler.now >= until) return;
  if (link.isUp) link.cut('both');
  else link.heal();
  target.scheduler.after(periodMs, () => flap(target, node, until, periodMs));
}
