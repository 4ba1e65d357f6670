import type { Verdict, Window } from '../../sim/invariants/verdict.js';
import type { RunResult } from '../../sim/run.js';
import { formatTable } from './format-table.js';
import type { SimTarget } from './sim-args.js';

/** A finished simulated run as the CLI reports it: the simulator's result plus its wall time. */
export interface TimedRun extends RunResult {
  /** Real milliseconds the run took, measured by the CLI. */
  wallMs: number;
}

/** Violations and windows shown per invariant in the human output. The JSON output has them all. */
const SHOWN_PER_INVARIANT = 3;

/** The trace file name in printed replay commands. */
const REPLAY_TRACE_FILE = 'trace.jsonl';

const STATUS_LABELS: Record<Verdict['status'], string> = {
  holds: 'holds',
  broken: 'BROKEN',
  'expected-break': 'expected-break',
};

/** Returns the object that `metafora sim NAME --json` prints: everything but the trace itself. */
export function runJson(run: TimedRun): Record<string, unknown> {
  return {
    scenario: run.scenario,
    seed: run.seed,
    passed: run.passed,
    traceHash: run.traceHash,
    simulatedMs: run.simulatedMs,
    wallMs: Math.round(run.wallMs),
    events: run.events,
    verdicts: run.verdicts,
  };
}

/** Formats the human report of one run: verdicts, then trace hash, times, speed and the result. */
export function formatRun(run: TimedRun, target: SimTarget, tracePath: string | undefined): string {
  const lines = [`scenario ${run.scenario}, seed ${shellWord(run.seed)}`];
  const width = Math.max(...run.verdicts.map((verdict) => verdict.invariant.length));
  for (const verdict of run.verdicts) lines.push(...verdictLines(verdict, width));
  const facts: [string, string][] = [
    ['trace hash', run.traceHash],
    ...(tracePath === undefined ? [] : [['trace file', tracePath] as [string, string]]),
    ['simulated', `${formatSeconds(run.simulatedMs)} s`],
    ['wall', `${formatSeconds(run.wallMs)} s`],
    ['events', String(run.events)],
    ['speed', `${formatSpeed(run.simulatedMs, run.wallMs)} simulated s per wall s`],
    ['result', run.passed ? 'passed' : `FAILED: ${brokenNames(run).join(', ')} broken`],
    ...(run.passed ? [] : [['replay', replayCommand(target)] as [string, string]]),
  ];
  for (const [label, value] of facts) lines.push(`${label.padEnd(10)}  ${value}`);
  return `${lines.join('\n')}\n`;
}

function verdictLines(verdict: Verdict, width: number): string[] {
  const label = STATUS_LABELS[verdict.status];
  if (verdict.status === 'holds') return [`  ${verdict.invariant.padEnd(width)}  ${label}`];
  const count = verdict.violations.length;
  const lines = [`  ${verdict.invariant.padEnd(width)}  ${label}, ${count} violation${count === 1 ? '' : 's'}`];
  for (const violation of verdict.violations.slice(0, SHOWN_PER_INVARIANT)) lines.push(`      ${violation}`);
  if (count > SHOWN_PER_INVARIANT) lines.push(`      ... and ${count - SHOWN_PER_INVARIANT} more`);
  for (const window of verdict.windows.slice(0, SHOWN_PER_INVARIANT)) lines.push(`      ${formatWindow(window)}`);
  if (verdict.windows.length > SHOWN_PER_INVARIANT) {
    lines.push(`      ... and ${verdict.windows.length - SHOWN_PER_INVARIANT} more windows`);
  }
  return lines;
}

function formatWindow(window: Window): string {
  const explained = window.explainedBy === undefined ? 'unexplained' : `explained: ${window.explainedBy}`;
  return `window ${window.from}-${window.to} ms: ${window.task} on ${window.nodes.join(', ')} (${explained})`;
}

/** Formats the table of `metafora sim --all`, a summary line, and the replay command of each failure. */
export function formatAll(runs: TimedRun[], seed: string, wallMs: number): string {
  const rows = runs.map((run) => [
    run.scenario,
    run.passed ? 'passed' : 'FAILED',
    brokenNames(run).join(', ') || '-',
    run.traceHash.slice(0, 12),
    String(Math.round(run.wallMs)),
  ]);
  const failed = runs.filter((run) => !run.passed);
  const summary =
    `${runs.length} scenarios with seed ${shellWord(seed)}: ${runs.length - failed.length} passed, ` +
    `${failed.length} failed, ${formatSeconds(wallMs)} s wall\n`;
  let text = formatTable(['scenario', 'result', 'broken', 'hash', 'wall ms'], rows) + summary;
  if (failed.length > 0) {
    const commands = failed.map((run) => `  ${replayCommand({ kind: 'scenario', name: run.scenario, seed: run.seed })}\n`);
    text += `replay the failures with:\n${commands.join('')}`;
  }
  return text;
}

/** Formats one line per scenario: its name, padded, and its description. */
export function formatList(scenarios: readonly { name: string; description: string }[]): string {
  const width = Math.max(...scenarios.map((scenario) => scenario.name.length));
  return scenarios.map((scenario) => `${scenario.name.padEnd(width)}  ${scenario.description}\n`).join('');
}

/** Returns the command that runs `target` again and writes its trace. The same seed gives the same run. */
export function replayCommand(target: SimTarget): string {
  if (target.kind === 'file') return `metafora sim --file ${shellWord(target.path)}`;
  // A seed that starts with "-" would read as an option after a space.
  const seed = target.seed.startsWith('-') ? `--seed=${shellWord(target.seed)}` : `--seed ${shellWord(target.seed)}`;
  return `metafora sim ${shellWord(target.name)} ${seed} --trace ${REPLAY_TRACE_FILE}`;
}

/** Quotes `word` as one POSIX shell word: unchanged when it is plain, else in single quotes. */
export function shellWord(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

function brokenNames(run: RunResult): string[] {
  return run.verdicts.filter((verdict) => verdict.status === 'broken').map((verdict) => verdict.invariant);
}

function formatSeconds(milliseconds: number): string {
  return (milliseconds / 1000).toFixed(milliseconds < 10_000 ? 2 : 1);
}

/** Formats simulated seconds per wall second as a whole number, or '-' when the wall time is 0. */
function formatSpeed(simulatedMs: number, wallMs: number): string {
  return wallMs > 0 ? String(Math.round(simulatedMs / wallMs)) : '-';
}
