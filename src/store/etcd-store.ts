import type { Etcd3, IResponseHeader } from 'etcd3';

import { InvalidArgumentError } from '../runtime/errors.js';
import {
  CompactedError,
  LeaseNotFoundError,
  StoreClosedError,
  StoreError,
  StoreTimeoutError,
  StoreUnavailableError,
} from './errors.js';
import {
  checkInteger,
  decodeKeyValue,
  decodeOpResponse,
  encodeCompare,
  encodeKey,
  encodeLease,
  encodeOp,
  parseInt64,
  prefixRange,
} from './etcd-codec.js';
import { createEtcdClient, keepAliveOnce } from './etcd-client.js';
import { classifyFailure, translateFailure, withEndpoints } from './etcd-errors.js';
import { EtcdWatch } from './etcd-watch.js';
import type {
  KeyValue,
  Lease,
  LeaseId,
  Op,
  RangeResult,
  Store,
  TxnRequest,
  TxnResult,
  Watch,
  WatchListener,
} from './store.js';

export interface EtcdStoreOptions {
  /** Client URLs of the etcd cluster, for example `['http://127.0.0.1:2379']`. */
  endpoints: string[];
  /**
   * Deadline of every request and of every watch's creation, in milliseconds; default 5000. A
   * request that misses it fails with `StoreTimeoutError`, or with `StoreUnavailableError` when
   * it never left this process.
   */
  requestTimeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

/** The key of probe reads, which only test whether etcd still keeps a revision. Any key works. */
const ZERO_KEY = Buffer.from([0]);

/**
 * The Store port on etcd v3, through etcd3's raw gRPC clients (`kv`, `leaseClient`,
 * `watchClient`). It adds no retries, no lease keep-alive and no watch reconnection: the runtime
 * drives those itself and must see every failure.
 */
export class EtcdStore implements Store {
  private readonly client: Etcd3;
  private readonly endpoints: string;
  private readonly requestTimeoutMs: number;
  private readonly watches = new Set<EtcdWatch>();
  private closed = false;

  constructor(options: EtcdStoreOptions) {
    if (options.endpoints.length === 0 || options.endpoints.some((endpoint) => endpoint.trim() === '')) {
      throw new InvalidArgumentError(
        `invalid etcd endpoints ${JSON.stringify(options.endpoints)}: ` +
          'give at least one URL like http://127.0.0.1:2379',
      );
    }
    this.endpoints = options.endpoints.join(', ');
    const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.requestTimeoutMs = checkInteger(requestTimeoutMs, 'requestTimeoutMs', 1);
    this.client = createEtcdClient(options.endpoints);
  }

  async get(key: string): Promise<{ kv: KeyValue | null; revision: number }> {
    const response = await this.call(`get ${key}`, (options) =>
      this.client.kv.range({ key: encodeKey(key) }, options),
    );
    const kv = response.kvs[0];
    return { kv: kv === undefined ? null : decodeKeyValue(kv), revision: headerRevision(response.header) };
  }

  async range(prefix: string): Promise<RangeResult> {
    const response = await this.call(`range ${prefix}`, (options) =>
      this.client.kv.range(prefixRange(prefix), options),
    );
    return { kvs: response.kvs.map(decodeKeyValue), revision: headerRevision(response.header) };
  }

  async put(key: string, value: string, options: { lease?: LeaseId } = {}): Promise<{ revision: number }> {
    const lease = encodeLease(options.lease ?? null);
    const response = await this.call(
      `put ${key}`,
      (callOptions) =>
        this.client.kv.put({ key: encodeKey(key), value: Buffer.from(value, 'utf8'), lease }, callOptions),
      options.lease,
    );
    return { revision: headerRevision(response.header) };
  }

  async delete(key: string): Promise<{ revision: number; deleted: number }> {
    const response = await this.call(`delete ${key}`, (options) =>
      this.client.kv.deleteRange({ key: encodeKey(key) }, options),
    );
    return { revision: headerRevision(response.header), deleted: parseInt64(response.deleted, 'deleted') };
  }

  async txn(request: TxnRequest): Promise<TxnResult> {
    const failure = request.failure ?? [];
    const message = {
      compare: request.compare.map(encodeCompare),
      success: request.success.map(encodeOp),
      failure: failure.map(encodeOp),
    };
    const response = await this.call(
      'txn',
      (options) => this.client.kv.txn(message, options),
      firstLease([...request.success, ...failure]),
    );
    const ops = response.succeeded ? request.success : failure;
    if (response.responses.length !== ops.length) {
      throw new StoreError(
        `etcd at ${this.endpoints} returned ${response.responses.length} responses to a txn branch of ` +
          `${ops.length} ops; check that the endpoint is an etcd v3 server`,
      );
    }
    return {
      succeeded: response.succeeded,
      revision: headerRevision(response.header),
      responses: ops.map((op, index) => decodeOpResponse(op, response.responses[index]!)),
    };
  }

  async grantLease(ttlSeconds: number): Promise<Lease> {
    checkInteger(ttlSeconds, 'lease TTL in seconds', 1);
    const response = await this.call(`grant of a ${ttlSeconds} s lease`, (options) =>
      this.client.leaseClient.leaseGrant({ TTL: ttlSeconds }, options),
    );
    if (response.error !== '') {
      throw new StoreError(
        `etcd at ${this.endpoints} rejected a ${ttlSeconds} s lease: ${response.error}; ` +
          "check etcd's lease limits",
      );
    }
    return { id: response.ID, ttlSeconds: parseInt64(response.TTL, 'lease TTL') };
  }

