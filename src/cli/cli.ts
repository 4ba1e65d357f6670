import { SCENARIOS } from '../../scenarios/index.js';
import { Client } from '../coordinator/client.js';
import { EXIT_USAGE, errorLine, exitCodeOf, UsageError } from './cli-errors.js';
import { parseCtlArgs } from './ctl-args.js';
import { runCtlAction } from './ctl-command.js';
import { runDemo } from './demo.js';
import { parseFuzzArgs } from './fuzz-args.js';
import { runFuzzCommand } from './fuzz-command.js';
import { CTL_HELP, DEMO_HELP, FUZZ_HELP, helpFor, MAIN_HELP, RUN_HELP, SIM_HELP } from './help.js';
import { openStore } from './open-store.js';
import { packageVersion } from './package-version.js';
import { parseRunArgs } from './run-args.js';
import { runNode } from './run-command.js';
import { parseSimArgs } from './sim-args.js';
import { runSimCommand } from './sim-command.js';

/** The streams, environment and process facts the CLI uses. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  /** True when standard output is a terminal, so output can be redrawn in place. */
  stdoutIsTty?: boolean;
  cwd: string;
  hostname: string;
  pid: number;
}

/**
 * Runs `metafora` with `argv` (the arguments after the program name) and returns the exit code.
 * Every error ends as one line `metafora: <message>` on stderr, with exit code 2 for bad input
 * and an unreachable etcd, and 1 for other failures.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    io.stderr(`${errorLine(error)}\n`);
    return exitCodeOf(error);
  }
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      io.stderr(MAIN_HELP);
      return EXIT_USAGE;
    case '-h':
    case '--help':
      io.stdout(MAIN_HELP);
      return 0;
    case 'help':
      return printHelp(rest, io);
    case '--version':
      io.stdout(`${packageVersion()}\n`);
      return 0;
    case 'run':
      return runCommand(rest, io);
    case 'ctl':
      return ctlCommand(rest, io);
    case 'demo':
      return demoCommand(rest, io);
    case 'sim':
      return simCommand(rest, io);
    case 'fuzz':
      return fuzzCommand(rest, io);
    default:
      throw new UsageError(
        command.startsWith('-')
          ? `unknown option ${command}: see metafora --help`
          : `unknown command ${JSON.stringify(command)}: use run, ctl, demo, sim or fuzz, or see metafora --help`,
      );
  }
}

function printHelp(topics: string[], io: CliIo): number {
  const [topic] = topics;
  if (topic === undefined) {
    io.stdout(MAIN_HELP);
    return 0;
  }
  const text = helpFor(topic);
  if (text === undefined) {
    throw new UsageError(`unknown command ${JSON.stringify(topic)}: use run, ctl, demo, sim or fuzz`);
  }
  io.stdout(text);
  return 0;
}

async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const invocation = parseRunArgs(argv, io.env, { hostname: io.hostname, pid: io.pid });
  if (invocation.kind === 'help') {
    io.stdout(RUN_HELP);
    return 0;
  }
  return runNode(invocation.options, { cwd: io.cwd, env: io.env });
}

async function ctlCommand(argv: string[], io: CliIo): Promise<number> {
  const invocation = parseCtlArgs(argv, io.env);
  if (invocation.kind === 'help') {
    io.stdout(CTL_HELP);
    return 0;
  }
  const store = await openStore(
    { kind: 'etcd', endpoints: invocation.endpoints },
    { probeKey: invocation.namespace },
  );
  try {
    const client = new Client({ store, namespace: invocation.namespace });
    await runCtlAction(invocation.action, client, (text) => io.stdout(text));
    return 0;
  } finally {
    await store.close();
  }
}

async function demoCommand(argv: string[], io: CliIo): Promise<number> {
  const [first] = argv;
  if (first === '-h' || first === '--help') {
    io.stdout(DEMO_HELP);
    return 0;
  }
  if (first !== undefined) {
    throw new UsageError(`unknown argument ${JSON.stringify(first)} for demo: it takes no arguments`);
  }
  return runDemo({ write: (text) => io.stdout(text), tty: io.stdoutIsTty === true });
}

async function simCommand(argv: string[], io: CliIo): Promise<number> {
  const invocation = parseSimArgs(argv, SCENARIOS.map((scenario) => scenario.name));
  if (invocation.kind === 'help') {
    io.stdout(SIM_HELP);
    return 0;
  }
  return runSimCommand(invocation, io);
}

async function fuzzCommand(argv: string[], io: CliIo): Promise<number> {
  const invocation = parseFuzzArgs(argv);
  if (invocation.kind === 'help') {
    io.stdout(FUZZ_HELP);
    return 0;
  }
  return runFuzzCommand(invocation, io);
}
