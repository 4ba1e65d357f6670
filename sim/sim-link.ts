import type { Random } from '../src/runtime/random.js';
import { StoreTimeoutError, StoreUnavailableError } from '../src/store/errors.js';
import type { MemoryStore } from '../src/store/memory-store.js';
import type { Store, Watch, WatchListener } from '../src/store/store.js';
import { LinkWatch } from './link-watch.js';
import type { NodeGate } from './node-gate.js';
import type { Scheduler } from './scheduler.js';
import type { StoreServer } from './store-server.js';

export interface LinkConfig {
  /** One-way latency in virtual milliseconds. Default 2. */
  latencyMs: number;
  /** Extra one-way latency drawn uniformly from [0, jitterMs]. Default 3. */
  jitterMs: number;
  /** Probability that a request is lost on the way to the store (not applied). Default 0. */
  lossRate: number;
  /** Probability that a reply is lost after the store applied the request. Default 0. */
  replyLossRate: number;
  /** A request without a reply fails with StoreTimeoutError after this long. Default 5,000. */
  requestTimeoutMs: number;
  /** Time for a node to notice that its watch stream died, in milliseconds. Default 1,000. */
  breakDetectMs: number;
}

export const DEFAULT_LINK: LinkConfig = {
  latencyMs: 2,
  jitterMs: 3,
  lossRate: 0,
  replyLossRate: 0,
  requestTimeoutMs: 5_000,
  breakDetectMs: 1_000,
};

/**
 * One node's connection to the simulated store, as a Store. Requests and replies travel with
 * latency and can be lost; a cut direction drops everything sent that way; watches are streams on
 * the link that break when it breaks. Replies reach the node through its gate.
 */
export class SimLink implements Store {
  config: LinkConfig;
  private toStoreUp = true;
  private fromStoreUp = true;
  private readonly streams = new Set<LinkWatch>();

  constructor(
    readonly scheduler: Scheduler,
    readonly server: StoreServer,
    readonly gate: NodeGate,
    private readonly random: Random,
    config: Partial<LinkConfig> = {},
  ) {
    this.config = { ...DEFAULT_LINK, ...config };
  }

  /** Cuts one or both directions; every open watch stream breaks. */
  cut(direction: 'both' | 'to-store' | 'from-store'): void {
    if (direction !== 'from-store') this.toStoreUp = false;
    if (direction !== 'to-store') this.fromStoreUp = false;
    this.breakStreams('link cut');
  }

  heal(): void {
    this.toStoreUp = true;
    this.fromStoreUp = true;
  }

  get isUp(): boolean {
    return this.toStoreUp && this.fromStoreUp;
  }

  /** Ends every stream of this link, as a crashed process's connections end. */
  closeAll(): void {
    for (const stream of [...this.streams]) stream.cancel();
  }

  /** A one-way delay drawn from the latency and jitter. */
  delay(): number {
    return this.config.latencyMs + this.random.int(this.config.jitterMs + 1);
  }

  /** True when a message sent now toward the node gets through; draws the loss dice. */
  deliversToNode(lossRate: number): boolean {
    return this.fromStoreUp && !(lossRate > 0 && this.random.float() < lossRate);
  }

  breakStreams(reason: string): void {
    for (const stream of [...this.streams]) stream.breakStream(new StoreUnavailableError(reason));
  }

  forget(stream: LinkWatch): void {
    this.streams.delete(stream);
  }

  get: Store['get'] = (key) => this.request((store) => store.get(key));
  range: Store['range'] = (prefix) => this.request((store) => store.range(prefix));
  put: Store['put'] = (key, value, options) => this.request((store) => store.put(key, value, options));
  delete: Store['delete'] = (key) => this.request((store) => store.delete(key));
  txn: Store['txn'] = (request) => this.request((store) => store.txn(request));
  grantLease: Store['grantLease'] = (ttl) => this.request((store) => store.grantLease(ttl));
  keepAliveOnce: Store['keepAliveOnce'] = (lease) => this.request((store) => store.keepAliveOnce(lease));
  revokeLease: Store['revokeLease'] = (lease) => this.request((store) => store.revokeLease(lease));
  compact: Store['compact'] = (revision) => this.request((store) => store.compact(revision));

  async watch(prefix: string, fromRevision: number, listener: WatchListener): Promise<Watch> {
    const stream = new LinkWatch(this, listener);
    this.streams.add(stream);
    try {
      const inner = await this.request((store) => store.watch(prefix, fromRevision, stream.serverListener));
      stream.attach(inner);
    } catch (error) {
      stream.cancel();
      throw error;
    }
    return stream;
  }

  close(): Promise<void> {
    this.closeAll();
    return Promise.resolve();
  }

  /**
   * Sends one request: it may be lost, is applied on the server after the latency, and its reply
   * may be lost too. Without a reply the caller gets StoreTimeoutError after the request timeout,
   * whether or not the store applied it.
   */
  private request<T>(operation: (store: MemoryStore) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        timeout.cancel();
        outcome();
      };
      const timeout = this.scheduler.after(this.config.requestTimeoutMs, () =>
        this.gate.deliver(() => settle(() => reject(new StoreTimeoutError('simulated request timed out')))),
      );
      if (!this.toStoreUp || this.lost(this.config.lossRate)) return;
      this.scheduler.after(this.delay(), () => {
        const applied = this.server.available
          ? operation(this.server.store)
          : Promise.reject(new StoreUnavailableError('simulated store unavailable'));
        void applied.then(
          (value) => this.reply(() => settle(() => resolve(value))),
          (error: unknown) => this.reply(() => settle(() => reject(error))),
        );
      });
    });
  }

  private reply(deliver: () => void): void {
    if (!this.fromStoreUp || this.lost(this.config.replyLossRate)) return;
    this.gate.deliverAt(this.scheduler.now + this.delay(), deliver);
  }

  private lost(rate: number): boolean {
    return rate > 0 && this.random.float() < rate;
  }
}
