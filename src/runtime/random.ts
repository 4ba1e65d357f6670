/** Randomness as a port, so a simulated run is fixed by its seed. */
export interface Random {
  /** A float in [0, 1). */
  float(): number;

  /** An integer in [0, n). `n` must be a positive integer. */
  int(n: number): number;

  /**
   * An independent stream derived from this stream's seed and `label`. Draws from a fork do not
   * shift the parent's sequence, and the same label always gives the same stream.
   */
  fork(label: string): Random;
}
