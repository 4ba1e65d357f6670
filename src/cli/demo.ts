import { Consumer } from '../core/consumer.js';
import { FairBalancer } from '../core/fair-balancer.js';
import type { Handler } from '../core/handler.js';
import { Client } from '../coordinator/client.js';
import { StoreCoordinator } from '../coordinator/store-coordinator.js';
import type { Random } from '../runtime/random.js';
import { systemClock } from '../runtime/system-clock.js';
import { systemRandom } from '../runtime/system-random.js';
import { CuttableStore } from '../store/cuttable-store.js';
import { MemoryStore } from '../store/memory-store.js';

/** Demo timeline in milliseconds from the start. */
const CRASH_AT_MS = 10_000;
const JOIN_AT_MS = 17_000;
const STOP_AT_MS = 25_000;
const TASK_COUNT = 36;
const LEASE_TTL_SECONDS = 3;
const BALANCE_EVERY_MS = 3_000;
/** Longest wait at the end for every unfinished task to have an owner. */
const SETTLE_MS = 10_000;

interface DemoNode {
  name: string;
  consumer: Consumer;
  link: CuttableStore;
  status: 'running' | 'crashed' | 'stopped';
}

export interface DemoOutput {
  write(text: string): void;
  /** Redraw the table in place (a terminal) or print a snapshot every few seconds (a file or pipe). */
  tty: boolean;
}

/**
 * Runs three nodes in this process on an in-memory store, submits demo tasks, crashes one node
 * midway, adds a fourth, and shows where every task runs. Returns 0 when no task ever ran on two
 * nodes at once and every unfinished task was owned by a live node before the end, 1 otherwise.
 */
export async function runDemo(out: DemoOutput): Promise<number> {
  const startedAt = systemClock.now();
  const elapsed = (): string => `${((systemClock.now() - startedAt) / 1000).toFixed(1)}s`;
  const store = new MemoryStore({ clock: systemClock });
  const client = new Client({ store });
  const random = systemRandom();
  const runningOn = new Map<string, string>();
  const events: string[] = [];
  let overlaps = 0;
  let done = 0;
  const note = (text: string): void => {
    events.push(`[${elapsed()}] ${text}`);
    if (!out.tty) out.write(`[${elapsed()}] ${text}\n`);
  };

  const handler = (node: string): Handler => async (context) => {
    const other = runningOn.get(context.task.id);
    if (other !== undefined) {
      overlaps++;
      note(`ERROR: ${context.task.id} started on ${node} while running on ${other}`);
    }
    runningOn.set(context.task.id, node);
    await context.clock.sleep(workMs(random), context.signal);
    if (runningOn.get(context.task.id) === node) runningOn.delete(context.task.id);
    if (context.signal.aborted) return 'release';
    done++;
    return 'done';
  };

  const nodes: DemoNode[] = [];
  const addNode = async (name: string): Promise<void> => {
    const link = new CuttableStore(store);
    const coordinator = new StoreCoordinator({ store: link, node: name, leaseTtlSeconds: LEASE_TTL_SECONDS });
    const consumer = new Consumer({
      coordinator,
      handler: handler(name),
      balancer: new FairBalancer(),
      balanceEveryMs: BALANCE_EVERY_MS,
    });
    nodes.push({ name, consumer, link, status: 'running' });
    await consumer.start();
    note(`${name} joined`);
  };

  for (const name of ['alpha', 'beta', 'gamma']) await addNode(name);
  for (let i = 1; i <= TASK_COUNT; i++) {
    await client.submit(`task-${String(i).padStart(2, '0')}`, { demo: true });
    await systemClock.sleep(40);
  }
  note(`${TASK_COUNT} tasks submitted`);

  const render = async (): Promise<void> => out.write(await renderTable(client, nodes, elapsed(), done, events, out.tty));
  let lastSnapshotAt = 0;
  const schedule: Array<[number, () => Promise<void>]> = [
    [CRASH_AT_MS, () => crash(nodes, note)],
    [JOIN_AT_MS, () => addNode('delta')],
  ];
  while (systemClock.now() - startedAt < STOP_AT_MS) {
    const now = systemClock.now() - startedAt;
    while (schedule.length > 0 && schedule[0]![0] <= now) await schedule.shift()![1]();
    if (out.tty || now - lastSnapshotAt >= 5_000) {
      await render();
      lastSnapshotAt = now;
    }
    await systemClock.sleep(out.tty ? 250 : 500);
  }

  // A task released by a balance a moment ago is briefly unowned, so the check waits for the
  // cluster to settle, up to SETTLE_MS.
  let unowned = await countUnowned(client);
  for (let waitedMs = 0; unowned > 0 && waitedMs < SETTLE_MS; waitedMs += 250) {
    await systemClock.sleep(250);
    unowned = await countUnowned(client);
  }
  await render();
  for (const node of nodes.filter((candidate) => candidate.status !== 'stopped')) {
    await node.consumer.shutdown({ timeoutMs: 2_000 });
    node.status = 'stopped';
  }
  await store.close();
  out.write(
    `\nsummary: ${done} tasks done, ${unowned} unowned at the end, ` +
      `${overlaps} times a task ran on two nodes at once\n`,
  );
  return overlaps === 0 && unowned === 0 ? 0 : 1;
}

async function countUnowned(client: Client): Promise<number> {
  return (await client.tasks()).filter((task) => task.owner === null).length;
}

/** How long a demo task works before it is done, in milliseconds: 6 to 60 seconds. */
function workMs(random: Random): number {
  return 6_000 + random.int(54_000);
}

async function crash(nodes: DemoNode[], note: (text: string) => void): Promise<void> {
  const victim = nodes.find((node) => node.name === 'beta');
  if (victim === undefined) return;
  const held = victim.consumer.runningTasks().length;
  victim.link.cut();
  victim.status = 'crashed';
  note(`beta crashed with ${held} tasks; they move once its ${LEASE_TTL_SECONDS}s lease expires`);
  await Promise.resolve();
}

async function renderTable(
  client: Client,
  nodes: DemoNode[],
  elapsed: string,
  done: number,
  events: string[],
  tty: boolean,
): Promise<string> {
  const tasks = await client.tasks();
  const owned = new Map<string, number>();
  for (const task of tasks) if (task.owner !== null) owned.set(task.owner, (owned.get(task.owner) ?? 0) + 1);
  const waiting = tasks.filter((task) => task.owner === null).length;
  const lines = [
    `metafora demo  t=${elapsed}  ${tasks.length} tasks left (${waiting} unowned), ${done} done`,
    '',
    'node    status    owned  running',
  ];
  for (const node of nodes) {
    const count = owned.get(node.name) ?? 0;
    const running = node.status === 'running' ? node.consumer.runningTasks().length : 0;
    lines.push(
      `${node.name.padEnd(8)}${node.status.padEnd(10)}${String(count).padStart(5)}  ${String(running).padStart(7)}  ${'#'.repeat(count)}`,
    );
  }
  if (!tty) return `${lines.join('\n')}\n\n`;
  lines.push('', ...events.slice(-6));
  return `\x1b[H\x1b[J${lines.join('\n')}\n`;
}
