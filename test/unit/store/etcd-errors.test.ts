import { castGrpcError, ClientClosedError } from 'etcd3';
import { describe, expect, it } from 'vitest';

import { InvalidArgumentError } from '../../../src/runtime/errors.js';
import {
  LeaseNotFoundError,
  StoreClosedError,
  StoreError,
  StoreTimeoutError,
  StoreUnavailableError,
} from '../../../src/store/errors.js';
import { translateFailure } from '../../../src/store/etcd-errors.js';

const ENDPOINT = 'http://127.0.0.1:2379';
const context = { endpoints: ENDPOINT, operation: 'put /k', lease: '42' };

/** Builds a grpc-js style error and casts it as etcd3's calls do. */
function grpcError(code: number, message: string): Error {
  return castGrpcError(Object.assign(new Error(message), { code }));
}

function translate(code: number, message: string): Error {
  return translateFailure(grpcError(code, message), context);
}

describe('translateFailure', () => {
  it('refused connection is unavailable, naming the endpoint', () => {
    const error = translate(
      14,
      '14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:2379',
    );
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error.message).toContain(ENDPOINT);
  });

  it('dropped connection is a timeout', () => {
    expect(translate(14, '14 UNAVAILABLE: Connection dropped')).toBeInstanceOf(StoreTimeoutError);
  });

  it('deadline after sending is a timeout', () => {
    const error = translate(
      4,
      '4 DEADLINE_EXCEEDED: Deadline exceeded after 5.001s,LB pick: 0.001s,remote_addr=127.0.0.1:2379',
    );
    expect(error).toBeInstanceOf(StoreTimeoutError);
  });

  it('deadline before sending is unavailable', () => {
    const error = translate(4, '4 DEADLINE_EXCEEDED: Deadline exceeded after 5.001s,Waiting for LB pick');
    expect(error).toBeInstanceOf(StoreUnavailableError);
  });

  it('no leader is unavailable', () => {
    expect(translate(14, '14 UNAVAILABLE: etcdserver: no leader')).toBeInstanceOf(StoreUnavailableError);
  });

  it('server-side request timeout is a timeout', () => {
    expect(translate(14, '14 UNAVAILABLE: etcdserver: request timed out')).toBeInstanceOf(StoreTimeoutError);
  });

  it('missing lease is LeaseNotFoundError for that lease', () => {
    const error = translate(5, '5 NOT_FOUND: etcdserver: requested lease not found');
    expect(error).toBeInstanceOf(LeaseNotFoundError);
    expect(error).toMatchObject({ lease: '42' });
  });

  it('future compact revision is an invalid argument', () => {
    const error = translate(11, '11 OUT_OF_RANGE: etcdserver: mvcc: required revision is a future revision');
    expect(error).toBeInstanceOf(InvalidArgumentError);
  });

  it('duplicate txn key is an invalid argument', () => {
    const error = translate(3, '3 INVALID_ARGUMENT: etcdserver: duplicate key given in txn request');
    expect(error).toBeInstanceOf(InvalidArgumentError);
  });

  it('permission failure is not retryable', () => {
    const error = translate(7, '7 PERMISSION_DENIED: etcdserver: permission denied');
    expect(error).toMatchObject({ name: 'StoreError', retryable: false });
  });

  it('closed etcd3 client is StoreClosedError', () => {
    expect(translateFailure(new ClientClosedError('KV'), context)).toBeInstanceOf(StoreClosedError);
  });

  it('unrecognised failure is a timeout', () => {
    expect(translateFailure(new Error('something odd'), context)).toBeInstanceOf(StoreTimeoutError);
  });

  it('passes own errors through unchanged', () => {
    const original = new StoreError('already translated');
    expect(translateFailure(original, context)).toBe(original);
  });
});
