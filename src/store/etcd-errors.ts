import {
  ClientClosedError,
  EtcdError,
  EtcdLeaseInvalidError,
  GRPCInvalidArgumentError,
  GRPCOutOfRangeError,
  isRecoverableError,
} from 'etcd3';

import { InvalidArgumentError, MetaforaError } from '../runtime/errors.js';
import {
  LeaseNotFoundError,
  StoreClosedError,
  StoreError,
  StoreTimeoutError,
  StoreUnavailableError,
} from './errors.js';

/**
 * The outcome of a failed etcd call, as far as its error shows:
 * - `not-sent`: it never reached a server, so it was not applied;
 * - `unknown-outcome`: it may have been applied (deadline passed or connection lost after sending);
 * - `lease-not-found`, `compacted`, `future-revision`: etcd refused it for that reason;
 * - `invalid-argument`: etcd refused the request's values;
 * - `rejected`: etcd refused it for another reason a retry does not fix (auth, permissions);
 * - `closed`: the client was closed.
 */
export type FailureKind =
  | 'not-sent'
  | 'unknown-outcome'
  | 'lease-not-found'
  | 'compacted'
  | 'future-revision'
  | 'invalid-argument'
  | 'rejected'
  | 'closed';

/**
 * Error details of calls that failed before any server processed them. From grpc-js: no connection
 * to pick, a closed channel, a deadline passed while resolving or picking a connection, and
 * REFUSED_STREAM, which HTTP/2 defines as unprocessed. From etcd: "no leader" and "too many
 * requests", returned before the request is proposed to raft.
 */
const NOT_SENT_DETAILS = [
  'No connection established',
  'Channel has been shut down',
  'Waiting for LB pick',
  'waiting for name resolution',
  'waiting for metadata filters',
  'Stream refused by server',
  'etcdserver: no leader',
  'etcdserver: too many requests',
];

/** Classifies an error from an etcd3 call. An error it does not recognise is `unknown-outcome`. */
export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof ClientClosedError) return 'closed';
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof EtcdLeaseInvalidError || message.includes('requested lease not found')) {
    return 'lease-not-found';
  }
  if (message.includes('required revision has been compacted')) return 'compacted';
  if (message.includes('required revision is a future revision')) return 'future-revision';
  if (NOT_SENT_DETAILS.some((detail) => message.includes(detail))) return 'not-sent';
  if (error instanceof GRPCInvalidArgumentError || error instanceof GRPCOutOfRangeError) {
    return 'invalid-argument';
  }
  // etcd3 marks deadline, unavailable, cancelled, internal, unknown, aborted and resource-exhausted
  // failures as recoverable. Past the checks above, the request may have reached the server.
  if (error instanceof Error && isRecoverableError(error)) return 'unknown-outcome';
  if (error instanceof EtcdError || /^\d+ [A-Z_]+: /.test(message)) return 'rejected';
  return 'unknown-outcome';
}

export interface FailureContext {
  /** The endpoints of the store, as shown in messages. */
  endpoints: string;
  /** The request, for example `put /metafora/tasks/a`. */
  operation: string;
  /** The lease the request named, for `LeaseNotFoundError`. */
  lease?: string;
}

/**
 * Turns a failed etcd3 call into the Store port's error. Errors of this library pass through
 * unchanged. Every message names the endpoints.
 */
export function translateFailure(error: unknown, context: FailureContext): Error {
  if (error instanceof MetaforaError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  const where = `etcd at ${context.endpoints}`;
  const options = { cause: error };
  switch (classifyFailure(error)) {
    case 'closed':
      return withEndpoints(new StoreClosedError(), context.endpoints);
    case 'lease-not-found':
      return withEndpoints(new LeaseNotFoundError(context.lease ?? 'unknown'), context.endpoints);
    case 'not-sent':
      return new StoreUnavailableError(
        `${where} unavailable for ${context.operation}: ${detail}; ` +
          'check that etcd runs there and is reachable',
        options,
      );
    case 'unknown-outcome':
      return new StoreTimeoutError(
        `${where} failed during ${context.operation} after the request was sent (${detail}); ` +
          'it may or may not have been applied, read back before retrying',
        options,
      );
    case 'compacted':
    case 'future-revision':
    case 'invalid-argument':
      return new InvalidArgumentError(`${where} rejected ${context.operation}: ${detail}`, options);
    case 'rejected':
      return new StoreError(
        `${where} rejected ${context.operation}: ${detail}; check the credentials and etcd's configuration`,
        options,
      );
  }
}

/** Appends the endpoints to the fixed message of a shared error class. */
export function withEndpoints<T extends Error>(error: T, endpoints: string): T {
  error.message = `${error.message} (etcd at ${endpoints})`;
  return error;
}
