import type { Claim } from '../../src/core/coordinator.js';
import { FairBalancer } from '../../src/core/fair-balancer.js';
import type { StoreCoordinatorOptions } from '../../src/coordinator/store-coordinator.js';
import { StoreCoordinator } from '../../src/coordinator/store-coordinator.js';
import { createBalancer } from '../../sim/sim-node.js';
import { scenarioArbitrary } from '../../sim/fuzz/arbitraries.js';
import type { RuntimeVariants } from '../../sim/run.js';

/**
 * A coordinator whose release deletes the owner key whatever its fencing token: a node that lost
 * its claim and releases late deletes the claim another node took since.
 */
class UnguardedReleaseCoordinator extends StoreCoordinator {
  constructor(private readonly options: StoreCoordinatorOptions) {
    super(options);
  }

  override async release(claim: Claim): Promise<void> {
    try {
      await super.release(claim);
    } finally {
      await this.options.store.delete(this.keys.taskOwner(claim.task.id)).catch(() => undefined);
    }
  }
}

/** Known-bad variants of the runtime, each of which some invariant checker must catch. */
export const MUTANTS = {
  /** Release skips the owner guard, so a late release deletes another node's claim. */
  'unguarded-release': {
    coordinator: (options) => new UnguardedReleaseCoordinator(options),
  },
  /**
   * The watchdog never fires: a safety margin of minus one day puts the lease deadline a day past
   * the TTL, so a node cut off from the store keeps running its handlers after its lease expired.
   */
  'no-lease-watchdog': {
    coordinator: (options) => new StoreCoordinator({ ...options, leaseSafetyMarginMs: -86_400_000 }),
  },
  /** The fair balancer never yields and claims again at once what it just released. */
  'greedy-fair-balancer': {
    balancer: (name) =>
      name === 'fair' ? new FairBalancer({ claimDelayPerReleaseMs: 0, maxYields: 0 }) : createBalancer(name),
  },
} satisfies Record<string, RuntimeVariants>;

export type MutantName = keyof typeof MUTANTS;

/**
 * Generated runs in which a node can lose a claim while other nodes run: at least three nodes and
 * a link fault. An unguarded release only does harm after such a loss, and the runtime now loses
 * claims rarely enough that a search over all generated runs may miss it.
 */
export const LINK_FAULT_RUNS = scenarioArbitrary.filter(
  (scenario) => scenario.nodes >= 3 && scenario.faults.some((fault) => fault.kind === 'partition' || fault.kind === 'loss'),
);
