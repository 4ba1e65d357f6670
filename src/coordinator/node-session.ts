import type { Buggify } from '../runtime/buggify.js';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import { LeaseNotFoundError } from '../store/errors.js';
import type { LeaseId, Store } from '../store/store.js';
import { NodeNameInUseError } from './errors.js';
import type { Keys, NodeRegistration } from './keys.js';

export interface NodeSessionOptions {
  store: Store;
  keys: Keys;
  node: string;
  clock: Clock;
  logger: Logger;
  ttlSeconds: number;
  safetyMarginMs: number;
  registration: () => NodeRegistration;
  /** Called when this node must assume its lease is gone; the session then registers anew. */
  onExpired: (lease: LeaseId, reason: string) => void;
  /** Called when the node registered on `lease`; `again` after an expiry. */
  onStarted: (lease: LeaseId, again: boolean) => void;
  /** Called when the store confirmed a renewal of `lease`. */
  onConfirmed: (lease: LeaseId) => void;
  buggify: Buggify;
}

/**
 * The node's lease and registration. It renews the lease every third of its TTL, the cadence etcd's
 * own clients use, so two renewals can fail before the lease is at risk. A watchdog declares the
 * session expired once the last confirmed renewal is TTL minus the safety margin old, on this
 * node's clock, which is before the store can expire the lease; the node then stops its tasks.
 */
export class NodeSession {
  private current: LeaseId | null = null;
  private previous: LeaseId | null = null;
  private ttlMs: number;
  /** Monotonic node clock time at which the latest successful grant or renewal was sent. */
  private confirmedAt = 0;
  private readonly stopped = new AbortController();
  private wake = new AbortController();

  constructor(private readonly options: NodeSessionOptions) {
    this.ttlMs = options.ttlSeconds * 1000;
  }

  /** The lease of the live session, or null while it is being re-established. */
  get lease(): LeaseId | null {
    return this.current;
  }

  /**
   * Grants a lease and registers the node. A name held by an earlier incarnation is waited for
   * until its lease can have expired (TTL + 2 s); after that, `NodeNameInUseError`.
   */
  async open(): Promise<void> {
    let lease = await this.grant();
    const waitLimitMs = this.ttlMs + 2_000;
    const startedAt = this.options.clock.monotonic();
    while (!(await this.register(lease))) {
      const waitedMs = this.options.clock.monotonic() - startedAt;
      if (waitedMs >= waitLimitMs) {
        await this.options.store.revokeLease(lease).catch(() => undefined);
        throw new NodeNameInUseError(this.options.node, waitedMs);
      }
      this.options.logger.warn({ waitedMs }, 'node name still registered; waiting for its lease');
      await this.options.clock.sleep(1_000, this.stopped.signal);
      // Nothing renews the lease before the node registers, so renew it here, or take a new
      // one when it expired while the node waited.
      lease = await this.renewOrGrant(lease);
    }
    this.current = lease;
    this.options.onStarted(lease, false);
    void this.keepAliveLoop();
    void this.watchdogLoop();
  }

  /** Writes the registration again, with its current flags; nothing happens without a live lease. */
  async rewriteRegistration(): Promise<void> {
    if (this.current === null) return;
    const value = JSON.stringify(this.options.registration());
    await this.options.store.put(this.options.keys.node(this.options.node), value, { lease: this.current });
  }

  /** Stops renewing and revokes the lease, which deletes the registration and leftover claims. */
  async close(): Promise<void> {
    this.stopped.abort();
    this.wake.abort();
    const lease = this.current;
    this.current = null;
    if (lease !== null) await this.options.store.revokeLease(lease);
  }

  /** Ends the session if `lease` is still its lease: the store reported it unknown. */
  leaseNotFound(lease: LeaseId): void {
    if (this.current === lease) this.expire('lease not found');
  }

  private expire(reason: string): void {
    const lease = this.current;
    if (lease === null) return;
    this.options.logger.warn({ reason, lease }, 'session expired; stopping tasks');
    this.previous = lease;
    this.current = null;
    this.options.onExpired(lease, reason);
    this.wake.abort();
  }

