import seedrandom from 'seedrandom';

import type { Random } from './random.js';

/** A Random on seedrandom's alea generator, fixed by its seed string. */
export class SeededRandom implements Random {
  private readonly generator: seedrandom.PRNG;

  constructor(readonly seed: string) {
    this.generator = seedrandom.alea(seed);
  }

  float(): number {
    return this.generator();
  }

  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) {
      throw new RangeError(`Random.int needs a positive integer bound, got ${n}`);
    }
    return Math.floor(this.generator() * n);
  }

  fork(label: string): Random {
    return new SeededRandom(`${this.seed}/${label}`);
  }
}
