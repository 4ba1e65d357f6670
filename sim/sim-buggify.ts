import type { Buggify, BuggifyPoint } from '../src/runtime/buggify.js';
import type { Clock } from '../src/runtime/clock.js';
import type { Random } from '../src/runtime/random.js';
import { StoreTimeoutError } from '../src/store/errors.js';

export interface BuggifyConfig {
  /** Probability that a point does anything when it is reached. */
  probability: number;
  /** Upper bound of an injected delay, in milliseconds. */
  maxDelayMs: number;
  /** Share of the active points that fail instead of waiting; never for watch events. */
  failureShare: number;
}

/**
 * Injected delays and failures at the runtime's buggify points, drawn from the node's seed. The
 * points act only while `active()` is true: the run switches them off when its faults heal, so the
 * quiet phase sees the runtime as it is.
 */
export class SimBuggify implements Buggify {
  readonly enabled = true;

  constructor(
    private readonly random: Random,
    private readonly clock: Clock,
    private readonly config: BuggifyConfig,
    private readonly active: () => boolean,
  ) {}

  point(name: BuggifyPoint): Promise<void> {
    if (!this.active() || this.random.float() >= this.config.probability) return Promise.resolve();
    if (name !== 'watch-event' && this.random.float() < this.config.failureShare) {
      return Promise.reject(new StoreTimeoutError(`buggify failure at ${name}`));
    }
    return this.clock.sleep(1 + this.random.int(this.config.maxDelayMs));
  }
}