  private async renewOrGrant(lease: LeaseId): Promise<LeaseId> {
    const sentAt = this.options.clock.monotonic();
    try {
      await this.options.store.keepAliveOnce(lease);
      this.confirmedAt = sentAt;
      return lease;
    } catch (error) {
      if (error instanceof LeaseNotFoundError) return this.grant();
      throw error;
    }
  }

  private async grant(): Promise<LeaseId> {
    const sentAt = this.options.clock.monotonic();
    const lease = await this.options.store.grantLease(this.options.ttlSeconds);
    this.ttlMs = lease.ttlSeconds * 1000;
    this.confirmedAt = sentAt;
    return lease.id;
  }

  /** Writes the registration on `lease` unless another lease holds the name; true on success. */
  private async register(lease: LeaseId): Promise<boolean> {
    const key = this.options.keys.node(this.options.node);
    const value = JSON.stringify(this.options.registration());
    const result = await this.options.store.txn({
      compare: [{ key, target: 'createRevision', op: '=', value: 0 }],
      success: [{ type: 'put', key, value, lease }],
      failure: [{ type: 'get', key }],
    });
    if (result.succeeded) return true;
    const existing = result.responses[0];
    const holder = existing?.type === 'get' ? existing.kv?.lease : undefined;
    if (holder === undefined || holder === null || holder !== this.previous) return false;
    // The name is held by this process's own expired session, so it may take it over.
    await this.options.store.put(key, value, { lease });
    return true;
  }

  private async keepAliveLoop(): Promise<void> {
    const signal = this.stopped.signal;
    let retryMs = 100;
    while (!signal.aborted) {
      if (this.current === null) {
        if (await this.reestablish()) retryMs = 100;
        else await this.options.clock.sleep((retryMs = Math.min(5_000, retryMs * 2)), signal);
        continue;
      }
      // `close()` and `expire()` abort the current wake controller, ending this sleep early.
      this.wake = new AbortController();
      await this.options.clock.sleep(this.ttlMs / 3, this.wake.signal);
      // Renewals are not awaited: a request lost on the way only returns at the store's request
      // timeout, which can be longer than the renewal interval, and the next renewal must still
      // go out on time. Each renewal that succeeds advances the confirmation on its own.
      if (!signal.aborted) void this.renew();
    }
  }

  private async renew(): Promise<void> {
    const lease = this.current;
    if (lease === null) return;
    const sentAt = this.options.clock.monotonic();
    try {
      if (this.options.buggify.enabled) await this.options.buggify.point('keep-alive');
      await this.options.store.keepAliveOnce(lease);
      if (this.current === lease) {
        this.confirmedAt = Math.max(this.confirmedAt, sentAt);
        this.options.onConfirmed(lease);
      }
    } catch (error) {
      if (error instanceof LeaseNotFoundError) {
        this.leaseNotFound(lease);
        return;
      }
      this.options.logger.warn({ err: error, lease }, 'lease keep-alive failed; retrying');
    }
  }

  private async reestablish(): Promise<boolean> {
    if (this.stopped.signal.aborted) return false;
    try {
      const lease = await this.grant();
      if (!(await this.register(lease))) {
        await this.options.store.revokeLease(lease).catch(() => undefined);
        this.options.logger.error({}, 'node name taken by another process; registering again later');
        return false;
      }
      this.current = lease;
      this.options.logger.info({ lease }, 'session re-established');
      this.options.onStarted(lease, true);
      return true;
    } catch (error) {
      this.options.logger.warn({ err: error }, 'registering again failed; retrying');
      return false;
    }
  }

  private async watchdogLoop(): Promise<void> {
    const signal = this.stopped.signal;
    while (!signal.aborted) {
      if (this.current === null) {
        await this.options.clock.sleep(this.ttlMs / 3, signal);
        continue;
      }
      const deadline = this.confirmedAt + this.ttlMs - this.options.safetyMarginMs;
      if (this.options.clock.monotonic() >= deadline) {
        this.expire('lease deadline passed without renewal');
        continue;
      }
      await this.options.clock.sleep(deadline - this.options.clock.monotonic(), signal);
    }
  }
}
