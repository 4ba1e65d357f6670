import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

import { afterEach, describe, expect, it } from 'vitest';

import { builtFile, cliEnvironment, REPO_ROOT, runBuiltCli } from '../../support/built-cli.js';
import { killQuietly, waitUntil } from '../../support/processes.js';

/** Checks the one-line error contract: exit code 2, nothing on stdout, one stderr line. */
function expectUsageError(result: { code: number | null; stdout: string; stderr: string }, text: string): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.split('\n')).toEqual([expect.stringMatching(/^metafora: /), '']);
  expect(result.stderr).toContain(text);
}

describe('metafora CLI', () => {
  it('prints help and exits 0', async () => {
    const result = await runBuiltCli(['--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: metafora <command>');
    expect(result.stdout).toContain('demo');
  });

  it.each([
    ['run', '--lease-ttl SECONDS'],
    ['ctl', 'node-command NODE COMMAND'],
  ])('prints the help of %s', async (command, text) => {
    const result = await runBuiltCli([command, '--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(text);
  });

  it('prints usage and exits 2 without a command', async () => {
    const result = await runBuiltCli([]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: metafora <command>');
  });

  it('prints the version', async () => {
    const result = await runBuiltCli(['--version']);

    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it.each([
    [['frob'], 'unknown command "frob"'],
    [['--frob'], 'unknown option --frob'],
    [['run', '--store', 'memory', '--frob', '--exec', 'true'], 'unknown option --frob'],
    [['run', '--store', 'memory', '--exec'], 'missing command after --exec'],
    [['run', '--store', 'memory', '--lease-ttl', '1', '--exec', 'true'], 'invalid --lease-ttl "1"'],
    [['run', '--store', 'memory', '--lease-ttl', 'x', '--exec', 'true'], 'invalid --lease-ttl "x"'],
    [['run', '--store', 'memory', '--exec', 'metafora-no-such-command'], 'command not found'],
    [['run', '--store', 'memory', '--handler', 'no-such-module.js'], 'handler module not found'],
    [['ctl', 'frob', '--etcd', 'http://127.0.0.1:1'], 'unknown subcommand "frob"'],
    [['ctl', 'submit', 'a/b', '--etcd', 'http://127.0.0.1:1'], 'invalid task id "a/b"'],
    [['ctl', 'submit', 'a', '--props', '{', '--etcd', 'http://127.0.0.1:1'], 'invalid task props "{"'],
    [['ctl', 'tasks'], 'missing etcd endpoints'],
  ])('rejects %j with one line and exit 2', async (args, text) => {
    expectUsageError(await runBuiltCli(args), text);
  });

  it.each([
    [['ctl', 'tasks', '--etcd', 'http://127.0.0.1:1']],
    [['run', '--etcd', 'http://127.0.0.1:1', '--exec', 'true']],
  ])('reports an unreachable etcd for %j with exit 2', async (args) => {
    const result = await runBuiltCli(args);

    expectUsageError(result, 'cannot reach etcd at http://127.0.0.1:1 within 5 s');
  });
});

describe('metafora run', () => {
  let node: ChildProcess | undefined;

  afterEach(() => {
    if (node?.pid !== undefined) killQuietly(node.pid);
    node = undefined;
  });

  it('exits 0 after SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [builtFile('src/cli/main.ts'), 'run', '--store', 'memory', '--node', 'n1', '--exec', 'true'],
      { cwd: REPO_ROOT, env: cliEnvironment(), stdio: ['ignore', 'ignore', 'pipe'] },
    );
    node = child;
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitUntil('the node to run', () => stderr.includes('"msg":"node running"'));

    child.kill('SIGTERM');

    expect(await exited).toBe(0);
    expect(stderr).toContain('"msg":"node stopped"');
  });
});
