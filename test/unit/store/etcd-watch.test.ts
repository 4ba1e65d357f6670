import { EventEmitter } from 'node:events';

import type { IEvent, IWatchRequest, IWatchResponse } from 'etcd3';
import { describe, expect, it } from 'vitest';

import { CompactedError, StoreUnavailableError } from '../../../src/store/errors.js';
import { EtcdWatch, type WatchStream } from '../../../src/store/etcd-watch.js';
import type { WatchEvent, WatchListener } from '../../../src/store/store.js';

/** A listener that records every call. */
class Recorder implements WatchListener {
  readonly batches: WatchEvent[][] = [];
  readonly errors: Error[] = [];

  onEvents(events: WatchEvent[]): void {
    this.batches.push(events);
  }

  onError(error: Error): void {
    this.errors.push(error);
  }
}

/** A watch stream that records what is written and lets the test play etcd's side. */
class FakeWatchStream extends EventEmitter {
  readonly written: IWatchRequest[] = [];
  /** The `end` and `cancel` calls, in order. */
  readonly closing: string[] = [];

  write(request: IWatchRequest): void {
    this.written.push(request);
  }

  end(): void {
    this.closing.push('end');
  }

  cancel(): void {
    this.closing.push('cancel');
  }

  respond(fields: Partial<IWatchResponse>): void {
    this.emit('data', {
      header: { cluster_id: '1', member_id: '1', revision: '10', raft_term: '2' },
      watch_id: '0',
      created: false,
      canceled: false,
      compact_revision: '0',
      cancel_reason: '',
      fragment: false,
      events: [],
      ...fields,
    });
  }
}

function putEvent(key: string, revision: number): IEvent {
  const kv = {
    key: Buffer.from(key),
    value: Buffer.from('v'),
    create_revision: String(revision),
    mod_revision: String(revision),
    version: '1',
    lease: '0',
  };
  return { type: 'PUT', kv } as unknown as IEvent;
}

interface Opened {
  stream: FakeWatchStream;
  recorder: Recorder;
  watch: EtcdWatch;
  ends: number[];
}

function openWatch(fromRevision = 0): Opened {
  const stream = new FakeWatchStream();
  const recorder = new Recorder();
  const ends: number[] = [];
  const watch = new EtcdWatch(stream as unknown as WatchStream, {
    prefix: '/p/',
    fromRevision,
    listener: recorder,
    endpoints: 'http://127.0.0.1:2379',
    describeFailure: (cause) => new StoreUnavailableError(`broken: ${(cause as Error).message}`),
    onEnd: () => ends.push(1),
  });
  return { stream, recorder, watch, ends };
}

describe('EtcdWatch', () => {
  it('asks etcd for the prefix range from the start revision', () => {
    const { stream } = openWatch(7);
    expect(stream.written).toEqual([
      { create_request: { key: Buffer.from('/p/'), range_end: Buffer.from('/p0'), start_revision: 7 } },
    ]);
  });

  it('leaves the start revision out for revision 0', () => {
    const { stream } = openWatch(0);
    expect(stream.written[0]?.create_request).not.toHaveProperty('start_revision');
  });

  it('resolves created when etcd confirms the watch', async () => {
    const { stream, watch } = openWatch();
    stream.respond({ created: true });
    await expect(watch.created).resolves.toBeUndefined();
  });

  it('rejects created when the stream fails first', async () => {
    const { stream, watch } = openWatch();
    stream.emit('error', new Error('connect ECONNREFUSED'));
    await expect(watch.created).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('makes one onEvents call per etcd response', () => {
    const { stream, recorder } = openWatch();
    stream.respond({ created: true });
    stream.respond({ events: [putEvent('/p/a', 11), putEvent('/p/b', 11)] });
    stream.respond({ events: [putEvent('/p/c', 12)] });
    expect(recorder.batches.map((batch) => batch.map((event) => event.kv.key))).toEqual([
      ['/p/a', '/p/b'],
      ['/p/c'],
    ]);
  });

  it('skips responses without events', () => {
    const { stream, recorder } = openWatch();
    stream.respond({ created: true });
    stream.respond({ events: [] });
    expect(recorder.batches).toEqual([]);
  });

  it('ends with CompactedError when etcd cancels for compaction', () => {
    const { stream, recorder } = openWatch(3);
    stream.respond({ created: true });
    stream.respond({ canceled: true, compact_revision: '8' });
    expect(recorder.errors).toEqual([expect.any(CompactedError)]);
    expect(recorder.errors[0]).toMatchObject({ requestedRevision: 3, compactRevision: 8 });
  });

  it('reports a broken stream once', () => {
    const { stream, recorder, ends } = openWatch();
    stream.respond({ created: true });
    stream.emit('error', new Error('Connection dropped'));
    stream.emit('end');
    expect(recorder.errors).toEqual([expect.any(StoreUnavailableError)]);
    expect(stream.closing).toContain('cancel');
    expect(ends).toHaveLength(1);
  });

  it('treats a stream that etcd ends as broken', () => {
    const { stream, recorder } = openWatch();
    stream.respond({ created: true });
    stream.emit('end');
    expect(recorder.errors).toEqual([expect.any(StoreUnavailableError)]);
  });

  it('calls no listener after cancel', () => {
    const { stream, recorder, watch } = openWatch();
    stream.respond({ created: true });
    watch.cancel();
    stream.respond({ events: [putEvent('/p/a', 11)] });
    stream.emit('error', new Error('1 CANCELLED: Cancelled on client'));
    expect(recorder.batches).toEqual([]);
    expect(recorder.errors).toEqual([]);
  });

  it('ends its side of the stream before cancelling it', () => {
    const { stream, watch } = openWatch();
    stream.respond({ created: true });
    watch.cancel();
    expect(stream.closing).toEqual(['end', 'cancel']);
  });

  it('cancels idempotently', () => {
    const { stream, watch, ends } = openWatch();
    stream.respond({ created: true });
    watch.cancel();
    watch.cancel();
    expect(ends).toEqual([1]);
  });

  it('ends with the error a listener throws', () => {
    const { stream, recorder } = openWatch();
    const failure = new Error('listener failed');
    recorder.onEvents = () => {
      throw failure;
    };
    stream.respond({ created: true });
    stream.respond({ events: [putEvent('/p/a', 11)] });
    stream.respond({ events: [putEvent('/p/b', 12)] });
    expect(recorder.errors).toEqual([failure]);
  });
});
