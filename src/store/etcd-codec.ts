import type { ICompare, IEvent, IKeyValue, IRequestOp, IResponseOp } from 'etcd3';

import { InvalidArgumentError } from '../runtime/errors.js';
import { StoreError } from './errors.js';
import type { Compare, KeyValue, LeaseId, Op, OpResponse, WatchEvent } from './store.js';

/**
 * Conversions between the Store port's values and the messages of etcd's v3 gRPC API as etcd3
 * decodes them: keys and values as Buffers, int64 fields as decimal strings, enums by name.
 */

/** The largest int64, the range of etcd lease ids. */
const MAX_INT64 = 2n ** 63n - 1n;

/** etcd's CompareTarget enum (rpc.proto). */
const COMPARE_TARGET = { version: 0, createRevision: 1, modRevision: 2, value: 3, lease: 4 } as const;

/** etcd's CompareResult enum (rpc.proto). */
const COMPARE_RESULT = { '=': 0, '>': 1, '<': 2, '!=': 3 } as const;

/** The single byte etcd reads as "no bound" in a key or range end. */
const ZERO_KEY = Buffer.from([0]);

/**
 * Parses an int64 that etcd sent as a decimal string (a revision, version or TTL). Throws
 * `StoreError` when it does not fit a JavaScript number exactly.
 */
export function parseInt64(text: string, field: string): number {
  if (!/^-?\d+$/.test(text)) {
    throw new StoreError(`etcd sent ${field} ${JSON.stringify(text)}, which is not an integer`);
  }
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new StoreError(
      `etcd sent ${field} ${text}, beyond Number.MAX_SAFE_INTEGER (${Number.MAX_SAFE_INTEGER}); ` +
        'this store cannot represent it exactly',
    );
  }
  return value;
}

/** Decodes a lease id from etcd, where `'0'` means no lease. */
export function decodeLease(text: string): LeaseId | null {
  return text === '0' || text === '' ? null : text;
}

/**
 * Encodes a lease id for etcd, null as `'0'` (no lease). Throws `InvalidArgumentError` unless the
 * id is a positive int64 in decimal, as `grantLease` returns them.
 */
export function encodeLease(lease: LeaseId | null): string {
  if (lease === null) return '0';
  if (!/^[1-9]\d{0,18}$/.test(lease) || BigInt(lease) > MAX_INT64) {
    throw new InvalidArgumentError(
      `invalid lease id ${JSON.stringify(lease)}: ` +
        'use an id returned by grantLease (a positive int64 in decimal)',
    );
  }
  return lease;
}

/** Throws `InvalidArgumentError` unless `value` is a safe integer of at least `min`. */
export function checkInteger(value: number, name: string, min = 0): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(`invalid ${name} ${value}: use an integer of at least ${min}`);
  }
  return value;
}

export function encodeKey(key: string): Buffer {
  return Buffer.from(key, 'utf8');
}

/**
 * Returns the [key, range_end) pair that selects every key starting with `prefix`. range_end is
 * the prefix with its last byte below 0xff incremented and the bytes after it dropped. A prefix
 * with no such byte (empty, or all 0xff) gets range_end `\0`, which etcd reads as "to the end of
 * the keyspace". An empty prefix also starts at `\0`, the first key, because etcd rejects an
 * empty key.
 */
export function prefixRange(prefix: string): { key: Buffer; range_end: Buffer } {
  const key = encodeKey(prefix);
  for (let index = key.length - 1; index >= 0; index--) {
    const byte = key[index] as number;
    if (byte < 0xff) {
      const end = Buffer.from(key.subarray(0, index + 1));
      end[index] = byte + 1;
      return { key, range_end: end };
    }
  }
  return { key: key.length === 0 ? ZERO_KEY : key, range_end: ZERO_KEY };
}

export function decodeKeyValue(kv: IKeyValue): KeyValue {
  return {
    key: kv.key.toString('utf8'),
    value: kv.value.toString('utf8'),
    createRevision: parseInt64(kv.create_revision, 'create_revision'),
    modRevision: parseInt64(kv.mod_revision, 'mod_revision'),
    version: parseInt64(kv.version, 'version'),
    lease: decodeLease(kv.lease),
  };
}

/**
 * Encodes a compare. etcd, like the port, compares a missing key as version, revisions and lease 0
 * and value "".
 */
export function encodeCompare(compare: Compare): ICompare {
  const base = { key: encodeKey(compare.key), result: COMPARE_RESULT[compare.op] };
  switch (compare.target) {
    case 'version':
      return {
        ...base,
        target: COMPARE_TARGET.version,
        version: checkInteger(compare.value, 'compare version'),
      };
    case 'createRevision':
      return {
        ...base,
        target: COMPARE_TARGET.createRevision,
        create_revision: checkInteger(compare.value, 'compare createRevision'),
      };
    case 'modRevision':
      return {
        ...base,
        target: COMPARE_TARGET.modRevision,
        mod_revision: checkInteger(compare.value, 'compare modRevision'),
      };
    case 'value':
      return { ...base, target: COMPARE_TARGET.value, value: Buffer.from(compare.value, 'utf8') };
    case 'lease':
      return { ...base, target: COMPARE_TARGET.lease, lease: encodeLease(compare.value) };
  }
}

export function encodeOp(op: Op): IRequestOp {
  switch (op.type) {
    case 'put':
      return {
        request_put: {
          key: encodeKey(op.key),
          value: Buffer.from(op.value, 'utf8'),
          lease: encodeLease(op.lease ?? null),
        },
      };
    case 'delete':
      return { request_delete_range: { key: encodeKey(op.key) } };
    case 'deletePrefix':
      return { request_delete_range: prefixRange(op.prefix) };
    case 'get':
      return { request_range: { key: encodeKey(op.key) } };
    case 'range':
      return { request_range: prefixRange(op.prefix) };
  }
}

/** Decodes etcd's response to `op`, one of the ops of a transaction branch. */
export function decodeOpResponse(op: Op, response: IResponseOp): OpResponse {
  switch (op.type) {
    case 'put':
      return { type: 'put' };
    case 'delete':
    case 'deletePrefix':
      return {
        type: op.type,
        deleted: parseInt64(response.response_delete_range.deleted, 'deleted'),
      };
    case 'get': {
      const kv = response.response_range.kvs[0];
      return { type: 'get', kv: kv === undefined ? null : decodeKeyValue(kv) };
    }
    case 'range':
      return { type: 'range', kvs: response.response_range.kvs.map(decodeKeyValue) };
  }
}

/**
 * Decodes a watch event. For a delete, etcd sends only the key and the delete's revision in `kv`,
 * so the other fields decode as zero, empty or null.
 */
export function decodeWatchEvent(event: IEvent): WatchEvent {
  return {
    type: isDelete(event.type) ? 'delete' : 'put',
    kv: decodeKeyValue(event.kv),
  };
}

/** Tests for a delete: etcd3 decodes enums by name ("DELETE", although typed "Delete"), 1 is the number. */
function isDelete(type: unknown): boolean {
  return type === 1 || String(type).toUpperCase() === 'DELETE';
}
