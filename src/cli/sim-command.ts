import { closeSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { SCENARIOS } from '../../scenarios/index.js';
import { runScenario } from '../../sim/run.js';
import type { Scenario } from '../../sim/scenario.js';
import { InvalidArgumentError } from '../runtime/errors.js';
import { EXIT_FAILURE, UsageError } from './cli-errors.js';
import { loadScenarioCase } from './scenario-file.js';
import type { SimInvocation, SimTarget } from './sim-args.js';
import type { TimedRun } from './sim-report.js';
import { formatAll, formatList, formatRun, runJson } from './sim-report.js';

/** The output of `metafora sim` and the working directory that relative paths start from. */
export interface SimIo {
  stdout(text: string): void;
  cwd: string;
}

/**
 * Runs `metafora sim` as parsed by `parseSimArgs`. Returns 0 when no invariant broke (an expected
 * break counts as holding) and 1 when one did. Bad input throws `UsageError`.
 */
export async function runSimCommand(invocation: Exclude<SimInvocation, { kind: 'help' }>, io: SimIo): Promise<number> {
  switch (invocation.kind) {
    case 'list':
      io.stdout(formatList(SCENARIOS));
      return 0;
    case 'one':
      return runOne(invocation.target, invocation.tracePath, invocation.json, io);
    case 'all':
      return runAll(invocation.seed, invocation.json, io);
  }
}

async function runOne(target: SimTarget, tracePath: string | undefined, json: boolean, io: SimIo): Promise<number> {
  const { scenario, seed } = resolveTarget(target, io.cwd);
  // Open the trace file before the run, so a bad path fails at once and not after a long run.
  const traceFd = tracePath === undefined ? undefined : openTraceFile(tracePath, io.cwd);
  let run: TimedRun;
  try {
    run = await timedRun(scenario, seed);
    if (traceFd !== undefined) writeFileSync(traceFd, run.trace);
  } finally {
    if (traceFd !== undefined) closeSync(traceFd);
  }
  io.stdout(json ? `${JSON.stringify(runJson(run))}\n` : formatRun(run, target, tracePath));
  return run.passed ? 0 : EXIT_FAILURE;
}

async function runAll(seed: string, json: boolean, io: SimIo): Promise<number> {
  const startedAt = performance.now();
  const runs: TimedRun[] = [];
  for (const scenario of SCENARIOS) runs.push(await timedRun(scenario, seed));
  const wallMs = performance.now() - startedAt;
  const passed = runs.every((run) => run.passed);
  if (json) {
    io.stdout(`${JSON.stringify({ seed, passed, wallMs: Math.round(wallMs), runs: runs.map(runJson) })}\n`);
  } else {
    io.stdout(formatAll(runs, seed, wallMs));
  }
  return passed ? 0 : EXIT_FAILURE;
}

function resolveTarget(target: SimTarget, cwd: string): { scenario: Scenario; seed: string } {
  if (target.kind === 'file') return loadScenarioCase(target.path, cwd);
  const scenario = SCENARIOS.find((candidate) => candidate.name === target.name);
  if (scenario === undefined) {
    throw new UsageError(`unknown scenario ${JSON.stringify(target.name)}: see metafora sim --list`);
  }
  return { scenario, seed: target.seed };
}

/** Runs one scenario and measures its wall time, which only the CLI may read. */
async function timedRun(scenario: Scenario, seed: string): Promise<TimedRun> {
  const startedAt = performance.now();
  try {
    const result = await runScenario(scenario, seed);
    return { ...result, wallMs: performance.now() - startedAt };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The simulator rejected a setting that the file checks let through. That is still bad input.
    if (error instanceof InvalidArgumentError) throw new UsageError(`scenario ${scenario.name}: ${message}`);
    throw new Error(`scenario ${scenario.name} with seed ${JSON.stringify(seed)} did not finish: ${message}`, { cause: error });
  }
}

function openTraceFile(tracePath: string, cwd: string): number {
  try {
    return openSync(path.resolve(cwd, tracePath), 'w');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(
      `cannot write the trace file ${JSON.stringify(tracePath)} (${reason}): give a path in an existing, writable directory`,
    );
  }
}
