import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root, two levels above this file. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The built CLI entry point that `npm run build` writes. */
export const BUILT_CLI = path.join(REPO_ROOT, 'dist/src/cli/main.js');

/**
 * Returns the path of the built JavaScript for `sourcePath` (relative to the repository root, like
 * `src/cli/exec-handler.ts`). Throws when it is missing or older than its source, because tests
 * that spawn real processes run the build output, not the TypeScript source.
 */
export function builtFile(sourcePath: string): string {
  const source = path.join(REPO_ROOT, sourcePath);
  const built = path.join(REPO_ROOT, 'dist', sourcePath.replace(/\.ts$/, '.js'));
  if (!existsSync(built)) {
    throw new Error(`${built} is missing: run npm run build before these tests`);
  }
  if (statSync(built).mtimeMs < statSync(source).mtimeMs) {
    throw new Error(`${built} is older than ${sourcePath}: run npm run build before these tests`);
  }
  return built;
}

/** Returns the `file:` URL of the built JavaScript for `sourcePath`, for `import()`. */
export function builtFileUrl(sourcePath: string): string {
  return pathToFileURL(builtFile(sourcePath)).href;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI with `args` and collects its output. The process is killed with SIGKILL if
 * it runs longer than `timeoutMs` (default 15,000), so a hung CLI fails the test instead of
 * stalling it.
 */
export function runBuiltCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const cli = builtFile('src/cli/main.ts');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? cliEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Returns the test process's environment without the variables that give the CLI a default etcd,
 * plus `extra`.
 */
export function cliEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (!('METAFORA_ETCD' in extra)) delete env['METAFORA_ETCD'];
  if (!('ETCD_ENDPOINTS' in extra)) delete env['ETCD_ENDPOINTS'];
  return env;
}
