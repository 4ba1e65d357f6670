import { ManualClock } from '../../../src/runtime/manual-clock.js';
import { MemoryStore } from '../../../src/store/memory-store.js';
import { describeStoreContract } from '../../support/store-contract.js';

describeStoreContract('MemoryStore', async () => {
  const store = new MemoryStore({ clock: new ManualClock() });
  return { store, prefix: '/contract/', cleanup: () => store.close() };
});
