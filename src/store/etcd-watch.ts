import type { IDuplexStream, IWatchRequest, IWatchResponse } from 'etcd3';

import { CompactedError, StoreUnavailableError } from './errors.js';
import { decodeWatchEvent, parseInt64, prefixRange } from './etcd-codec.js';
import { withEndpoints } from './etcd-errors.js';
import type { Watch, WatchListener } from './store.js';

export type WatchStream = IDuplexStream<IWatchRequest, IWatchResponse>;

export interface EtcdWatchOptions {
  prefix: string;
  /** First revision to report; 0 means from the next write. */
  fromRevision: number;
  listener: WatchListener;
  /** The store's endpoints, for error messages. */
  endpoints: string;
  /** Turns a stream failure into the error handed to the listener or to `created`'s rejection. */
  describeFailure: (cause: unknown) => Error;
  /** Called once when the watch ends, for any reason. */
  onEnd: () => void;
}

/**
 * One etcd watch on its own gRPC stream. Unlike etcd3's Watcher, it never reconnects: a broken
 * stream ends the watch with `onError`, so the caller sees the gap and re-reads before watching
 * again. Each etcd watch response with events becomes one `onEvents` call. Because fragmenting is
 * not requested, etcd sends all events of a revision in one response, sometimes with later ones.
 */
export class EtcdWatch implements Watch {
  /** Resolves when etcd confirms the watch; rejects if the stream fails before that. */
  readonly created: Promise<void>;
  private state: 'creating' | 'active' | 'ended' = 'creating';
  private resolveCreated!: () => void;
  private rejectCreated!: (error: Error) => void;

  constructor(
    private readonly stream: WatchStream,
    private readonly options: EtcdWatchOptions,
  ) {
    this.created = new Promise<void>((resolve, reject) => {
      this.resolveCreated = resolve;
      this.rejectCreated = reject;
    });
    // The error listener stays for the stream's whole life. grpc-js reports a cancel from this
    // side as an error too, and an error event without a listener crashes the process.
    stream.on('data', (response) => this.onResponse(response));
    stream.on('error', (error) => this.fail(options.describeFailure(error)));
    stream.on('end', () => this.fail(options.describeFailure(new Error('etcd closed the watch stream'))));
    const range = prefixRange(options.prefix);
    stream.write({
      create_request: {
        ...range,
        ...(options.fromRevision > 0 ? { start_revision: options.fromRevision } : {}),
      },
    });
  }

  cancel(): void {
    if (this.state === 'ended') return;
    const wasCreating = this.state === 'creating';
    this.finish();
    if (wasCreating) {
      this.rejectCreated(
        withEndpoints(new StoreUnavailableError('watch cancelled before etcd created it'), this.endpoints),
      );
    }
  }

  /**
   * Ends the watch with `error`: rejects `created` if etcd has not confirmed it yet, otherwise
   * reports it through `onError`. Does nothing once the watch has ended.
   */
  fail(error: Error): void {
    if (this.state === 'ended') return;
    const wasCreating = this.state === 'creating';
    this.finish();
    if (wasCreating) this.rejectCreated(error);
    else this.options.listener.onError(error);
  }

  private onResponse(response: IWatchResponse): void {
    if (this.state === 'ended') return;
    if (response.created) {
      if (this.state === 'creating') {
        this.state = 'active';
        this.resolveCreated();
      }
      if (!response.canceled) return;
    }
    if (response.canceled) {
      this.fail(this.cancellationError(response));
      return;
    }
    if (this.state !== 'active' || response.events.length === 0) return;
    this.deliver(response);
  }

  private deliver(response: IWatchResponse): void {
    try {
      this.options.listener.onEvents(response.events.map(decodeWatchEvent));
    } catch (error) {
      // An exception thrown into grpc-js's event handling would break the stream, so report it here.
      this.fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private cancellationError(response: IWatchResponse): Error {
    const compactRevision = parseInt64(response.compact_revision, 'compact_revision');
    if (compactRevision > 0) {
      const error = new CompactedError(this.options.fromRevision, compactRevision);
      return withEndpoints(error, this.endpoints);
    }
    const reason = response.cancel_reason === '' ? 'no reason given' : response.cancel_reason;
    return this.options.describeFailure(new Error(`etcd cancelled the watch: ${reason}`));
  }

  private get endpoints(): string {
    return this.options.endpoints;
  }

  private finish(): void {
    this.state = 'ended';
    // Ending this side first makes etcd3 see the stream as not writable, so it does not count the
    // cancel below as a host failure and reset the client's other connections.
    this.stream.end();
    this.stream.cancel();
    this.options.onEnd();
  }
}
