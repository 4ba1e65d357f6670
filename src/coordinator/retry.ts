import type { Clock } from '../runtime/clock.js';
import { MetaforaError } from '../runtime/errors.js';

/**
 * Calls `operation` until it succeeds, it throws an error that is not retryable, or `attempts`
 * calls failed; waits `delayMs` times the attempt number between calls. Only use it for
 * operations that are safe to repeat, such as transactions guarded by a compare.
 */
export async function retryStore<T>(
  clock: Clock,
  operation: () => Promise<T>,
  options: { attempts?: number; delayMs?: number; signal?: AbortSignal } = {},
): Promise<T> {
  const attempts = options.attempts ?? 3;
  const delayMs = options.delayMs ?? 200;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const retryable = error instanceof MetaforaError && error.retryable;
      if (!retryable || attempt >= attempts || options.signal?.aborted === true) throw error;
      await clock.sleep(delayMs * attempt, options.signal);
    }
  }
}
