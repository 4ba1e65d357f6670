import type { Balancer, BalancerContext, ClaimDecision } from './balancer.js';

export interface SleepBalancerOptions {
  /** Claim delay per task already running on this node, in milliseconds. Default 30. */
  delayPerTaskMs?: number;
  /** Upper bound of the claim delay, in milliseconds. Default 10,000. */
  maxDelayMs?: number;
}

/**
 * Delays each claim in proportion to the number of tasks this node already runs, so lightly loaded
 * nodes win the race for new tasks. It never releases tasks.
 */
export class SleepBalancer implements Balancer {
  private context: BalancerContext | undefined;
  private readonly delayPerTaskMs: number;
  private readonly maxDelayMs: number;
  /** When each pending task was first offered, so the delay runs once per task. */
  private readonly firstOffered = new Map<string, number>();

  constructor(options: SleepBalancerOptions = {}) {
    this.delayPerTaskMs = options.delayPerTaskMs ?? 30;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
  }

  init(context: BalancerContext): void {
    this.context = context;
  }

  canClaim(taskId: string): ClaimDecision {
    const context = requireContext(this.context);
    const now = context.clock.monotonic();
    const delayMs = Math.min(this.maxDelayMs, context.runningTasks().length * this.delayPerTaskMs);
    const first = this.firstOffered.get(taskId) ?? now;
    if (delayMs === 0 || now >= first + delayMs) {
      this.firstOffered.delete(taskId);
      return { claim: true };
    }
    this.firstOffered.set(taskId, first);
    return { claim: false, retryAt: first + delayMs };
  }

  /** Never releases; forgets offers older than the maximum delay, which other nodes took. */
  balance(): Promise<string[]> {
    const now = requireContext(this.context).clock.monotonic();
    for (const [taskId, first] of this.firstOffered) {
      if (now - first > this.maxDelayMs) this.firstOffered.delete(taskId);
    }
    return Promise.resolve([]);
  }
}

/** Returns the context a balancer got in `init`, or throws if `init` was not called. */
export function requireContext(context: BalancerContext | undefined): BalancerContext {
  if (context === undefined) throw new Error('balancer used before init(context)');
  return context;
}
