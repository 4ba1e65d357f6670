import { MemoryStore } from '../store/memory-store.js';
import { EtcdStore } from '../store/etcd-store.js';
import type { Store } from '../store/store.js';
import { systemClock } from '../runtime/system-clock.js';
import { MetaforaError } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import { EtcdUnreachableError } from './cli-errors.js';
import type { StoreSpec } from './run-args.js';

/** How long `openStore` keeps trying to reach etcd before it gives up, in milliseconds. */
export const CONNECT_TIMEOUT_MS = 5_000;

/** Pause between two attempts to reach etcd, in milliseconds. */
const CONNECT_RETRY_MS = 250;

/**
 * Opens the store `spec` names. For etcd, reads one key until a read succeeds, so a wrong URL or
 * a stopped etcd is reported before anything is written. Throws `EtcdUnreachableError`, naming
 * the URLs, when no read succeeds within `connectTimeoutMs` (default 5,000).
 */
export async function openStore(
  spec: StoreSpec,
  options: { probeKey: string; connectTimeoutMs?: number; logger?: Logger },
): Promise<Store> {
  if (spec.kind === 'memory') return new MemoryStore({ clock: systemClock });
  const store = new EtcdStore({ endpoints: spec.endpoints });
  try {
    await probe(store, spec.endpoints, options);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

async function probe(
  store: Store,
  endpoints: string[],
  options: { probeKey: string; connectTimeoutMs?: number; logger?: Logger },
): Promise<void> {
  const timeoutMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (let attempt = 1; Date.now() < deadline; attempt++) {
    try {
      await withinMs(store.get(options.probeKey), deadline - Date.now());
      return;
    } catch (error) {
      if (error instanceof MetaforaError && !error.retryable) throw error;
      lastError = error;
      options.logger?.debug({ err: error, attempt, endpoints }, 'etcd not reachable yet; retrying');
    }
    await systemClock.sleep(Math.min(CONNECT_RETRY_MS, deadline - Date.now()));
  }
  const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new EtcdUnreachableError(
    `cannot reach etcd at ${endpoints.join(',')} within ${timeoutMs / 1000} s: ` +
      `start etcd there or fix --etcd${reason}`,
    { cause: lastError },
  );
}

/** Settles like `promise`, or rejects once `ms` have passed; the promise itself keeps running. */
function withinMs<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no reply within ${ms} ms`)), Math.max(0, ms));
  });
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
