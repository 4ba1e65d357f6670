import type { KeyValue, LeaseId, WatchEvent } from './store.js';

/**
 * Compares keys in UTF-8 byte order, the order etcd sorts keys in. Plain string comparison uses
 * UTF-16 code units, which puts characters above U+FFFF before U+E000..U+FFFF.
 */
export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const unitA = a.charCodeAt(i);
    const unitB = b.charCodeAt(i);
    if (unitA !== unitB) return utf8Rank(unitA) - utf8Rank(unitB);
  }
  return a.length - b.length;
}

/**
 * Maps a UTF-16 code unit to a rank whose order matches UTF-8 byte order: surrogates, which
 * encode code points above U+FFFF, rank after U+E000..U+FFFF. Order inside each group is kept.
 */
function utf8Rank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

export function copyKeyValue(kv: KeyValue): KeyValue {
  return { ...kv };
}

/**
 * The key-value map of a MemoryStore and its global revision. Every change goes through a
 * WriteBatch, so all changes of one transaction share one revision.
 */
export class Keyspace {
  /** The current revision; an empty etcd store is at revision 1. */
  private currentRevision = 1;
  private readonly records = new Map<string, KeyValue>();

  get revision(): number {
    return this.currentRevision;
  }

  /** The stored record of `key`; callers must copy it before handing it out. */
  get(key: string): KeyValue | undefined {
    return this.records.get(key);
  }

  /** The stored records under `prefix` in key order; callers must copy them before handing them out. */
  range(prefix: string): KeyValue[] {
    const matches: KeyValue[] = [];
    for (const [key, kv] of this.records) {
      if (key.startsWith(prefix)) matches.push(kv);
    }
    return matches.sort((a, b) => compareKeys(a.key, b.key));
  }

  /** Keys bound to `lease`, in key order, the order etcd deletes them in on revoke. */
  keysOfLease(lease: LeaseId): string[] {
    const keys: string[] = [];
    for (const [key, kv] of this.records) {
      if (kv.lease === lease) keys.push(key);
    }
    return keys.sort(compareKeys);
  }

  /** Starts a write at the next revision. Commit it before starting another. */
  beginWrite(): WriteBatch {
    return new WriteBatch(this, this.records, this.currentRevision + 1);
  }

  /**
   * Makes the batch's revision current if it changed anything, as etcd does, and returns its
   * events. A batch that changed nothing leaves the revision alone.
   */
  commit(batch: WriteBatch): WatchEvent[] {
    if (batch.events.length > 0) this.currentRevision = batch.revision;
    return batch.events;
  }
}

/**
 * The changes of one write transaction. Changes apply to the map at once, so later reads of the
 * same transaction see them, as in etcd. A batch cannot be rolled back, so callers validate the
 * whole transaction before the first change.
 */
export class WriteBatch {
  readonly events: WatchEvent[] = [];

  constructor(
    private readonly keyspace: Keyspace,
    private readonly records: Map<string, KeyValue>,
    readonly revision: number,
  ) {}

  get(key: string): KeyValue | undefined {
    return this.keyspace.get(key);
  }

  range(prefix: string): KeyValue[] {
    return this.keyspace.range(prefix);
  }

  put(key: string, value: string, lease: LeaseId | null): void {
    const previous = this.records.get(key);
    const kv: KeyValue = {
      key,
      value,
      createRevision: previous?.createRevision ?? this.revision,
      modRevision: this.revision,
      version: (previous?.version ?? 0) + 1,
      lease,
    };
    this.records.set(key, kv);
    this.events.push({ type: 'put', kv: copyKeyValue(kv) });
  }

  /** Deletes `key`; returns whether it existed. */
  delete(key: string): boolean {
    if (!this.records.delete(key)) return false;
    this.events.push({ type: 'delete', kv: deletedKeyValue(key, this.revision) });
    return true;
  }

  /** Deletes every key under `prefix` in key order; returns how many there were. */
  deletePrefix(prefix: string): number {
    const keys = this.range(prefix).map((kv) => kv.key);
    for (const key of keys) this.delete(key);
    return keys.length;
  }
}

/** Builds the key-value of a delete event, in which only the key and the revision of the delete are set. */
function deletedKeyValue(key: string, revision: number): KeyValue {
  return { key, value: '', createRevision: 0, modRevision: revision, version: 0, lease: null };
}
