import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The etcd image started when tests fall back to Docker. */
export const ETCD_IMAGE = 'gcr.io/etcd-development/etcd:v3.5.17';

/** How long to wait for a Docker engine's response before moving on. */
const ENGINE_CHECK_TIMEOUT_MS = 5_000;
/** How long etcd may take to pull and start before the run gives up on it. */
const CONTAINER_START_TIMEOUT_MS = 120_000;

export interface EtcdContainer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * Returns where a Docker engine may be configured: DOCKER_HOST, a testcontainers properties file,
 * or a socket at a usual path. Returns undefined when there is none, so the caller can skip
 * testcontainers, whose own search is slower.
 */
export function dockerEngineHint(): string | undefined {
  const dockerHost = process.env['DOCKER_HOST'];
  if (dockerHost !== undefined && dockerHost !== '') return `DOCKER_HOST=${dockerHost}`;
  const candidates = [
    join(homedir(), '.testcontainers.properties'),
    '/var/run/docker.sock',
    join(homedir(), '.docker', 'run', 'docker.sock'),
  ];
  const runtimeDir = process.env['XDG_RUNTIME_DIR'];
  if (runtimeDir !== undefined && runtimeDir !== '') candidates.push(join(runtimeDir, 'docker.sock'));
  return candidates.find((path) => existsSync(path));
}

/** Checks that testcontainers reaches a container engine within a few seconds. */
export async function dockerEngineReachable(): Promise<boolean> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ENGINE_CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([getContainerRuntimeClient().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Starts a single-member etcd in a container and resolves once /health reports healthy. */
export async function startEtcdContainer(): Promise<EtcdContainer> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(ETCD_IMAGE)
    .withExposedPorts(2379)
    .withCommand([
      'etcd',
      '--name=test',
      '--listen-client-urls=http://0.0.0.0:2379',
      '--advertise-client-urls=http://0.0.0.0:2379',
    ])
    .withWaitStrategy(
      Wait.forHttp('/health', 2379).forResponsePredicate((body) => body.includes('"health":"true"')),
    )
    .withStartupTimeout(CONTAINER_START_TIMEOUT_MS)
    .start();
  return {
    endpoint: `http://${container.getHost()}:${container.getMappedPort(2379)}`,
    stop: async () => {
      await container.stop();
    },
  };
}
