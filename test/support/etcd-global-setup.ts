import type { TestProject } from 'vitest/node';

import './etcd-context.js';
import { dockerEngineHint, dockerEngineReachable, startEtcdContainer } from './etcd-container.js';
import { findEtcdBinary, startEtcd } from './etcd-process.js';

/**
 * Finds an etcd for the etcd tests, in this order:
 * 1. `ETCD_ENDPOINTS` (comma separated client URLs), used as given;
 * 2. an `etcd` binary on PATH, started on free 127.0.0.1 ports with a temporary data directory;
 * 3. an etcd container through testcontainers, only when a Docker engine responds;
 * 4. none: the etcd tests skip with the reason, or the run fails when METAFORA_REQUIRE_ETCD=1.
 * Whatever this setup started, its teardown stops.
 */

interface FoundEtcd {
  endpoints: string[] | null;
  /** Where the endpoints came from, or why there are none. */
  description: string;
  stop: () => Promise<void>;
}

const nothingToStop = async (): Promise<void> => undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const found = await findEtcd();
  project.provide('etcdEndpoints', found.endpoints);
  project.provide('etcdSkipReason', found.endpoints === null ? found.description : '');
  if (found.endpoints !== null) {
    console.info(`etcd tests use ${found.endpoints.join(', ')} (${found.description})`);
  } else if (process.env['METAFORA_REQUIRE_ETCD'] === '1') {
    throw new Error(`METAFORA_REQUIRE_ETCD=1 but no etcd is available: ${found.description}`);
  } else {
    console.warn(`etcd tests skipped: ${found.description}`);
  }
  return found.stop;
}

async function findEtcd(): Promise<FoundEtcd> {
  const fromEnvironment = parseEndpoints(process.env['ETCD_ENDPOINTS']);
  if (fromEnvironment.length > 0) {
    return { endpoints: fromEnvironment, description: 'from ETCD_ENDPOINTS', stop: nothingToStop };
  }
  const reasons = ['ETCD_ENDPOINTS is not set'];
  const binary = findEtcdBinary();
  if (binary === undefined) {
    reasons.push('no etcd binary on PATH');
  } else {
    try {
      const etcd = await startEtcd({ binary });
      return { endpoints: [etcd.endpoint], description: `started ${binary}`, stop: etcd.stop };
    } catch (error) {
      reasons.push(`${binary} did not start: ${(error as Error).message}`);
    }
  }
  const container = await tryContainer(reasons);
  if (container !== undefined) return container;
  return { endpoints: null, description: reasons.join('; '), stop: nothingToStop };
}

async function tryContainer(reasons: string[]): Promise<FoundEtcd | undefined> {
  const hint = dockerEngineHint();
  if (hint === undefined) {
    reasons.push('no Docker engine configured (no DOCKER_HOST, no docker.sock)');
    return undefined;
  }
  if (!(await dockerEngineReachable())) {
    reasons.push(`no Docker engine answered (${hint})`);
    return undefined;
  }
  try {
    const container = await startEtcdContainer();
    return { endpoints: [container.endpoint], description: 'etcd container', stop: container.stop };
  } catch (error) {
    reasons.push(`the etcd container did not start: ${(error as Error).message}`);
    return undefined;
  }
}

function parseEndpoints(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((endpoint) => endpoint.trim())
    .filter((endpoint) => endpoint !== '');
}
