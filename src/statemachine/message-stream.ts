import type { Message } from './message.js';

/**
 * The messages of one stateful handler run: an async iterable that every iterator reads from the
 * first message, and a signal that aborts at the first message other than `checkpoint`.
 */
export class MessageStream implements AsyncIterable<Message> {
  private readonly controller = new AbortController();
  private readonly received: Message[] = [];
  private wakeUps: (() => void)[] = [];
  private closed = false;

  /** Aborts at the first pushed message other than `checkpoint`, with that message as reason. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  push(message: Message): void {
    if (this.closed) return;
    this.received.push(message);
    if (message.type !== 'checkpoint' && !this.controller.signal.aborted) this.controller.abort(message);
    this.wake();
  }

  /** Ends every iteration once it has read the messages pushed so far. */
  close(): void {
    this.closed = true;
    this.wake();
  }

  [Symbol.asyncIterator](): AsyncIterator<Message> {
    let index = 0;
    let stopped = false;
    return {
      next: async (): Promise<IteratorResult<Message>> => {
        while (!stopped && index >= this.received.length && !this.closed) {
          await new Promise<void>((resolve) => this.wakeUps.push(resolve));
        }
        const message = stopped ? undefined : this.received[index];
        if (message === undefined) return { done: true, value: undefined };
        index++;
        return { done: false, value: message };
      },
      return: (): Promise<IteratorResult<Message>> => {
        stopped = true;
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }

  private wake(): void {
    const wakeUps = this.wakeUps;
    this.wakeUps = [];
    for (const wakeUp of wakeUps) wakeUp();
  }
}
