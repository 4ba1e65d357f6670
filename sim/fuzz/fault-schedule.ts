import type { FaultCommand } from '../scenario.js';
import type { FaultBlueprint, FaultKind, Frame } from './fault-blueprint.js';
import { faultOf, LIFECYCLE_KINDS, nodeName } from './fault-blueprint.js';

/** The swarm limits that shape a run's fault schedule. */
export interface ScheduleLimits {
  kinds: readonly FaultKind[];
  /** Maximum number of faults kept. */
  density: number;
  /** Graceful shutdown timeout of the run's nodes, in milliseconds. */
  shutdownTimeoutMs: number;
  leaseTtlMs: number;
}

/**
 * Builds the faults of a run, sorted by time: the blueprints of enabled kinds, at most `density`
 * of them, minus the ones a run must not contain (see `dropsUnfair`).
 */
export function faultSchedule(blueprints: readonly FaultBlueprint[], frame: Frame, limits: ScheduleLimits): FaultCommand[] {
  const enabled = new Set(limits.kinds);
  const faults = blueprints
    .filter((blueprint) => enabled.has(blueprint.kind))
    .slice(0, limits.density)
    .map((blueprint) => faultOf(blueprint, frame))
    .sort((x, y) => x.at - y.at);
  return dropsUnfair(faults, limits);
}

/**
 * Removes the faults that would make a run fail for reasons outside the runtime: link faults,
 * pauses, store unavailability and freezes of any node near a graceful shutdown. The
 * clean-shutdown checker expects every released task to be claimed by another node within 3 s,
 * and excuses only nodes that a fault blocks at that very time. A node that was just cut off
 * still re-registers for a few seconds after its fault ends. With a node frozen, the others may
 * sit at their fair share and yield for up to 4.5 s. So a shutdown needs a healthy cluster from
 * `leaseTtlMs` + 10 s before it to the end of its timeout.
 */
export function dropsUnfair(faults: readonly FaultCommand[], limits: { shutdownTimeoutMs: number; leaseTtlMs: number }): FaultCommand[] {
  const shutdowns = faults.filter((fault) => fault.kind === 'shutdown');
  const beforeMs = limits.leaseTtlMs + 10_000;
  const afterMs = limits.shutdownTimeoutMs + 3_000;
  return faults.filter((fault) => {
    const span = disturbance(fault);
    if (span === undefined) return true;
    return !shutdowns.some((shutdown) => span.from <= shutdown.at + afterMs && span.to >= shutdown.at - beforeMs);
  });
}

/** Returns the span in which a fault keeps a node from the store or from claiming. */
function disturbance(fault: FaultCommand): { from: number; to: number } | undefined {
  switch (fault.kind) {
    case 'partition':
    case 'flap':
    case 'pause':
    case 'loss':
    case 'store-unavailable':
      return { from: fault.at, to: fault.at + fault.durationMs };
    case 'command':
      return fault.command.command === 'freeze' ? { from: fault.at, to: Infinity } : undefined;
    default:
      return undefined;
  }
}

/**
 * Builds the faults that close the fault phase. A start at `restartAt` for each of the first
 * `nodes` nodes and every node a lifecycle fault touched, as a supervisor restarts processes that
 * died or failed to start (a start of a running node does nothing). Then an unfreeze at
 * `unfreezeAt` for every node that got a freeze, because a frozen node claims nothing.
 */
export function closingFaults(
  faults: readonly FaultCommand[],
  nodes: number,
  restartAt: number,
  unfreezeAt: number,
): FaultCommand[] {
  const restarted = new Set<string>(Array.from({ length: nodes }, (_, index) => nodeName(index)));
  const frozen = new Set<string>();
  for (const fault of faults) {
    if (LIFECYCLE_KINDS.includes(fault.kind) && 'node' in fault && fault.node !== undefined) restarted.add(fault.node);
    if (fault.kind === 'command' && fault.command.command === 'freeze') frozen.add(fault.node);
  }
  return [
    ...[...restarted].sort(byNodeNumber).map((node): FaultCommand => ({ at: restartAt, kind: 'start', node })),
    ...[...frozen].sort().map((node): FaultCommand => ({ at: unfreezeAt, kind: 'command', node, command: { command: 'unfreeze' } })),
  ];
}

/** n2 before n10. */
function byNodeNumber(x: string, y: string): number {
  return Number(x.slice(1)) - Number(y.slice(1)) || x.localeCompare(y);
}
