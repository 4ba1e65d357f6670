import { StoreUnavailableError } from '../../src/store/errors.js';
import type { Op, Store, TxnRequest } from '../../src/store/store.js';

/** One call as a fault rule sees it: the method and every key it reads or writes. */
export interface StoreCall {
  method: 'get' | 'range' | 'put' | 'delete' | 'txn';
  keys: string[];
}

/**
 * A Store that passes calls to `inner` unless a rule matches, in which case the call rejects
 * with the rule's error (default `StoreUnavailableError`) and reaches the inner store not at all.
 * It counts the calls the rules rejected, and can run a hook before each call it passes on.
 */
export class FaultyStore implements Store {
  private rules: { matches: (call: StoreCall) => boolean; error: () => Error }[] = [];
  private hook: ((call: StoreCall) => Promise<void>) | undefined;
  rejected = 0;

  constructor(private readonly inner: Store) {}

  /** Rejects every later call that `matches` accepts, until `heal()`. */
  failWhen(matches: (call: StoreCall) => boolean, error: () => Error = () => new StoreUnavailableError('injected')): void {
    this.rules.push({ matches, error });
  }

  heal(): void {
    this.rules = [];
  }

  /** Runs `hook` before each later call reaches the inner store, for example to write first. */
  beforeCall(hook: ((call: StoreCall) => Promise<void>) | undefined): void {
    this.hook = hook;
  }

  get: Store['get'] = (key) => this.pass({ method: 'get', keys: [key] }, () => this.inner.get(key));
  range: Store['range'] = (prefix) => this.pass({ method: 'range', keys: [prefix] }, () => this.inner.range(prefix));
  put: Store['put'] = (key, value, options) =>
    this.pass({ method: 'put', keys: [key] }, () => this.inner.put(key, value, options));
  delete: Store['delete'] = (key) => this.pass({ method: 'delete', keys: [key] }, () => this.inner.delete(key));
  txn: Store['txn'] = (request) => this.pass({ method: 'txn', keys: txnKeys(request) }, () => this.inner.txn(request));
  grantLease: Store['grantLease'] = (ttl) => this.inner.grantLease(ttl);
  keepAliveOnce: Store['keepAliveOnce'] = (lease) => this.inner.keepAliveOnce(lease);
  revokeLease: Store['revokeLease'] = (lease) => this.inner.revokeLease(lease);
  watch: Store['watch'] = (prefix, fromRevision, listener) => this.inner.watch(prefix, fromRevision, listener);
  compact: Store['compact'] = (revision) => this.inner.compact(revision);

  /** Leaves the inner store open, since other nodes share it. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  private pass<T>(call: StoreCall, forward: () => Promise<T>): Promise<T> {
    const rule = this.rules.find((candidate) => candidate.matches(call));
    if (rule === undefined) return this.hook === undefined ? forward() : this.hook(call).then(forward);
    this.rejected++;
    return Promise.reject(rule.error());
  }
}

function txnKeys(request: TxnRequest): string[] {
  const opKey = (op: Op): string => (op.type === 'deletePrefix' || op.type === 'range' ? op.prefix : op.key);
  return [...request.compare.map((compare) => compare.key), ...request.success.map(opKey), ...(request.failure ?? []).map(opKey)];
}
