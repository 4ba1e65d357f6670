import { describe, expect, it } from 'vitest';

import * as metafora from '../../src/index.js';
import { ManualClock } from '../../src/runtime/manual-clock.js';

describe('package entry', () => {
  it('runs a node built from the exported names', async () => {
    const clock = new ManualClock();
    const store = new metafora.MemoryStore({ clock });
    const coordinator = new metafora.StoreCoordinator({ store, node: 'solo', namespace: '/entry', clock });
    const ran: string[] = [];
    const consumer = new metafora.Consumer({
      coordinator,
      clock,
      handler: ({ task }) => {
        ran.push(task.id);
        return Promise.resolve('done');
      },
    });
    await consumer.start();
    await new metafora.Client({ store, namespace: '/entry', clock }).submit('a');
    await clock.advance(0);
    expect(ran).toEqual(['a']);
    const stopping = consumer.shutdown({ timeoutMs: 1_000 });
    await clock.advance(1_000);
    await stopping;
    expect(consumer.state).toBe('stopped');
  });
});
