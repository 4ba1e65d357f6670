import { hostname } from 'node:os';

import type { ClusterSnapshot } from '../core/balancer.js';
import type { Claim, Coordinator, CoordinatorContext } from '../core/coordinator.js';
import { parseNodeCommand } from '../core/node-command.js';
import type { TaskCommandSource } from '../core/task-command.js';
import { TypedEmitter } from '../core/typed-emitter.js';
import { validateNodeName } from '../core/task.js';
import type { Buggify } from '../runtime/buggify.js';
import { noBuggify } from '../runtime/buggify.js';
import type { Clock } from '../runtime/clock.js';
import { InvalidArgumentError, InvalidStateError, MetaforaError } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import { silentLogger } from '../runtime/logger.js';
import { systemClock } from '../runtime/system-clock.js';
import { LeaseNotFoundError, StoreTimeoutError } from '../store/errors.js';
import type { KeyValue, Op, Store } from '../store/store.js';
import type { TaskEntry } from './cluster-view.js';
import { ClusterView } from './cluster-view.js';
import { Keys } from './keys.js';
import { ClaimOutcomeUnknownError } from './errors.js';
import { NodeSession } from './node-session.js';
import { PrefixSync } from './prefix-sync.js';
import { retryStore } from './retry.js';
import { TaskCommandRouter } from './task-command-router.js';

export interface StoreCoordinatorOptions {
  store: Store;
  /** This node's name: unique in the namespace, no "/" or control characters. */
  node: string;
  /** Key prefix shared by the cluster. Default `/metafora`. */
  namespace?: string;
  /** Lease TTL in seconds, at least 2 (etcd's minimum). Default 10. */
  leaseTtlSeconds?: number;
  /**
   * The node stops its tasks once its last confirmed renewal is TTL minus this many milliseconds
   * old; it covers clock drift and the time handlers need to stop. Default: a quarter of the TTL.
   */
  leaseSafetyMarginMs?: number;
  clock?: Clock;
  logger?: Logger;
  /** Host name shown in the registration. Default: the operating system's host name. */
  host?: string;
  /** Software version shown in the registration. */
  version?: string;
  /** Fault injection points for simulation. Default: none. */
  buggify?: Buggify;
}

/** Minimum lease TTL in seconds; etcd grants no shorter lease. */
export const MIN_LEASE_TTL_SECONDS = 2;

/** Returns the default lease safety margin: a quarter of the TTL, in milliseconds. */
export function defaultSafetyMarginMs(ttlSeconds: number): number {
  return (ttlSeconds * 1000) / 4;
}

/** A held claim: its fencing token is the owner key's createRevision. */
interface HeldClaim {
  fencingToken: number;
  lease: string;
}

export interface StoreCoordinatorEvents extends Record<string, unknown> {
  /** Fires when the store confirmed a renewal of the node's lease. */
  'lease-confirmed': { lease: string };
  /** Fires when the node assumes its lease is gone and reports its claims lost. */
  'session-expired': { lease: string; reason: string };
  /** Fires when the node registered on a lease: at start and after every expiry. */
  'session-started': { lease: string };
}

/** The coordinator on a `Store`, with the key layout of `Keys`. */
export class StoreCoordinator extends TypedEmitter<StoreCoordinatorEvents> implements Coordinator {
  readonly node: string;
  readonly keys: Keys;
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly buggify: Buggify;
  private readonly logger: Logger;
  private readonly session: NodeSession;
  private readonly view: ClusterView;
  private readonly syncs: PrefixSync[];
  private readonly taskCommandRouter: TaskCommandRouter;
  private readonly claims = new Map<string, HeldClaim>();
  private readonly claiming = new Set<string>();
  /**
   * Claims given to the consumer and not yet released or done, by task: a lost claim stays here
   * while its handler winds down, so its owner key is not mistaken for a stray one.
   */
  private readonly handedOut = new Map<string, number>();
  /** Guarded releases that failed, by task, each with the transaction to try again. */
  private readonly pendingReleases = new Map<string, () => Promise<unknown>>();
  private retryingReleases = false;
  /** Flags written into the registration so other nodes leave this node out of their balancing. */
  private readonly registrationFlags: { stopping?: true; frozen?: true } = {};
  /** Owner keys of this node that no run uses, waiting to be deleted: task id to createRevision. */
  private readonly strayClaims = new Map<string, number>();
  private readonly startedAt: string;
  private readonly host: string;
  private readonly version: string;
  private context: CoordinatorContext | undefined;
  private commandQueue: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly closing = new AbortController();

