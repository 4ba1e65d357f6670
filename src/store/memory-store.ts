import type { Clock } from '../runtime/clock.js';
import { LeaseNotFoundError, StoreClosedError } from './errors.js';
import { copyKeyValue, Keyspace, type WriteBatch } from './memory-keyspace.js';
import { MemoryLeases } from './memory-leases.js';
import { applyOp, compareHolds, validateKey, validateTxnRequest } from './memory-txn.js';
import { MemoryWatches } from './memory-watches.js';
import type {
  KeyValue,
  Lease,
  LeaseId,
  RangeResult,
  Store,
  TxnRequest,
  TxnResult,
  Watch,
  WatchListener,
} from './store.js';

export interface MemoryStoreOptions {
  /** The clock that lease deadlines follow. */
  clock: Clock;
}

/**
 * The Store port in memory, with etcd v3 semantics: one global revision that every changing
 * transaction bumps by one, per-key create and mod revisions and versions, leases whose keys go in
 * one revision, and watches that replay history. It is deterministic on its clock: no real timers,
 * no randomness, lease ids from a counter. Watch events arrive in a microtask after the write.
 *
 * Besides the port, `breakWatches` and `extendAllLeases` let a simulator inject what an etcd leader
 * change does to clients.
 */
export class MemoryStore implements Store {
  private readonly keyspace = new Keyspace();
  private readonly watches = new MemoryWatches();
  private readonly leases: MemoryLeases;
  private closed = false;

  constructor(options: MemoryStoreOptions) {
    this.leases = new MemoryLeases(options.clock, (lease) => this.deleteKeysOfLease(lease));
  }

  async get(key: string): Promise<{ kv: KeyValue | null; revision: number }> {
    this.enter();
    validateKey(key);
    const kv = this.keyspace.get(key);
    return { kv: kv === undefined ? null : copyKeyValue(kv), revision: this.keyspace.revision };
  }

  async range(prefix: string): Promise<RangeResult> {
    this.enter();
    const kvs = this.keyspace.range(prefix).map(copyKeyValue);
    return { kvs, revision: this.keyspace.revision };
  }

  async put(key: string, value: string, options: { lease?: LeaseId } = {}): Promise<{ revision: number }> {
    this.enter();
    const result = this.runTxn({
      compare: [],
      success: [{ type: 'put', key, value, lease: options.lease }],
    });
    return { revision: result.revision };
  }

  async delete(key: string): Promise<{ revision: number; deleted: number }> {
    this.enter();
    const result = this.runTxn({ compare: [], success: [{ type: 'delete', key }] });
    const response = result.responses[0];
    return { revision: result.revision, deleted: response?.type === 'delete' ? response.deleted : 0 };
  }

  /**
   * Runs the transaction in one revision. Throws `InvalidArgumentError` when a branch writes one key
   * twice, and `LeaseNotFoundError` when the branch that runs puts with a dead lease. Nothing is
   * applied when it throws.
   */
  async txn(request: TxnRequest): Promise<TxnResult> {
    this.enter();
    return this.runTxn(request);
  }

  /** Grants a lease of exactly `ttlSeconds`; throws `InvalidArgumentError` unless it is a positive integer. */
  async grantLease(ttlSeconds: number): Promise<Lease> {
    this.enter();
    return this.leases.grant(ttlSeconds);
  }

  async keepAliveOnce(lease: LeaseId): Promise<{ ttlSeconds: number }> {
    this.enter();
    return { ttlSeconds: this.leases.renew(lease) };
  }

  async revokeLease(lease: LeaseId): Promise<void> {
    this.enter();
    this.leases.revoke(lease);
    this.deleteKeysOfLease(lease);
  }

  /** Throws `InvalidArgumentError` unless `fromRevision` is a whole number >= 0. */
  async watch(prefix: string, fromRevision: number, listener: WatchListener): Promise<Watch> {
    this.enter();
    return this.watches.open(prefix, fromRevision, this.keyspace.revision, listener);
  }

  /**
   * Discards history before `revision`. As etcd, compacting at or below the compacted revision
   * throws `CompactedError`; a revision below 1 or above the current one throws
   * `InvalidArgumentError`.
   */
  async compact(revision: number): Promise<void> {
    this.enter();
    this.watches.compact(revision, this.keyspace.revision);
  }

  /** Ends every watch with `StoreClosedError` and stops every lease timer. Keys stay as they are. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.leases.close();
    this.watches.failAll(new StoreClosedError());
  }

  /**
   * Ends every open watch with `error` after the events already queued for it, as a broken
   * connection does. Later watches work. Throws `StoreClosedError` once closed.
   */
  breakWatches(error: Error): void {
    this.assertOpen();
    this.watches.failAll(error);
  }

  /**
   * Renews every live lease to its full TTL from now, as etcd does when a new leader takes over.
   * Leases already past their deadline expire first. Throws `StoreClosedError` once closed.
   */
  extendAllLeases(): void {
    this.enter();
    this.leases.extendAll();
  }

  /** Rejects calls on a closed store and brings leases up to date with the clock. */
  private enter(): void {
    this.assertOpen();
    this.leases.expireDue();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }

  private runTxn(request: TxnRequest): TxnResult {
    validateTxnRequest(request);
    const succeeded = request.compare.every((compare) =>
      compareHolds(this.keyspace.get(compare.key), compare),
    );
    const ops = succeeded ? request.success : (request.failure ?? []);
    for (const op of ops) {
      if (op.type === 'put' && op.lease !== undefined && !this.leases.has(op.lease)) {
        throw new LeaseNotFoundError(op.lease);
      }
    }
    const batch = this.keyspace.beginWrite();
    const responses = ops.map((op) => applyOp(batch, op));
    this.commit(batch);
    return { succeeded, revision: this.keyspace.revision, responses };
  }

  /** Deletes the keys of a revoked or expired lease in one revision. */
  private deleteKeysOfLease(lease: LeaseId): void {
    const batch = this.keyspace.beginWrite();
    for (const key of this.keyspace.keysOfLease(lease)) batch.delete(key);
    this.commit(batch);
  }

  private commit(batch: WriteBatch): void {
    const events = this.keyspace.commit(batch);
    if (events.length > 0) this.watches.record(this.keyspace.revision, events);
  }
}
