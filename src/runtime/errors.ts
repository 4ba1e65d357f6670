/**
 * The base of every error this library throws. `retryable` tells whether the same call may
 * succeed if made again later, with no change by the caller.
 */
export class MetaforaError extends Error {
  readonly retryable: boolean;

  constructor(message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retryable = options.retryable ?? false;
  }
}

/** A value given by a caller or user is invalid; the message names the value and the fix. */
export class InvalidArgumentError extends MetaforaError {}

/** A call came while the object was in a state that does not allow it. */
export class InvalidStateError extends MetaforaError {}
