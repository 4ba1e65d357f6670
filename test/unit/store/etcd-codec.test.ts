import type { IKeyValue, IResponseOp } from 'etcd3';
import { describe, expect, it } from 'vitest';

import { InvalidArgumentError } from '../../../src/runtime/errors.js';
import { StoreError } from '../../../src/store/errors.js';
import {
  decodeKeyValue,
  decodeLease,
  decodeOpResponse,
  decodeWatchEvent,
  encodeCompare,
  encodeLease,
  encodeOp,
  parseInt64,
  prefixRange,
} from '../../../src/store/etcd-codec.js';

function etcdKeyValue(fields: Partial<IKeyValue> = {}): IKeyValue {
  return {
    key: Buffer.from('/k'),
    value: Buffer.from('v'),
    create_revision: '3',
    mod_revision: '5',
    version: '2',
    lease: '0',
    ...fields,
  };
}

describe('parseInt64', () => {
  it('parses a decimal int64 string', () => {
    expect(parseInt64('9007199254740991', 'revision')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('rejects a value above Number.MAX_SAFE_INTEGER, naming it', () => {
    expect(() => parseInt64('9007199254740992', 'revision')).toThrow(StoreError);
    expect(() => parseInt64('9007199254740992', 'revision')).toThrow(/revision 9007199254740992/);
  });

  it('rejects text that is not an integer', () => {
    expect(() => parseInt64('12a', 'version')).toThrow(StoreError);
  });
});

describe('lease ids', () => {
  it('decodes etcd lease 0 as no lease', () => {
    expect(decodeLease('0')).toBeNull();
  });

  it('keeps an id above Number.MAX_SAFE_INTEGER as its exact decimal string', () => {
    expect(decodeLease('7587869813927264781')).toBe('7587869813927264781');
  });

  it('encodes no lease as 0', () => {
    expect(encodeLease(null)).toBe('0');
  });

  it('accepts the largest int64 as an id', () => {
    expect(encodeLease('9223372036854775807')).toBe('9223372036854775807');
  });

  it.each(['9223372036854775808', '-1', '0', '12x', ''])('rejects id %j', (id) => {
    expect(() => encodeLease(id)).toThrow(InvalidArgumentError);
  });
});

describe('prefixRange', () => {
  it('ends the range at the prefix with its last byte incremented', () => {
    const { key, range_end } = prefixRange('/a/');
    expect([key.toString(), range_end.toString()]).toEqual(['/a/', '/a0']);
  });

  it('increments the last UTF-8 byte of a multi-byte character', () => {
    expect(prefixRange('é').range_end).toEqual(Buffer.from([0xc3, 0xaa]));
  });

  it('selects the whole keyspace for an empty prefix', () => {
    expect(prefixRange('')).toEqual({ key: Buffer.from([0]), range_end: Buffer.from([0]) });
  });
});

describe('decodeKeyValue', () => {
  it('converts buffers to strings and int64 strings to numbers', () => {
    const kv = decodeKeyValue(etcdKeyValue({ lease: '7587869813927264781' }));
    expect(kv).toEqual({
      key: '/k',
      value: 'v',
      createRevision: 3,
      modRevision: 5,
      version: 2,
      lease: '7587869813927264781',
    });
  });
});

describe('encodeCompare', () => {
  it('maps a version compare onto target VERSION and result LESS', () => {
    const compare = encodeCompare({ key: '/k', target: 'version', op: '<', value: 2 });
    expect(compare).toEqual({ key: Buffer.from('/k'), target: 0, result: 2, version: 2 });
  });

  it('maps a createRevision compare onto target CREATE', () => {
    const compare = encodeCompare({ key: '/k', target: 'createRevision', op: '=', value: 0 });
    expect(compare).toMatchObject({ target: 1, result: 0, create_revision: 0 });
  });

  it('maps a modRevision compare onto target MOD and result GREATER', () => {
    const compare = encodeCompare({ key: '/k', target: 'modRevision', op: '>', value: 7 });
    expect(compare).toMatchObject({ target: 2, result: 1, mod_revision: 7 });
  });

  it('maps a value compare onto target VALUE and result NOT_EQUAL', () => {
    const compare = encodeCompare({ key: '/k', target: 'value', op: '!=', value: 'x' });
    expect(compare).toMatchObject({ target: 3, result: 3, value: Buffer.from('x') });
  });

  it('compares a null lease as lease 0', () => {
    const compare = encodeCompare({ key: '/k', target: 'lease', op: '=', value: null });
    expect(compare).toMatchObject({ target: 4, lease: '0' });
  });

  it('rejects a fractional revision', () => {
    expect(() => encodeCompare({ key: '/k', target: 'modRevision', op: '=', value: 1.5 })).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('encodeOp', () => {
  it('binds a put to its lease', () => {
    const op = encodeOp({ type: 'put', key: '/k', value: 'v', lease: '42' });
    expect(op.request_put).toEqual({ key: Buffer.from('/k'), value: Buffer.from('v'), lease: '42' });
  });

  it('puts without a lease as lease 0', () => {
    expect(encodeOp({ type: 'put', key: '/k', value: 'v' }).request_put?.lease).toBe('0');
  });

  it('deletes a prefix as the range from the prefix to its successor', () => {
    const op = encodeOp({ type: 'deletePrefix', prefix: '/p/' });
    expect(op.request_delete_range).toEqual({ key: Buffer.from('/p/'), range_end: Buffer.from('/p0') });
  });

  it('reads a single key with no range end', () => {
    expect(encodeOp({ type: 'get', key: '/k' }).request_range).toEqual({ key: Buffer.from('/k') });
  });
});

describe('decodeOpResponse', () => {
  const rangeResponse = (kvs: IKeyValue[]): IResponseOp =>
    ({ response_range: { kvs } }) as unknown as IResponseOp;

  it('gives null for a get of a missing key', () => {
    expect(decodeOpResponse({ type: 'get', key: '/k' }, rangeResponse([]))).toEqual({ type: 'get', kv: null });
  });

  it('gives the deleted count of a deletePrefix', () => {
    const response = { response_delete_range: { deleted: '3' } } as unknown as IResponseOp;
    expect(decodeOpResponse({ type: 'deletePrefix', prefix: '/p/' }, response)).toEqual({
      type: 'deletePrefix',
      deleted: 3,
    });
  });

  it('gives every key-value of a range', () => {
    const response = rangeResponse([etcdKeyValue(), etcdKeyValue({ key: Buffer.from('/l') })]);
    const decoded = decodeOpResponse({ type: 'range', prefix: '/' }, response);
    expect(decoded.type === 'range' ? decoded.kvs.map((kv) => kv.key) : []).toEqual(['/k', '/l']);
  });
});

describe('decodeWatchEvent', () => {
  it('reads type DELETE as a delete', () => {
    const event = decodeWatchEvent({ type: 'DELETE', kv: etcdKeyValue() } as never);
    expect(event.type).toBe('delete');
  });

  it('reads type PUT as a put', () => {
    const event = decodeWatchEvent({ type: 'PUT', kv: etcdKeyValue() } as never);
    expect(event.type).toBe('put');
  });
});
