import type fc from 'fast-check';

import type { Scenario } from '../../sim/scenario.js';
import type { RuntimeVariants } from '../../sim/run.js';
import { createBalancer } from '../../sim/sim-node.js';
import type { Balancer, BalancerContext, ClaimDecision, ClusterSnapshot } from '../../src/core/balancer.js';
import type { CoordinatorContext } from '../../src/core/coordinator.js';
import { FairBalancer, fairShare } from '../../src/core/fair-balancer.js';
import { StoreCoordinator } from '../../src/coordinator/store-coordinator.js';

/**
 * Open problems the fuzzer found, kept out of the property test until they are fixed so that it
 * keeps looking for new ones. Each entry names its shrunk case under .tmp/found/; delete the
 * entry when the fix lands and move the case into test/regressions/.
 */
export const KNOWN_ISSUES = [
  {
    found: '.tmp/found/fuzz-702048121045.json',
    problem:
      'a consumer whose start fails after registering leaves its coordinator running, so the ' +
      'registration stays alive and a restart with the same name fails with NodeNameInUseError',
    workaround: 'the coordinator closes itself when its start fails',
  },
  {
    found: '.tmp/found/fuzz-47f0069bd684.json',
    problem:
      'a watch event older than a fresh claim (a delayed batch) reports the claim lost, and then ' +
      'the stray-claim cleanup deletes the owner key while the handler still stops: two runners',
    workaround: 'runs without buggify, whose watch-event delays make the view lag',
  },
  {
    found: '.tmp/found/fuzz-e5c436bbd685.json',
    problem:
      'a done applied by the store whose reply never reached its node (crash or restart first) ' +
      'leaves no done in the history, so done-is-final and no-lost-task report the task as vanished',
    workaround: 'runs with finite or failing tasks have no crash or restart',
  },
  {
    found: '.tmp/found/fuzz-d618be02c859.json',
    problem:
      'the shutdown deadline is measured on the wall clock, so a forward clock jump during a ' +
      'graceful shutdown ends it at once, before the claims are released',
    workaround: 'no clock jump on a node during its shutdown',
  },
  {
    found: '.tmp/found/fuzz-be8b452f498a.json',
    problem:
      'with a starved node the fair balancer keeps only floor(tasks / nodes), but a node one task ' +
      'below the fair share claims a released task at once and often before the starved node, ' +
      'then releases it at its next balance: balance releases go on for ever in a quiet cluster',
    workaround: 'the fair balancer sees no starved node, so only the 120% rule releases',
  },
  {
    found: '.tmp/found/fuzz-071c1d8f3f48.json',
    problem:
      'clean-shutdown expects another node to claim each released task within 3 s, but fair ' +
      'balancers at their fair share yield a task up to three times for 1 to 1.5 s each, so when ' +
      'the node that would claim it is gone too (another shutdown, a crash), the hand-over can take 4.5 s',
    workaround: 'on the fair balancer, no other node stops, crashes or restarts near a graceful shutdown',
  },
  {
    found: '.tmp/found/fuzz-572d9740ad41.json',
    problem:
      'single-runner explains an overlap by a pause only when the pause covers part of it, but a ' +
      'handler that was stopped as its node resumed may need a few ms more: an overlap 2 ms after ' +
      'a long pause, caused by it, counts as unexplained',
    workaround: 'runs that declare single-runner as breaking have no stubborn tasks',
  },
] as const;

/** Graceful shutdown timeout of generated runs, in milliseconds, plus a second of slack. */
const SHUTDOWN_SPAN_MS = 11_000;

const STOPPING_KINDS: ReadonlySet<string> = new Set(['shutdown', 'crash', 'restart']);

/** True when `fault` comes within TTL + 10 s before, or 13 s after, another graceful shutdown. */
function nearOtherShutdown(fault: Scenario['faults'][number], shutdowns: Scenario['faults'], scenario: Scenario): boolean {
  const beforeMs = scenario.leaseTtlSeconds * 1000 + 10_000;
  return shutdowns.some((shutdown) => shutdown !== fault && fault.at >= shutdown.at - beforeMs && fault.at <= shutdown.at + 13_000);
}

class ClosesOnFailedStart extends StoreCoordinator {
  override async start(context: CoordinatorContext): Promise<void> {
    try {
      await super.start(context);
    } catch (error) {
      await this.close().catch(() => undefined);
      throw error;
    }
  }
}

/** A fair balancer whose snapshot counts every active node at no less than the fair share minus one. */
class WithoutStarvedNodes implements Balancer {
  private readonly inner = new FairBalancer();

  init(context: BalancerContext): void {
    const clusterSnapshot = (): ClusterSnapshot => {
      const snapshot = context.cluster.clusterSnapshot();
      const floor = fairShare(snapshot) - 1;
      const counts = new Map(snapshot.counts);
      for (const node of snapshot.activeNodes) counts.set(node, Math.max(counts.get(node) ?? 0, floor));
      return { ...snapshot, counts };
    };
    this.inner.init({ ...context, cluster: { clusterSnapshot } });
  }

  canClaim(taskId: string): ClaimDecision {
    return this.inner.canClaim(taskId);
  }

  balance(): Promise<string[]> {
    return this.inner.balance();
  }
}

/** The runtime variants that work around the known issues. */
export const KNOWN_ISSUE_VARIANTS: RuntimeVariants = {
  coordinator: (options) => new ClosesOnFailedStart(options),
  balancer: (name) => (name === 'fair' ? new WithoutStarvedNodes() : createBalancer(name)),
};

/** Generated runs without the triggers of the known issues that no variant works around. */
export function withoutKnownIssues(scenarios: fc.Arbitrary<Scenario>): fc.Arbitrary<Scenario> {
  return scenarios.map((scenario): Scenario => {
    const rest: Scenario = { ...scenario };
    delete rest.buggify;
    const ending = (scenario.workload.finite ?? 0) + (scenario.workload.failing ?? 0) > 0;
    const shutdowns = scenario.faults.filter((fault) => fault.kind === 'shutdown');
    const faults = scenario.faults.filter((fault) => {
      if (ending && (fault.kind === 'crash' || fault.kind === 'restart')) return false;
      if (scenario.balancer === 'fair' && STOPPING_KINDS.has(fault.kind) && nearOtherShutdown(fault, shutdowns, scenario)) return false;
      if (fault.kind !== 'clock-jump') return true;
      return !shutdowns.some((shutdown) => shutdown.node === fault.node && fault.at >= shutdown.at && fault.at <= shutdown.at + SHUTDOWN_SPAN_MS);
    });
    const workload = scenario.expectedToBreak === undefined ? scenario.workload : { ...scenario.workload, stubborn: 0 };
    return { ...rest, workload, faults };
  });
}
