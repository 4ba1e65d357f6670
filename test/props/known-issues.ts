import type fc from 'fast-check';

import type { FaultCommand, Scenario } from '../../sim/scenario.js';

/**
 * Open problems the fuzzer found, kept out of the property test until they are fixed so that it
 * keeps looking for new ones. Each entry names its shrunk case under .tmp/found/. When the fix
 * lands, delete the entry and its workaround and move the case into test/regressions/.
 */
export const KNOWN_ISSUES = [
  {
    found: '.tmp/found/fuzz-e7594c5bcbf7.json and fuzz-c6e3aeb7f784.json',
    problem:
      'clean-shutdown expects another node to claim each released task within 3 s and excuses no ' +
      'crash of another node: a node that crashed at the same time stays registered until its ' +
      'lease expires, so a fair balancer yields to it, and a node that claimed the task just ' +
      'before crashing holds it until its lease expires',
    workaround: 'no other node stops, crashes or restarts near a graceful shutdown',
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

const STOPPING_KINDS: ReadonlySet<string> = new Set(['shutdown', 'crash', 'restart']);

/** Generated runs without the triggers of the known issues. */
export function withoutKnownIssues(scenarios: fc.Arbitrary<Scenario>): fc.Arbitrary<Scenario> {
  return scenarios.map((scenario): Scenario => {
    const shutdowns = scenario.faults.filter((fault) => fault.kind === 'shutdown');
    const faults = scenario.faults.filter(
      (fault) => !STOPPING_KINDS.has(fault.kind) || !nearOtherShutdown(fault, shutdowns, scenario),
    );
    const workload = scenario.expectedToBreak === undefined ? scenario.workload : { ...scenario.workload, stubborn: 0 };
    return { ...scenario, workload, faults };
  });
}

/** True when `fault` comes within TTL + 10 s before, or 13 s after, another graceful shutdown. */
function nearOtherShutdown(fault: FaultCommand, shutdowns: FaultCommand[], scenario: Scenario): boolean {
  const beforeMs = scenario.leaseTtlSeconds * 1000 + 10_000;
  return shutdowns.some((shutdown) => shutdown !== fault && fault.at >= shutdown.at - beforeMs && fault.at <= shutdown.at + 13_000);
}
