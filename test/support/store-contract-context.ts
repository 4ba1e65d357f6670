import { afterEach, beforeEach } from 'vitest';

import { LeaseNotFoundError } from '../../src/store/errors.js';
import type { Lease, LeaseId, Store, Watch } from '../../src/store/store.js';
import { WatchRecorder } from './watch-recorder.js';

/** A store to test and the key prefix a test may use. */
export interface StoreFixture {
  store: Store;
  /** Every key a test writes starts with it. No other test uses keys under it. */
  prefix: string;
  /** Removes what the test left behind and closes the store. */
  cleanup(): Promise<void>;
}

export type StoreSetup = () => Promise<StoreFixture>;

/** TTL of the leases the contract grants, in seconds; long enough never to expire during a test. */
export const CONTRACT_LEASE_TTL_SECONDS = 60;

/**
 * A lease id taken to be unknown: etcd picks random 63-bit ids, so a clash is unlikely, and
 * MemoryStore counts up from 1.
 */
export const UNKNOWN_LEASE = '123456789';

/**
 * The fixture of the running contract test. It cancels the watches and revokes the leases a test
 * opened through it before cleanup, so nothing lingers on a shared etcd.
 */
export class ContractContext {
  private fixture: StoreFixture | undefined;
  private watches: Watch[] = [];
  private leases: LeaseId[] = [];

  /** Registers `beforeEach` and `afterEach` hooks that set up and tear down the fixture. */
  constructor(setup: StoreSetup) {
    beforeEach(async () => {
      this.fixture = await setup();
    });
    afterEach(async () => {
      await this.tearDown();
    });
  }

  get store(): Store {
    if (this.fixture === undefined) throw new Error('the store fixture is only set inside a test');
    return this.fixture.store;
  }

  get prefix(): string {
    if (this.fixture === undefined) throw new Error('the store fixture is only set inside a test');
    return this.fixture.prefix;
  }

  /** Returns the full key of `name` under the test's prefix. */
  key(name: string): string {
    return this.prefix + name;
  }

  /** Watches `key(name)` as a prefix from `fromRevision`; the watch is cancelled after the test. */
  async watch(name: string, fromRevision: number): Promise<{ watch: Watch; recorder: WatchRecorder }> {
    const recorder = new WatchRecorder();
    const watch = await this.store.watch(this.key(name), fromRevision, recorder);
    this.watches.push(watch);
    return { watch, recorder };
  }

  /** Grants a lease that is revoked after the test if it still exists. */
  async grantLease(): Promise<Lease> {
    const lease = await this.store.grantLease(CONTRACT_LEASE_TTL_SECONDS);
    this.leases.push(lease.id);
    return lease;
  }

  private async tearDown(): Promise<void> {
    const fixture = this.fixture;
    this.fixture = undefined;
    if (fixture === undefined) return;
    for (const watch of this.watches) watch.cancel();
    this.watches = [];
    try {
      for (const lease of this.leases) await revokeIfLive(fixture.store, lease);
    } finally {
      this.leases = [];
      await fixture.cleanup();
    }
  }
}

async function revokeIfLive(store: Store, lease: LeaseId): Promise<void> {
  try {
    await store.revokeLease(lease);
  } catch (error) {
    if (!(error instanceof LeaseNotFoundError)) throw error;
  }
}
