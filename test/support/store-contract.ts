import { describe } from 'vitest';

import { ContractContext, type StoreSetup } from './store-contract-context.js';
import { describeKeyValueContract } from './store-contract-kv.js';
import { describeLeaseContract } from './store-contract-leases.js';
import { describeTxnContract } from './store-contract-txn.js';
import { describeWatchContract } from './store-contract-watch.js';

export type { StoreFixture, StoreSetup } from './store-contract-context.js';

/**
 * Declares the tests every Store must pass, for MemoryStore and for etcd alike.
 *
 * `setup` runs before each test and returns the store, a key prefix that no other test uses, and
 * a cleanup that runs after the test. The tests write only under that prefix, compare revisions
 * with each other rather than with fixed numbers, and neither wait for a lease to expire nor
 * compact, so they can share one etcd with other writers.
 */
export function describeStoreContract(name: string, setup: StoreSetup): void {
  describe(`${name} store contract`, () => {
    const context = new ContractContext(setup);
    describeKeyValueContract(context);
    describeTxnContract(context);
    describeLeaseContract(context);
    describeWatchContract(context);
  });
}
