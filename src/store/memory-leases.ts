import type { Clock } from '../runtime/clock.js';
import { InvalidArgumentError } from '../runtime/errors.js';
import { LeaseNotFoundError } from './errors.js';
import type { Lease, LeaseId } from './store.js';

/** The largest TTL etcd grants, in seconds (etcd's MaxLeaseTTL). */
export const MAX_LEASE_TTL_SECONDS = 9_000_000_000;

interface LeaseRecord {
  readonly id: LeaseId;
  readonly ttlSeconds: number;
  /** Clock time at which the lease expires, in milliseconds. */
  expiresAtMs: number;
  /** Grant order, which breaks ties between equal deadlines. */
  readonly sequence: number;
  /** Aborts the expiry timer when the lease is revoked or the table is closed. */
  readonly timer: AbortController;
}

/**
 * The lease table of a MemoryStore. A lease is live while the clock is before its deadline. Each
 * lease has a timer on the clock, so it expires on time even when no call reaches the store. The
 * store calls `expireDue` first on every call, so no call finds a lease past its deadline alive
 * while its timer has yet to run. Lease ids count up from 1, so a run is repeatable.
 */
export class MemoryLeases {
  private readonly leases = new Map<LeaseId, LeaseRecord>();
  private nextSequence = 1;

  /** `onExpire` deletes the keys of a lease that expired; the lease is already gone then. */
  constructor(
    private readonly clock: Clock,
    private readonly onExpire: (lease: LeaseId) => void,
  ) {}

  /** Grants a lease of exactly `ttlSeconds`, a positive integer up to MAX_LEASE_TTL_SECONDS. */
  grant(ttlSeconds: number): Lease {
    validateTtl(ttlSeconds);
    const sequence = this.nextSequence++;
    const record: LeaseRecord = {
      id: String(sequence),
      ttlSeconds,
      expiresAtMs: this.clock.now() + ttlSeconds * 1000,
      sequence,
      timer: new AbortController(),
    };
    this.leases.set(record.id, record);
    void this.runTimer(record);
    return { id: record.id, ttlSeconds };
  }

  has(lease: LeaseId): boolean {
    return this.leases.has(lease);
  }

  /** Renews `lease` to its full TTL from now; returns the TTL. */
  renew(lease: LeaseId): number {
    const record = this.require(lease);
    record.expiresAtMs = this.clock.now() + record.ttlSeconds * 1000;
    return record.ttlSeconds;
  }

  /** Removes `lease` and stops its timer; the caller deletes its keys. */
  revoke(lease: LeaseId): void {
    const record = this.require(lease);
    this.remove(record);
  }

  /** Expires every lease whose deadline has passed, earliest deadline first. */
  expireDue(): void {
    const now = this.clock.now();
    const due = [...this.leases.values()]
      .filter((record) => record.expiresAtMs <= now)
      .sort((a, b) => a.expiresAtMs - b.expiresAtMs || a.sequence - b.sequence);
    for (const record of due) this.expire(record);
  }

  /** Renews every live lease to its full TTL, as etcd does when a new leader takes over. */
  extendAll(): void {
    this.expireDue();
    const now = this.clock.now();
    for (const record of this.leases.values()) {
      record.expiresAtMs = now + record.ttlSeconds * 1000;
    }
  }

  /** Drops every lease and stops every timer, without deleting keys. */
  close(): void {
    for (const record of [...this.leases.values()]) this.remove(record);
  }

  private require(lease: LeaseId): LeaseRecord {
    const record = this.leases.get(lease);
    if (record === undefined) throw new LeaseNotFoundError(lease);
    return record;
  }

  private remove(record: LeaseRecord): void {
    this.leases.delete(record.id);
    record.timer.abort();
  }

  private expire(record: LeaseRecord): void {
    if (this.leases.get(record.id) !== record) return;
    this.remove(record);
    this.onExpire(record.id);
  }

  /**
   * Sleeps until the lease's deadline and expires it. A renewal only moves the deadline, so the
   * timer wakes at the old one and sleeps again for the rest.
   */
  private async runTimer(record: LeaseRecord): Promise<void> {
    const signal = record.timer.signal;
    while (!signal.aborted) {
      const remainingMs = record.expiresAtMs - this.clock.now();
      if (remainingMs <= 0) {
        this.expire(record);
        return;
      }
      await this.clock.sleep(remainingMs, signal);
    }
  }
}

function validateTtl(ttlSeconds: number): void {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new InvalidArgumentError(
      `invalid lease TTL ${ttlSeconds}: give a positive whole number of seconds`,
    );
  }
  if (ttlSeconds > MAX_LEASE_TTL_SECONDS) {
    throw new InvalidArgumentError(
      `invalid lease TTL ${ttlSeconds}: etcd grants at most ${MAX_LEASE_TTL_SECONDS} seconds`,
    );
  }
}
