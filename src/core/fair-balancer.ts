import type { Balancer, BalancerContext, ClaimDecision, ClusterSnapshot } from './balancer.js';
import { requireContext } from './sleep-balancer.js';

export interface FairBalancerOptions {
  /**
   * A node releases tasks while it runs more than this percentage of the cluster average.
   * Default 120.
   */
  releaseThresholdPercent?: number;
  /** After a balance releases n tasks, claims wait n times this many milliseconds. Default 1,000. */
  claimDelayPerReleaseMs?: number;
  /**
   * A node already at or above its fair share lets other nodes take a task first by waiting this
   * many milliseconds, plus up to half as much at random, before it looks again. Default 500:
   * long enough for a less loaded node to answer, and short enough that all yields together stay
   * well under the 3 s a graceful hand-over may take, even when two nodes with stale views yield
   * to each other or the node yielded to has just crashed.
   */
  yieldDelayMs?: number;
  /**
   * After yielding a task this many times, a node claims it whatever its share, so a task is
   * never left unclaimed because every node thinks it is full. Default 2.
   */
  maxYields?: number;
}

/**
 * Spreads tasks evenly. A node at or above its fair share (tasks / active nodes, rounded up) yields
 * a few times before claiming while another active node is below it, so less loaded nodes claim
 * first but no task is left unclaimed. Every
 * balance period a node above the release threshold releases the excess at random and stops
 * claiming for a while, so it does not take the released tasks straight back.
 */
export class FairBalancer implements Balancer {
  private context: BalancerContext | undefined;
  private readonly thresholdPercent: number;
  private readonly claimDelayPerReleaseMs: number;
  private readonly yieldDelayMs: number;
  private readonly maxYields: number;
  private claimsResumeAt = 0;
  /** Tasks this node yielded to others: how often, and when it may look again. */
  private readonly yielded = new Map<string, { count: number; until: number }>();

  constructor(options: FairBalancerOptions = {}) {
    this.thresholdPercent = options.releaseThresholdPercent ?? 120;
    this.claimDelayPerReleaseMs = options.claimDelayPerReleaseMs ?? 1_000;
    this.yieldDelayMs = options.yieldDelayMs ?? 500;
    this.maxYields = options.maxYields ?? 2;
  }

  init(context: BalancerContext): void {
    this.context = context;
  }

  canClaim(taskId: string): ClaimDecision {
    const context = requireContext(this.context);
    const now = context.clock.monotonic();
    const snapshot = context.cluster.clusterSnapshot();
    const target = claimTarget(snapshot);
    // The pause after a release leaves the released tasks to less loaded nodes. With no such node
    // left, because it stopped or filled up, waiting would only delay the task.
    if (now < this.claimsResumeAt && otherNodeBelow(snapshot, target, context.node)) {
      return { claim: false, retryAt: this.claimsResumeAt };
    }

    const yielded = this.yielded.get(taskId) ?? { count: 0, until: 0 };
    if (now < yielded.until) return { claim: false, retryAt: yielded.until };

    const load = context.runningTasks().length + context.claimsInFlight();
    if (yielded.count >= this.maxYields || load < target || !otherNodeBelow(snapshot, target, context.node)) {
      this.yielded.delete(taskId);
      return { claim: true };
    }
    const jitterMs = context.random.int(Math.floor(this.yieldDelayMs / 2) + 1);
    const until = now + this.yieldDelayMs + jitterMs;
    this.yielded.set(taskId, { count: yielded.count + 1, until });
    return { claim: false, retryAt: until };
  }

  balance(): Promise<string[]> {
    const context = requireContext(this.context);
    this.forgetStaleYields(context.clock.monotonic());
    const running = context.runningTasks();
    const limit = keepLimit(context.cluster.clusterSnapshot(), this.thresholdPercent);
    const excess = running.length - limit;
    if (excess < 1) return Promise.resolve([]);

    const candidates = running.map((entry) => entry.task.id);
    const released: string[] = [];
    for (let i = 0; i < excess; i++) {
      const index = context.random.int(candidates.length);
      released.push(...candidates.splice(index, 1));
    }
    this.claimsResumeAt = context.clock.monotonic() + released.length * this.claimDelayPerReleaseMs;
    context.logger.info({ released: released.length, limit }, 'fair balance releases tasks');
    return Promise.resolve(released);
  }

  /** Forgets yields whose task was not offered again, because another node took it. */
  private forgetStaleYields(now: number): void {
    for (const [taskId, yielded] of this.yielded) {
      if (now - yielded.until > 2 * this.yieldDelayMs) this.yielded.delete(taskId);
    }
  }
}

/**
 * The most tasks a node keeps at a balance. Normally the release limit; while some active node
 * runs two or more tasks fewer than the fair share (a node that just joined, say), nodes keep only
 * the average rounded down, so the starved node fills up instead of waiting for the 120% rule.
 */
export function keepLimit(snapshot: ClusterSnapshot, thresholdPercent: number): number {
  const limit = releaseLimit(snapshot, thresholdPercent);
  if (!hasStarvedNode(snapshot)) return limit;
  const nodes = Math.max(1, snapshot.activeNodes.length);
  return Math.min(limit, Math.max(1, Math.floor(snapshot.totalTasks / nodes)));
}

/**
 * The load below which a node claims at once. Normally the fair share; while a node is starved,
 * the average rounded down, so that tasks released for the starved node reach it instead of
 * whichever node with a task or two answers first.
 */
export function claimTarget(snapshot: ClusterSnapshot): number {
  if (!hasStarvedNode(snapshot)) return fairShare(snapshot);
  const nodes = Math.max(1, snapshot.activeNodes.length);
  return Math.max(1, Math.floor(snapshot.totalTasks / nodes));
}

/** Returns whether an active node other than `self` owns fewer than `target` tasks: one to yield to. */
export function otherNodeBelow(snapshot: ClusterSnapshot, target: number, self: string): boolean {
  return snapshot.activeNodes.some((node) => node !== self && (snapshot.counts.get(node) ?? 0) < target);
}

/** Returns whether an active node runs at least two tasks fewer than the fair share. */
export function hasStarvedNode(snapshot: ClusterSnapshot): boolean {
  const share = fairShare(snapshot);
  return snapshot.activeNodes.some((node) => (snapshot.counts.get(node) ?? 0) < share - 1);
}

/** Tasks per active node, rounded up; at least 1 so a lone task always has a home. */
export function fairShare(snapshot: ClusterSnapshot): number {
  const nodes = Math.max(1, snapshot.activeNodes.length);
  return Math.max(1, Math.ceil(snapshot.totalTasks / nodes));
}

/**
 * The most tasks a node may keep at a balance: the cluster average times the threshold
 * percentage, rounded up, computed in integers so 30 tasks on 3 nodes at 120% gives exactly 12.
 */
export function releaseLimit(snapshot: ClusterSnapshot, thresholdPercent: number): number {
  const nodes = Math.max(1, snapshot.activeNodes.length);
  const scaled = snapshot.totalTasks * thresholdPercent;
  const divisor = nodes * 100;
  return Math.max(1, Math.floor((scaled + divisor - 1) / divisor));
}