  constructor(options: StoreCoordinatorOptions) {
    super();
    validateNodeName(options.node);
    const ttlSeconds = options.leaseTtlSeconds ?? 10;
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < MIN_LEASE_TTL_SECONDS) {
      throw new InvalidArgumentError(
        `lease TTL must be a whole number of at least ${MIN_LEASE_TTL_SECONDS} seconds, got ${ttlSeconds}`,
      );
    }
    this.node = options.node;
    this.keys = new Keys(options.namespace);
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.buggify = options.buggify ?? noBuggify;
    this.logger = (options.logger ?? silentLogger).child({ node: options.node, component: 'coordinator' });
    this.host = options.host ?? hostname();
    this.version = options.version ?? '0.0.0';
    this.startedAt = new Date(this.clock.now()).toISOString();
    this.session = new NodeSession({
      store: this.store,
      keys: this.keys,
      node: this.node,
      clock: this.clock,
      logger: this.logger,
      ttlSeconds,
      safetyMarginMs: options.leaseSafetyMarginMs ?? defaultSafetyMarginMs(ttlSeconds),
      registration: () => ({
        node: this.node,
        host: this.host,
        started: this.startedAt,
        version: this.version,
        ...this.registrationFlags,
      }),
      onExpired: (lease, reason) => {
        this.loseAllClaims();
        this.emit('session-expired', { lease, reason });
      },
      onStarted: (lease, again) => {
        this.emit('session-started', { lease });
        // Claims attempted while the session was down were not retried, so offer every free task.
        if (again) this.view.offerUnowned();
      },
      onConfirmed: (lease) => this.emit('lease-confirmed', { lease }),
      buggify: this.buggify,
    });
    this.taskCommandRouter = new TaskCommandRouter(this.store, this.keys, this.clock);
    this.view = new ClusterView(this.keys, this.node, this.logger, {
      ownerChanged: (taskId, entry) => this.checkOwner(taskId, entry),
      unowned: (taskId) => this.context?.offer(taskId),
      nodeCommand: (kv) => this.queueCommand(kv),
      taskCommand: (taskId, kv) => this.taskCommandRouter.deliver(taskId, kv),
    });
    this.syncs = [
      new PrefixSync(this.store, this.keys.nodesPrefix, this.clock, this.logger, {
        reset: (kvs) => this.view.resetNodes(kvs),
        apply: (events) => this.view.applyNodeEvents(events),
      }, this.buggify),
      new PrefixSync(this.store, this.keys.tasksPrefix, this.clock, this.logger, {
        reset: (kvs, revision) => this.view.resetTasks(kvs, revision),
        apply: (events) => this.view.applyTaskEvents(events),
      }, this.buggify),
    ];
  }

  async start(context: CoordinatorContext): Promise<void> {
    if (this.context !== undefined) throw new InvalidStateError('coordinator already started');
    this.context = context;
    await this.session.open();
    this.logger.info({ lease: this.session.lease }, 'node registered');
    try {
      for (const sync of this.syncs) await sync.start();
    } catch (error) {
      // A node that failed to start must not keep its lease alive: the name would stay taken.
      await this.close().catch(() => undefined);
      throw error;
    }
  }

  clusterSnapshot(): ClusterSnapshot {
    return this.view.snapshot();
  }

  offerUnclaimed(): void {
    this.view.offerUnowned();
  }

  taskCommands(claim: Claim): TaskCommandSource {
    return this.taskCommandRouter.source(claim, () => this.view.commands.get(claim.task.id));
  }

  async claim(taskId: string): Promise<Claim | null> {
    const lease = this.session.lease;
    if (lease === null || this.closed) return null;
    this.claiming.add(taskId);
    let claim: Claim | null = null;
    try {
      claim = await this.claimOnLease(taskId, lease);
      return claim;
    } finally {
      this.claiming.delete(taskId);
      // The watch may have shown this claim's owner key while the claim was in flight, when it
      // could not yet tell a stray key from a claim; look again now that the outcome is known.
      if (claim === null) this.checkOwner(taskId, this.view.tasks.get(taskId));
    }
  }

  async release(claim: Claim): Promise<void> {
    const taskId = claim.task.id;
    this.forgetClaim(claim);
    await this.deleteOwnerKey(taskId, claim.fencingToken);
  }

  /**
   * Removes the task if this node still holds the claim. A failed attempt is retried until the
   * outcome is known or the coordinator closes, because the node must learn whether the task is
   * gone: a retry after a lost reply finds the claim gone, and then the task being gone is what
   * done asked for, whoever removed it.
   */
  async done(claim: Claim): Promise<boolean> {
    const taskId = claim.task.id;
    this.forgetClaim(claim);
    const request = {
      compare: [this.ownerIs(taskId, claim.fencingToken)],
      success: [
        { type: 'delete', key: this.keys.task(taskId) },
        { type: 'deletePrefix', prefix: this.keys.taskChildrenPrefix(taskId) },
      ] satisfies Op[],
      failure: [{ type: 'get', key: this.keys.task(taskId) }] satisfies Op[],
    };
    for (let waitMs = 200; ; waitMs = Math.min(5_000, waitMs * 2)) {
      try {
        const result = await this.store.txn(request);
        if (result.succeeded) return true;
        const task = result.responses[0];
        return task?.type === 'get' && task.kv === null;
      } catch (error) {
        const retryable = error instanceof MetaforaError && error.retryable;
        if (!retryable || this.closed) throw error;
        this.logger.warn({ task: taskId, err: error, waitMs }, 'marking task done failed; retrying');
        await this.clock.sleep(waitMs, this.closing.signal);
      }
    }
  }

  async markStopping(): Promise<void> {
    this.registrationFlags.stopping = true;
    await this.session.rewriteRegistration();
  }

  async markFrozen(frozen: boolean): Promise<void> {
    if (frozen) this.registrationFlags.frozen = true;
    else delete this.registrationFlags.frozen;
    await this.session.rewriteRegistration();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    for (const sync of this.syncs) sync.stop();
    this.claims.clear();
    await this.session.close();
    this.logger.info({}, 'node deregistered');
  }

  private async claimOnLease(taskId: string, lease: string): Promise<Claim | null> {
    let result;
    try {
      result = await this.store.txn({
        compare: [
          { key: this.keys.task(taskId), target: 'version', op: '>', value: 0 },
          { key: this.keys.taskOwner(taskId), target: 'createRevision', op: '=', value: 0 },
        ],
        success: [
          { type: 'put', key: this.keys.taskOwner(taskId), value: JSON.stringify({ node: this.node }), lease },
          { type: 'get', key: this.keys.taskProps(taskId) },
        ],
      });
    } catch (error) {
      if (error instanceof LeaseNotFoundError) {
        // The store has no record of this node's lease, so the session is lost, not the task.
        this.logger.warn({ task: taskId, lease }, 'claim found the lease gone');
        this.session.leaseNotFound(lease);
        return null;
      }
      if (error instanceof StoreTimeoutError) return this.readBackClaim(taskId, lease, error);
      throw error;
    }
    if (!result.succeeded) return null;
    if (this.buggify.enabled) {
      // An injected failure here stands for a reply lost after the claim was applied.
      const injected = await this.buggify.point('claim-ack').then(() => false, () => true);
      if (injected) return this.readBackClaim(taskId, lease, new StoreTimeoutError('injected claim reply loss'));
    }
    const props = result.responses[1];
    return this.holdClaim(taskId, result.revision, lease, props?.type === 'get' ? props.kv : null);
  }

  /**
   * Resolves a claim whose outcome is unknown by reading the owner key back: a key on this node's
   * lease is the claim; another node's key means the claim failed. A task still without an owner,
   * or a read that fails, rejects with `ClaimOutcomeUnknownError` so the consumer tries again
   * later, since no watch event would bring the task back.
   */
  private async readBackClaim(taskId: string, lease: string, cause: StoreTimeoutError): Promise<Claim | null> {
    this.logger.warn({ task: taskId }, 'claim outcome unknown; reading owner back');
    let owner;
    try {
      owner = await retryStore(this.clock, () => this.store.get(this.keys.taskOwner(taskId)));
    } catch (error) {
      this.logger.warn({ task: taskId, err: error }, 'reading owner back failed');
      throw new ClaimOutcomeUnknownError(taskId, { cause: error });
    }
    if (owner.kv === null) throw new ClaimOutcomeUnknownError(taskId, { cause });
    if (owner.kv.lease !== lease) return null;
    const props = await retryStore(this.clock, () => this.store.get(this.keys.taskProps(taskId)));
    return this.holdClaim(taskId, owner.kv.createRevision, lease, props.kv);
  }

  private holdClaim(taskId: string, fencingToken: number, lease: string, props: KeyValue | null): Claim | null {
    const entry = this.view.tasks.get(taskId);
    if (this.session.lease !== lease || this.closed) return null;
    if (entry !== undefined && entry.seenAt > fencingToken && entry.owner?.createRevision !== fencingToken) {
      // The watch already saw this claim end (for example by lease expiry) before it resolved.
      return null;
    }
    this.claims.set(taskId, { fencingToken, lease });
    this.handedOut.set(taskId, fencingToken);
    return { task: { id: taskId, props: this.parseProps(taskId, props) }, fencingToken };
  }

  private parseProps(taskId: string, kv: KeyValue | null): unknown {
    if (kv === null) return null;
    try {
      return JSON.parse(kv.value) as unknown;
    } catch {
      this.logger.warn({ task: taskId }, 'task props are not valid JSON; passing null');
      return null;
    }
  }

  /** Reacts to a change of a task's owner key: a claim of ours that ended, or a stray one. */
  private checkOwner(taskId: string, entry: TaskEntry | undefined): void {
    const held = this.claims.get(taskId);
    const owner = entry?.exists === true ? entry.owner : null;
    if (owner !== null && owner.node !== this.node) this.context?.claimedElsewhere?.(taskId);
    if (held !== undefined && owner?.createRevision !== held.fencingToken) {
      // A watch batch delayed from before the claim cannot show that the claim ended.
      if (entry !== undefined && entry.seenAt < held.fencingToken) return;
      this.claims.delete(taskId);
      this.context?.lost(taskId);
      return;
    }
    const lease = this.session.lease;
    const handedOut = this.handedOut.get(taskId) === owner?.createRevision;
    if (owner !== null && owner.lease === lease && held === undefined && !handedOut && !this.claiming.has(taskId)) {
      if (!this.strayClaims.has(taskId)) {
        this.strayClaims.set(taskId, owner.createRevision);
        this.logger.warn({ task: taskId }, 'owner key of this node has no run; deleting it');
        void this.deleteOwnerKey(taskId, owner.createRevision)
          .catch(() => undefined)
          .finally(() => this.strayClaims.delete(taskId));
      }
    }
  }

  private forgetClaim(claim: Claim): void {
    const taskId = claim.task.id;
    if (this.claims.get(taskId)?.fencingToken === claim.fencingToken) this.claims.delete(taskId);
    if (this.handedOut.get(taskId) === claim.fencingToken) this.handedOut.delete(taskId);
  }

  private loseAllClaims(): void {
    const lost = [...this.claims.keys()];
    this.claims.clear();
    for (const taskId of lost) this.context?.lost(taskId);
  }

  /**
   * Deletes the task's owner key if it is still the claim with `fencingToken`. A few quick
   * retries run in line. If they fail, the call rejects and the same guarded delete keeps being
   * retried in the background until it applies, the claim is gone, or the coordinator closes. An
   * owner key that no run uses would otherwise keep the task from running anywhere while this
   * node lives.
   */
  private async deleteOwnerKey(taskId: string, fencingToken: number): Promise<void> {
    const attempt = () =>
      this.store.txn({
        compare: [this.ownerIs(taskId, fencingToken)],
        success: [{ type: 'delete', key: this.keys.taskOwner(taskId) }],
      });
    try {
      const result = await retryStore(this.clock, attempt);
      if (!result.succeeded) this.logger.info({ task: taskId }, 'claim no longer held; nothing to release');
    } catch (error) {
      void this.releaseInBackground(taskId, attempt);
      throw error;
    }
  }

  /**
   * Queues a failed guarded release for the background loop; one loop serves every pending
   * release, so a node cut off with many claims keeps one timer, not one per task.
   */
  private releaseInBackground(taskId: string, attempt: () => Promise<unknown>): void {
    this.logger.warn({ task: taskId }, 'release failed; retrying in the background');
    this.pendingReleases.set(taskId, attempt);
    if (!this.retryingReleases) void this.retryPendingReleases();
  }

  private async retryPendingReleases(): Promise<void> {
    this.retryingReleases = true;
    try {
      await this.retryPendingReleasesUntilDone();
    } finally {
      this.retryingReleases = false;
    }
  }

  private async retryPendingReleasesUntilDone(): Promise<void> {
    let waitMs = 500;
    while (!this.closed && this.pendingReleases.size > 0) {
      await this.clock.sleep(waitMs, this.closing.signal);
      for (const [taskId, attempt] of [...this.pendingReleases]) {
        if (this.closed) return;
        try {
          await attempt();
          this.pendingReleases.delete(taskId);
          this.logger.info({ task: taskId }, 'release applied after retries');
        } catch (error) {
          this.logger.warn({ task: taskId, err: error, waitMs }, 'release failed again');
        }
      }
      waitMs = Math.min(5_000, waitMs * 2);
    }
  }

  private ownerIs(taskId: string, fencingToken: number) {
    return { key: this.keys.taskOwner(taskId), target: 'createRevision', op: '=', value: fencingToken } as const;
  }

  private queueCommand(kv: KeyValue): void {
    this.commandQueue = this.commandQueue.then(() => this.handleCommand(kv));
  }

  /** Deletes a command key, and applies the command only if this call deleted it: at most once. */
  private async handleCommand(kv: KeyValue): Promise<void> {
    if (this.closed) return;
    try {
      const result = await this.store.txn({
        compare: [{ key: kv.key, target: 'modRevision', op: '=', value: kv.modRevision }],
        success: [{ type: 'delete', key: kv.key }],
      });
      if (!result.succeeded) return;
    } catch (error) {
      this.logger.warn({ key: kv.key, err: error }, 'deleting node command failed; it runs after the next listing');
      return;
    }
    try {
      const id = this.keys.parseNodeKey(kv.key)?.commandId ?? kv.key;
      this.context?.command(parseNodeCommand(kv.value), id);
    } catch (error) {
      this.logger.warn({ key: kv.key, value: kv.value.slice(0, 200), err: error }, 'invalid node command deleted');
    }
  }
}
