import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A single-member etcd cluster run by the tests, listening on 127.0.0.1 only. */
export interface EtcdProcess {
  /** The client URL, for example `http://127.0.0.1:40123`. */
  readonly endpoint: string;
  /** Stops etcd and removes its data directory. Idempotent. */
  stop(): Promise<void>;
}

export interface StartEtcdOptions {
  /** Path of the etcd binary; default: the first `etcd` on PATH. */
  binary?: string;
  /** How long to wait for etcd to report healthy, per attempt; default 20 000 ms. */
  startTimeoutMs?: number;
}

/** Number of start attempts, because another process can take a free port before etcd binds it. */
const START_ATTEMPTS = 3;
const HEALTH_POLL_MS = 100;
/** Time between SIGTERM and SIGKILL when stopping. */
const KILL_TIMEOUT_MS = 5_000;
/** Bytes of etcd's stderr kept to explain a failed start. */
const STDERR_TAIL_BYTES = 4_096;

/** Children still running, so a crashing test process does not leave etcd behind. */
const running = new Map<ChildProcess, string>();
let exitHookInstalled = false;

/** Returns the path of the first executable `etcd` on PATH, or undefined. */
export function findEtcdBinary(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'etcd');
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here; try the next PATH entry
    }
  }
  return undefined;
}

/** Finds a TCP port on 127.0.0.1 that is free at the time of the call. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/**
 * Starts a fresh single-member etcd on free loopback ports with a temporary data directory, and
 * resolves once its /health endpoint reports healthy.
 */
export async function startEtcd(options: StartEtcdOptions = {}): Promise<EtcdProcess> {
  const binary = options.binary ?? findEtcdBinary();
  if (binary === undefined) {
    throw new Error('no etcd binary on PATH; install etcd or set ETCD_ENDPOINTS');
  }
  const errors: string[] = [];
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    try {
      return await startOnce(binary, options.startTimeoutMs ?? 20_000);
    } catch (error) {
      errors.push(`attempt ${attempt}: ${(error as Error).message}`);
    }
  }
  throw new Error(`could not start ${binary}:\n${errors.join('\n')}`);
}

async function startOnce(binary: string, startTimeoutMs: number): Promise<EtcdProcess> {
  const clientPort = await freeLoopbackPort();
  let peerPort = await freeLoopbackPort();
  while (peerPort === clientPort) peerPort = await freeLoopbackPort();
  const dataDir = await mkdtemp(join(tmpdir(), 'metafora-etcd-'));
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const child = spawn(binary, etcdArgs(dataDir, clientPort, peerPort), {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: environmentWithoutEtcdVariables(),
  });
  track(child, dataDir);
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
  });
  const handle: EtcdProcess = { endpoint, stop: once(() => stopChild(child, dataDir)) };
  try {
    await waitHealthy(child, endpoint, startTimeoutMs);
    return handle;
  } catch (error) {
    await handle.stop();
    throw new Error(`${(error as Error).message}; etcd stderr ends with:\n${stderrTail}`);
  }
}

function etcdArgs(dataDir: string, clientPort: number, peerPort: number): string[] {
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  return [
    '--name=test',
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${clientUrl}`,
    `--advertise-client-urls=${clientUrl}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=test=${peerUrl}`,
    '--initial-cluster-state=new',
    '--logger=zap',
    '--log-outputs=stderr',
    '--log-level=error',
  ];
}

/**
 * Copies the environment without ETCD_* variables, because etcd 3.4 exits when one repeats a
 * command-line flag. ETCD_UNSUPPORTED_ARCH stays: it has no flag.
 */
function environmentWithoutEtcdVariables(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('ETCD_') || name === 'ETCD_UNSUPPORTED_ARCH') env[name] = value;
  }
  return env;
}

async function waitHealthy(child: ChildProcess, endpoint: string, timeoutMs: number): Promise<void> {
  const polls = Math.ceil(timeoutMs / HEALTH_POLL_MS);
  for (let poll = 0; poll < polls; poll++) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`etcd exited with ${child.exitCode ?? child.signalCode} before it was healthy`);
    }
    if (await isHealthy(endpoint)) return;
    await sleep(HEALTH_POLL_MS);
  }
  throw new Error(`etcd at ${endpoint} was not healthy after ${timeoutMs} ms`);
}

/** Checks that etcd's /health endpoint returns `"health":"true"` within one second. */
function isHealthy(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = httpGet(`${endpoint}/health`, { timeout: 1_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(response.statusCode === 200 && body.includes('"health":"true"')));
      response.on('error', () => resolve(false));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

async function stopChild(child: ChildProcess, dataDir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
  running.delete(child);
  await rm(dataDir, { recursive: true, force: true });
}

function track(child: ChildProcess, dataDir: string): void {
  running.set(child, dataDir);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [leftover, dir] of running) {
      leftover.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

function once(action: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= action());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
