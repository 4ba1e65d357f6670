import { MetaforaError } from '../runtime/errors.js';

/** The base of every failure reported by a Store. */
export class StoreError extends MetaforaError {}

/** The store could not be reached, so the request was certainly not applied. Retryable. */
export class StoreUnavailableError extends StoreError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, retryable: true });
  }
}

/**
 * The request timed out or the connection broke after it was sent, so it may or may not have been
 * applied. Callers must read back to find out. Retryable.
 */
export class StoreTimeoutError extends StoreError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, retryable: true });
  }
}

/** A watch or read asked for a revision older than the store's compacted revision. */
export class CompactedError extends StoreError {
  constructor(
    readonly requestedRevision: number,
    readonly compactRevision: number,
  ) {
    super(
      `revision ${requestedRevision} is compacted (store history starts at ${compactRevision}); ` +
        're-read the current state and watch from its revision',
    );
  }
}

/** The lease does not exist: it expired, was revoked, or was never granted. */
export class LeaseNotFoundError extends StoreError {
  constructor(readonly lease: string) {
    super(`lease ${lease} not found: it expired or was revoked; grant a new lease`);
  }
}

/** The store was closed; no further calls succeed. */
export class StoreClosedError extends StoreError {
  constructor() {
    super('store is closed; create a new store to continue');
  }
}
