import { Etcd3 } from 'etcd3';
import type { ILeaseKeepAliveResponse, IOptions } from 'etcd3';

/**
 * Interval and timeout of HTTP/2 pings while a call is open, so a watch on a connection that died
 * without a TCP reset still fails. etcd closes connections that ping more often than its
 * --grpc-keepalive-min-time, 5 s by default (`etcd --help`).
 */
const KEEPALIVE_TIME_MS = 10_000;
const KEEPALIVE_TIMEOUT_MS = 5_000;

type FaultPolicy = NonNullable<NonNullable<IOptions['faultHandling']>['global']>;

/**
 * A cockatiel policy that calls straight through. By default etcd3 retries a failed call up to
 * three times and opens a circuit breaker per host. A retried txn whose first attempt timed out
 * could apply twice, so each call is made once and callers decide about retrying.
 */
class PassThroughPolicy {
  declare readonly _altReturn: never;
  readonly onSuccess = (): { dispose(): void } => ({ dispose: () => undefined });
  readonly onFailure = (): { dispose(): void } => ({ dispose: () => undefined });

  async execute<T>(fn: (context: { signal: AbortSignal }) => PromiseLike<T> | T): Promise<T> {
    return fn({ signal: new AbortController().signal });
  }
}

/**
 * Creates an etcd3 client for `endpoints` with retries and circuit breakers off. Callers use only
 * its raw gRPC clients (`kv`, `leaseClient`, `watchClient`): its Lease and Watcher helpers renew
 * leases and reconnect watches on their own.
 */
export function createEtcdClient(endpoints: string[]): Etcd3 {
  const policy: FaultPolicy = new PassThroughPolicy();
  return new Etcd3({
    hosts: endpoints,
    faultHandling: { host: () => policy, global: policy },
    grpcOptions: {
      'grpc.keepalive_time_ms': KEEPALIVE_TIME_MS,
      'grpc.keepalive_timeout_ms': KEEPALIVE_TIMEOUT_MS,
      // A range over many large values can exceed grpc-js's default 4 MiB receive limit.
      'grpc.max_receive_message_length': -1,
    },
  });
}

/**
 * Renews lease `id` once and resolves with etcd's response. etcd3 offers a single keep-alive only
 * on its self-renewing Lease object, so this opens a keep-alive stream, sends one request and ends
 * the stream after the first response. `options.deadline` bounds the whole exchange.
 */
export async function keepAliveOnce(
  client: Etcd3,
  id: string,
  options: { deadline: number },
): Promise<ILeaseKeepAliveResponse> {
  const stream = await client.leaseClient.leaseKeepAlive(options);
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      action();
    };
    stream.on('data', (response) =>
      settle(() => {
        stream.end();
        resolve(response);
      }),
    );
    // This listener stays after the response, because an unhandled stream error crashes Node.js.
    stream.on('error', (error) => settle(() => reject(error)));
    stream.on('end', () => {
      settle(() => reject(new Error('etcd closed the keep-alive stream before a response')));
    });
    stream.write({ ID: id });
  });
}
