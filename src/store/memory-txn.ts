import { InvalidArgumentError } from '../runtime/errors.js';
import { copyKeyValue, type WriteBatch } from './memory-keyspace.js';
import type { Compare, KeyValue, Op, OpResponse, TxnRequest } from './store.js';

/** Throws `InvalidArgumentError` for an empty key, which etcd rejects. */
export function validateKey(key: string): void {
  if (key.length === 0) {
    throw new InvalidArgumentError('invalid key "": give a non-empty key');
  }
}

/**
 * Returns whether `compare` is true for `kv`, the current record of its key, or undefined when the
 * key does not exist. An absent key has version, createRevision and modRevision 0 and lease null, and
 * fails every value compare, as in etcd.
 */
export function compareHolds(kv: KeyValue | undefined, compare: Compare): boolean {
  switch (compare.target) {
    case 'value':
      if (kv === undefined) return false;
      return compare.op === '=' ? kv.value === compare.value : kv.value !== compare.value;
    case 'lease': {
      const lease = kv?.lease ?? null;
      return compare.op === '=' ? lease === compare.value : lease !== compare.value;
    }
    default:
      return compareNumbers(kv?.[compare.target] ?? 0, compare.op, compare.value);
  }
}

function compareNumbers(actual: number, op: '=' | '!=' | '<' | '>', expected: number): boolean {
  switch (op) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case '<':
      return actual < expected;
    case '>':
      return actual > expected;
  }
}

/**
 * Throws `InvalidArgumentError` when either branch writes one key twice (two puts, or a put and a
 * delete or deletePrefix that covers its key) or names an empty key. etcd rejects both branches
 * up front, before it evaluates the compares; two deletes of one key are allowed.
 */
export function validateTxnRequest(request: TxnRequest): void {
  validateBranch(request.success, 'success');
  validateBranch(request.failure ?? [], 'failure');
}

function validateBranch(ops: Op[], branch: string): void {
  const putKeys = new Set<string>();
  const deletedKeys: string[] = [];
  const deletedPrefixes: string[] = [];
  for (const op of ops) {
    switch (op.type) {
      case 'put':
        validateKey(op.key);
        if (putKeys.has(op.key)) throw duplicateKeyError(op.key, branch);
        putKeys.add(op.key);
        break;
      case 'delete':
        validateKey(op.key);
        deletedKeys.push(op.key);
        break;
      case 'get':
        validateKey(op.key);
        break;
      case 'deletePrefix':
        deletedPrefixes.push(op.prefix);
        break;
      case 'range':
        break;
    }
  }
  for (const key of putKeys) {
    const deleted =
      deletedKeys.includes(key) || deletedPrefixes.some((prefix) => key.startsWith(prefix));
    if (deleted) throw duplicateKeyError(key, branch);
  }
}

function duplicateKeyError(key: string, branch: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `invalid txn: the ${branch} branch writes key ${JSON.stringify(key)} more than once; ` +
      'etcd rejects a txn that puts a key twice or puts and deletes it, so split the writes into two txns',
  );
}

/** Applies one op to `batch`. Returned key-values are copies. */
export function applyOp(batch: WriteBatch, op: Op): OpResponse {
  switch (op.type) {
    case 'put':
      batch.put(op.key, op.value, op.lease ?? null);
      return { type: 'put' };
    case 'delete':
      return { type: 'delete', deleted: batch.delete(op.key) ? 1 : 0 };
    case 'deletePrefix':
      return { type: 'deletePrefix', deleted: batch.deletePrefix(op.prefix) };
    case 'get': {
      const kv = batch.get(op.key);
      return { type: 'get', kv: kv === undefined ? null : copyKeyValue(kv) };
    }
    case 'range':
      return { type: 'range', kvs: batch.range(op.prefix).map(copyKeyValue) };
  }
}
