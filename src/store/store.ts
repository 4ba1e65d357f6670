/**
 * The store port: a key-value store modelled on etcd v3, so the etcd adapter stays thin and the
 * in-memory store behaves like etcd in every way the runtime relies on.
 *
 * Revisions: every write bumps one global revision, starting at 1 for an empty store. A key-value
 * carries the revision that created it, the revision of its last change, and its version (number
 * of writes since it was created, 1 after the first put).
 */

/** A lease id: etcd leases are int64, so ids travel as decimal strings. */
export type LeaseId = string;

export interface KeyValue {
  key: string;
  value: string;
  /** Revision of the write that created the key; 0 is never seen on a live key. */
  createRevision: number;
  /** Revision of the latest write to the key. */
  modRevision: number;
  /** Number of puts since the key was created: 1 after the first put. */
  version: number;
  /** The lease the key is bound to, or null. */
  lease: LeaseId | null;
}

export interface RangeResult {
  kvs: KeyValue[];
  /** The store revision the range was read at. */
  revision: number;
}

/**
 * A condition of a transaction. For a key that does not exist, version, createRevision and
 * modRevision compare as 0 and lease as null, as in etcd. A value compare on a key that does not
 * exist is always false, with either op, as in etcd (checked on etcd 3.4.23).
 */
export type Compare =
  | {
      key: string;
      target: 'version' | 'createRevision' | 'modRevision';
      op: '=' | '!=' | '<' | '>';
      value: number;
    }
  | { key: string; target: 'value'; op: '=' | '!='; value: string }
  | { key: string; target: 'lease'; op: '=' | '!='; value: LeaseId | null };

export type Op =
  | { type: 'put'; key: string; value: string; lease?: LeaseId }
  | { type: 'delete'; key: string }
  | { type: 'deletePrefix'; prefix: string }
  | { type: 'get'; key: string }
  | { type: 'range'; prefix: string };

export type OpResponse =
  | { type: 'put' }
  | { type: 'delete'; deleted: number }
  | { type: 'deletePrefix'; deleted: number }
  | { type: 'get'; kv: KeyValue | null }
  | { type: 'range'; kvs: KeyValue[] };

export interface TxnRequest {
  compare: Compare[];
  success: Op[];
  failure?: Op[];
}

export interface TxnResult {
  /** True when every compare held and `success` ran; false when `failure` ran. */
  succeeded: boolean;
  /** The store revision after the transaction; it equals the previous one if nothing changed. */
  revision: number;
  /** One response per op of the branch that ran, in order. */
  responses: OpResponse[];
}

export interface Lease {
  id: LeaseId;
  /** The TTL the store granted, which may be larger than the one requested. */
  ttlSeconds: number;
}

export interface WatchEvent {
  type: 'put' | 'delete';
  /**
   * The key-value after the event. For a delete, only `key` and `modRevision` (the revision of the
   * delete) are meaningful; the other fields are zero or empty.
   */
  kv: KeyValue;
}

export interface WatchListener {
  /** Receives the events of one or more revisions, in revision order, never interleaved. */
  onEvents(events: WatchEvent[]): void;
  /**
   * Called once when the stream ends for a reason other than `cancel()`: a broken connection,
   * `CompactedError` when the start revision was compacted, or a store shutdown. No events follow.
   */
  onError(error: Error): void;
}

export interface Watch {
  /** Stops the stream. No listener call follows. Idempotent. */
  cancel(): void;
}

export interface Store {
  /** Reads one key. */
  get(key: string): Promise<{ kv: KeyValue | null; revision: number }>;

  /** Reads every key that starts with `prefix`, in key order. */
  range(prefix: string): Promise<RangeResult>;

  /** Writes `value` at `key`, bound to `lease` when given. Returns the revision of the write. */
  put(key: string, value: string, options?: { lease?: LeaseId }): Promise<{ revision: number }>;

  /** Deletes `key` if it exists. */
  delete(key: string): Promise<{ revision: number; deleted: number }>;

  /** Runs `success` if every compare holds, else `failure`, atomically in one revision. */
  txn(request: TxnRequest): Promise<TxnResult>;

  /** Grants a lease; keys bound to it are deleted in one revision when it expires or is revoked. */
  grantLease(ttlSeconds: number): Promise<Lease>;

  /**
   * Renews a lease to its full TTL. Throws `LeaseNotFoundError` when the lease expired or was
   * revoked. Returns the TTL in force after renewal.
   */
  keepAliveOnce(lease: LeaseId): Promise<{ ttlSeconds: number }>;

  /** Revokes a lease and deletes its keys. Revoking an unknown lease throws `LeaseNotFoundError`. */
  revokeLease(lease: LeaseId): Promise<void>;

  /**
   * Streams changes under `prefix` from `fromRevision` on (inclusive). Resolves once the stream is
   * established. A `fromRevision` below the compacted revision ends the stream at once with
   * `CompactedError` through `listener.onError`, as etcd does. A `fromRevision` of 0 means "from the
   * next write on".
   */
  watch(prefix: string, fromRevision: number, listener: WatchListener): Promise<Watch>;

  /**
   * Discards history before `revision`; watches from older revisions then fail. Compacting a
   * revision above the current one throws `InvalidArgumentError`.
   */
  compact(revision: number): Promise<void>;

  /** Closes connections and ends every watch; the store is unusable afterwards. Idempotent. */
  close(): Promise<void>;
}
