import { randomInt } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { REGRESSIONS_DIR, replayCommand, writeCaseFile } from '../../sim/fuzz/case-file.js';
import type { FuzzOptions, FuzzProgress, FuzzResult } from '../../sim/fuzz/fuzz.js';
import { fuzz } from '../../sim/fuzz/fuzz.js';
import { EXIT_FAILURE } from './cli-errors.js';
import type { FuzzInvocation } from './fuzz-args.js';

/** Output stream of `metafora fuzz`, and the directory the saved case goes under. */
export interface FuzzIo {
  stdout(text: string): void;
  /** True when standard output is a terminal, so the progress line can be redrawn in place. */
  stdoutIsTty?: boolean;
  cwd: string;
}

/** The progress line is redrawn at most this often, in wall milliseconds. */
const PROGRESS_EVERY_MS = 250;

const MS_PER_HOUR = 3_600_000;

/**
 * Runs `metafora fuzz`: generated runs until `runs` passed, the time limit or the first failure.
 * A failure is shrunk, saved under test/regressions of `io.cwd`, and reported with the command
 * that replays it. Returns 0 when every run passed and 1 on a failure. `overrides` lets tests
 * fuzz other runs or runtime variants.
 */
export async function runFuzzCommand(
  invocation: Extract<FuzzInvocation, { kind: 'fuzz' }>,
  io: FuzzIo,
  overrides: Pick<FuzzOptions, 'scenarios' | 'variants' | 'differential'> = {},
): Promise<number> {
  const seed = invocation.seed ?? randomInt(0, 0x7fffffff);
  const progressLine = invocation.json || io.stdoutIsTty !== true ? undefined : new ProgressLine(io, invocation.runs);
  const startedAt = performance.now();
  const result = await fuzz({
    ...overrides,
    runs: invocation.runs,
    seed,
    ...(invocation.timeLimitMs === undefined ? {} : { timeLimitMs: invocation.timeLimitMs }),
    ...(progressLine === undefined ? {} : { onProgress: (progress: FuzzProgress) => progressLine.update(progress) }),
  });
  const wallMs = performance.now() - startedAt;
  progressLine?.clear();
  const savedPath =
    result.failure === undefined ? undefined : writeCaseFile(path.join(io.cwd, REGRESSIONS_DIR), result.failure.case);
  const shownPath = savedPath === undefined ? undefined : path.relative(io.cwd, savedPath);
  io.stdout(invocation.json ? `${JSON.stringify(fuzzJson(result, seed, wallMs, shownPath))}\n` : formatFuzz(result, seed, wallMs, shownPath));
  return result.failure === undefined ? 0 : EXIT_FAILURE;
}

/** A progress line rewritten in place with a carriage return. */
class ProgressLine {
  private shownAt = Number.NEGATIVE_INFINITY;
  private readonly startedAt = performance.now();
  private width = 0;

  constructor(
    private readonly io: FuzzIo,
    private readonly runs: number,
  ) {}

  update(progress: FuzzProgress): void {
    const now = performance.now();
    if (now - this.shownAt < PROGRESS_EVERY_MS) return;
    this.shownAt = now;
    const done = progress.phase === 'search' ? `${progress.runs}/${this.runs} runs` : `shrinking a failure, ${progress.runs} runs`;
    const text = `fuzz: ${done}, ${formatHours(progress.simulatedMs)} simulated h, ${formatSeconds(now - this.startedAt)} s`;
    this.io.stdout(`\r${text.padEnd(this.width)}`);
    this.width = text.length;
  }

  clear(): void {
    if (this.width > 0) this.io.stdout(`\r${' '.repeat(this.width)}\r`);
  }
}

function fuzzJson(result: FuzzResult, seed: number, wallMs: number, savedPath: string | undefined): Record<string, unknown> {
  const failure = result.failure;
  return {
    passed: failure === undefined,
    seed,
    runs: result.runs,
    simulatedRuns: result.simulatedRuns,
    simulatedMs: result.simulatedMs,
    wallMs: Math.round(wallMs),
    runsPerMinute: Math.round(runsPerMinute(result.simulatedRuns, wallMs)),
    interrupted: result.interrupted,
    ...(failure === undefined || savedPath === undefined
      ? {}
      : {
          failure: {
            problems: failure.problems,
            file: savedPath,
            replay: replayCommand(savedPath),
            shrinks: failure.shrinks,
            fcSeed: failure.fcSeed,
            fcPath: failure.fcPath,
          },
        }),
  };
}

function formatFuzz(result: FuzzResult, seed: number, wallMs: number, savedPath: string | undefined): string {
  const lines = [
    `fuzz seed ${seed}: ${result.runs} generated runs${result.interrupted ? ' (time limit reached)' : ''}`,
    `simulated   ${result.simulatedRuns} runs, ${formatHours(result.simulatedMs)} h`,
    `wall        ${formatSeconds(wallMs)} s`,
    `speed       ${Math.round(runsPerMinute(result.simulatedRuns, wallMs))} runs per minute`,
  ];
  const failure = result.failure;
  if (failure === undefined || savedPath === undefined) return `${[...lines, 'result      passed'].join('\n')}\n`;
  lines.push(
    `result      FAILED after ${failure.shrinks} shrinks:`,
    ...failure.problems.map((problem) => `  ${problem}`),
    `saved       ${savedPath}`,
    `replay      ${replayCommand(savedPath)}`,
    `fast-check  seed ${failure.fcSeed}, path ${failure.fcPath}`,
  );
  return `${lines.join('\n')}\n`;
}

function runsPerMinute(runs: number, wallMs: number): number {
  return wallMs > 0 ? (runs * 60_000) / wallMs : 0;
}

function formatHours(ms: number): string {
  return (ms / MS_PER_HOUR).toFixed(2);
}

function formatSeconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
