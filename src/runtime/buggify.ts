/**
 * Named points in runtime code where a simulation may inject a delay or a failure, to reach
 * rare interleavings that plain fault schedules seldom hit. Production code gets `noBuggify`,
 * whose points do nothing and cost one property read.
 */
export type BuggifyPoint =
  /** After a claim transaction succeeded, before the claim is acknowledged to the consumer. */
  | 'claim-ack'
  /** Before a lease renewal is sent. */
  | 'keep-alive'
  /** Between a watch batch arriving and its handling. */
  | 'watch-event';

export interface Buggify {
  /** False for production; callers skip the point entirely then, keeping their timing unchanged. */
  readonly enabled: boolean;

  /**
   * Runs the point: resolves after an injected delay, or rejects with an injected failure that
   * the caller handles like a store timeout.
   */
  point(name: BuggifyPoint): Promise<void>;
}

export const noBuggify: Buggify = {
  enabled: false,
  point: () => Promise.resolve(),
};
