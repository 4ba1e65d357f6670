import { describe, expect, it } from 'vitest';

import type { CliIo } from '../../../src/cli/cli.js';
import { runCli } from '../../../src/cli/cli.js';
import { CTL_HELP, MAIN_HELP, RUN_HELP, SIM_HELP } from '../../../src/cli/help.js';

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: {},
    cwd: '/',
    hostname: 'box',
    pid: 1,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

describe('runCli', () => {
  it.each([
    [['--help'], MAIN_HELP],
    [['-h'], MAIN_HELP],
    [['help'], MAIN_HELP],
    [['help', 'run'], RUN_HELP],
    [['help', 'ctl'], CTL_HELP],
    [['run', '-h'], RUN_HELP],
    [['ctl', '--help'], CTL_HELP],
    [['help', 'sim'], SIM_HELP],
    [['sim', '-h'], SIM_HELP],
  ])('prints the help for %j', async (argv, text) => {
    expect(await run(argv)).toEqual({ code: 0, stdout: text, stderr: '' });
  });

  it('prints the main help to stderr without a command', async () => {
    expect(await run([])).toEqual({ code: 2, stdout: '', stderr: MAIN_HELP });
  });

  it.each([
    [['help', 'frob'], 'metafora: unknown command "frob": use run, ctl, demo, sim or fuzz\n'],
    [['frob'], 'metafora: unknown command "frob": use run, ctl, demo, sim or fuzz, or see metafora --help\n'],
    [['-x'], 'metafora: unknown option -x: see metafora --help\n'],
  ])('rejects %j', async (argv, line) => {
    expect(await run(argv)).toEqual({ code: 2, stdout: '', stderr: line });
  });

  it('exits 2 with one error line for bad sim input', async () => {
    expect(await run(['sim', 'nope', '--seed', '1'])).toMatchObject({ code: 2, stdout: '' });
    expect((await run(['sim', 'nope'])).stderr).toMatch(/^metafora: unknown scenario "nope": use one of steady-state, .*\n$/);
  });

  it('lists the sim scenarios', async () => {
    const result = await run(['sim', '--list']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^steady-state {2,}\S/);
  });

  it('lists every run option with its default in the help', () => {
    for (const option of [
      '--etcd URLS',
      '--store memory',
      '--exec CMD [ARGS...]',
      '--handler MODULE',
      '--namespace NS',
      '--node NAME',
      '--lease-ttl SECONDS',
      '--balancer NAME',
      '--balance-every SECONDS',
      '--stop-grace SECONDS',
      '--shutdown-timeout SECONDS',
      '--log-level LEVEL',
    ]) {
      expect(RUN_HELP).toContain(option);
    }
    expect(RUN_HELP).toContain('(default 10)');
    expect(RUN_HELP).toContain('(default fair)');
    expect(RUN_HELP).toContain('(default 60)');
    expect(RUN_HELP).toContain('(default 30)');
  });
});