  async keepAliveOnce(lease: LeaseId): Promise<{ ttlSeconds: number }> {
    const id = encodeLease(lease);
    const response = await this.call(
      `keep-alive of lease ${lease}`,
      (options) => keepAliveOnce(this.client, id, options),
      lease,
    );
    // For an expired or unknown lease, etcd returns TTL 0 rather than an error.
    const ttlSeconds = parseInt64(response.TTL, 'lease TTL');
    if (ttlSeconds <= 0) throw withEndpoints(new LeaseNotFoundError(lease), this.endpoints);
    return { ttlSeconds };
  }

  async revokeLease(lease: LeaseId): Promise<void> {
    const id = encodeLease(lease);
    await this.call(
      `revoke of lease ${lease}`,
      (options) => this.client.leaseClient.leaseRevoke({ ID: id }, options),
      lease,
    );
  }

  async watch(prefix: string, fromRevision: number, listener: WatchListener): Promise<Watch> {
    checkInteger(fromRevision, 'watch start revision');
    const operation = `watch of ${prefix}`;
    // The stream has no deadline because it lives until cancelled. The timer below bounds creation.
    const stream = await this.call(operation, () => this.client.watchClient.watch());
    const watch = new EtcdWatch(stream, {
      prefix,
      fromRevision,
      listener,
      endpoints: this.endpoints,
      describeFailure: (cause) => this.watchFailure(operation, cause),
      onEnd: () => this.watches.delete(watch),
    });
    this.watches.add(watch);
    const timer = setTimeout(() => {
      watch.fail(
        new StoreTimeoutError(
          `etcd at ${this.endpoints} timed out: the ${operation} was not created within ` +
            `${this.requestTimeoutMs} ms; check etcd's health or raise requestTimeoutMs`,
        ),
      );
    }, this.requestTimeoutMs);
    try {
      await watch.created;
    } finally {
      clearTimeout(timer);
    }
    return watch;
  }

  /**
   * Compacts logically (`physical: false`). As in etcd, a revision at or below the compacted one
   * throws `CompactedError`, and one above the current revision throws `InvalidArgumentError`.
   */
  async compact(revision: number): Promise<void> {
    checkInteger(revision, 'compact revision', 1);
    let alreadyCompacted = false;
    await this.call(`compact at revision ${revision}`, async (options) => {
      try {
        await this.client.kv.compact({ revision, physical: false }, options);
      } catch (error) {
        if (classifyFailure(error) !== 'compacted') throw error;
        alreadyCompacted = true;
      }
    });
    if (alreadyCompacted) {
      const compactRevision = await this.compactRevision(revision);
      throw withEndpoints(new CompactedError(revision, compactRevision), this.endpoints);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const watch of [...this.watches]) watch.fail(this.closedError());
    this.client.close();
  }

  /**
   * Finds the oldest revision etcd still reads at, given that it is `atLeast` or later. etcd 3.4
   * reports it only to watches, so this bisects with reads at past revisions.
   */
  private async compactRevision(atLeast: number): Promise<number> {
    let failing = atLeast - 1;
    let readable = (await this.readAt(0)) ?? atLeast;
    while (readable - failing > 1) {
      const middle = Math.floor((failing + readable) / 2);
      if ((await this.readAt(middle)) === undefined) failing = middle;
      else readable = middle;
    }
    return readable;
  }

  /**
   * Reads at `revision` (0: the newest). Resolves with the current revision, or with undefined
   * when `revision` is compacted.
   */
  private async readAt(revision: number): Promise<number | undefined> {
    return this.call(`read at revision ${revision}`, async (options) => {
      try {
        const response = await this.client.kv.range({ key: ZERO_KEY, revision, count_only: true }, options);
        return headerRevision(response.header);
      } catch (error) {
        if (classifyFailure(error) === 'compacted') return undefined;
        throw error;
      }
    });
  }

  private async call<T>(
    operation: string,
    request: (options: { deadline: number }) => Promise<T>,
    lease?: string,
  ): Promise<T> {
    if (this.closed) throw this.closedError();
    try {
      return await request({ deadline: Date.now() + this.requestTimeoutMs });
    } catch (error) {
      if (this.closed) throw this.closedError();
      throw translateFailure(error, { endpoints: this.endpoints, operation, lease });
    }
  }

  /** Builds the error of a broken watch stream: StoreUnavailableError, since a watch changes nothing. */
  private watchFailure(operation: string, cause: unknown): Error {
    if (this.closed) return this.closedError();
    const detail = cause instanceof Error ? cause.message : String(cause);
    return new StoreUnavailableError(
      `etcd at ${this.endpoints} failed the ${operation}: ${detail}; re-read the state and watch again`,
      { cause },
    );
  }

  private closedError(): StoreClosedError {
    return withEndpoints(new StoreClosedError(), this.endpoints);
  }
}

function headerRevision(header: IResponseHeader): number {
  return parseInt64(header.revision, 'header revision');
}

function firstLease(ops: Op[]): string | undefined {
  for (const op of ops) if (op.type === 'put' && op.lease !== undefined) return op.lease;
  return undefined;
}
