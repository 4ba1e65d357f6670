/**
 * Simulation speed benchmark: one simulated hour of a ten-node cluster running 1,000 tasks through
 * a handful of faults. Prints how fast virtual time runs against wall time, the event rate, the
 * peak resident memory and the verdicts. Run it with `npm run bench:sim [-- SEED]` (seed 1 by
 * default); docs/benchmarks.md records the results.
 */
import { performance } from 'node:perf_hooks';

import { runScenario } from '../sim/run.js';
import type { Scenario } from '../sim/scenario.js';

const MINUTE_MS = 60_000;

export const scenario: Scenario = {
  name: 'bench-sim-speed',
  description: 'Ten nodes, 1,000 tasks, one hour of crashes, partitions, a store restart, a short pause and loss.',
  nodes: 10,
  leaseTtlSeconds: 10,
  balancer: 'fair',
  balanceEveryMs: 30_000,
  // Most tasks run for the whole hour. About one in five finishes after 10 to 50 minutes.
  workload: { forever: 4, finite: 1, runMs: [10 * MINUTE_MS, 50 * MINUTE_MS] },
  submissions: [{ at: 1_000, count: 1_000 }],
  faults: [
    { at: 5 * MINUTE_MS, kind: 'restart', node: 'n3', downMs: MINUTE_MS },
    { at: 12 * MINUTE_MS, kind: 'partition', node: 'n5', durationMs: 90_000 },
    { at: 20 * MINUTE_MS, kind: 'store-restart' },
    // Shorter than the 2.5 s safety margin of a 10 s lease, so no handler may outlive its claim.
    { at: 28 * MINUTE_MS, kind: 'pause', node: 'n7', durationMs: 2_000 },
    { at: 35 * MINUTE_MS, kind: 'loss', durationMs: 2 * MINUTE_MS, lossRate: 0.05, replyLossRate: 0.05 },
    { at: 42 * MINUTE_MS, kind: 'restart', node: 'n9', downMs: 30_000 },
    { at: 50 * MINUTE_MS, kind: 'partition', node: 'n2', durationMs: 20_000, direction: 'to-store' },
    { at: 55 * MINUTE_MS, kind: 'restart', node: 'n4' },
  ],
  faultPhaseMs: 60 * MINUTE_MS,
};

function thousands(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

async function main(): Promise<number> {
  const seed = process.argv[2] ?? '1';
  console.log(`${scenario.name}: ${scenario.nodes} nodes, 1,000 tasks, ${scenario.faultPhaseMs / 1000} s of faults, seed ${seed}`);
  const startedAt = performance.now();
  const cpuBefore = process.cpuUsage();
  const run = await runScenario(scenario, seed);
  const wallSeconds = (performance.now() - startedAt) / 1000;
  // CPU time (user + system, in microseconds) depends less than wall time on other load.
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const simulatedSeconds = run.simulatedMs / 1000;
  // maxRSS is in kilobytes (KiB on Linux).
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;

  const rows: [string, string][] = [
    ['simulated', `${simulatedSeconds.toFixed(0)} s`],
    ['wall', `${wallSeconds.toFixed(1)} s`],
    ['cpu', `${cpuSeconds.toFixed(1)} s (user + system)`],
    ['speed', `${(simulatedSeconds / wallSeconds).toFixed(1)} simulated s per wall s`],
    ['events', thousands(run.events)],
    ['event rate', `${thousands(run.events / wallSeconds)} events per wall s`],
    ['trace', `${thousands(run.trace.split('\n').length - 1)} lines, ${(run.trace.length / 1024 / 1024).toFixed(1)} MiB`],
    ['peak RSS', `${peakRssMiB.toFixed(0)} MiB`],
    ['trace hash', run.traceHash],
    ['verdicts', run.verdicts.map((verdict) => `${verdict.invariant} ${verdict.status}`).join(', ')],
  ];
  for (const [label, value] of rows) console.log(`${label.padEnd(10)}  ${value}`);
  for (const verdict of run.verdicts.filter((entry) => entry.status === 'broken')) {
    console.log(`${verdict.invariant} broken: ${verdict.violations.slice(0, 3).join('; ')}`);
  }
  return run.passed ? 0 : 1;
}

process.exitCode = await main();
