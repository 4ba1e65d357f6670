import { randomBytes } from 'node:crypto';

import type { Random } from './random.js';
import { SeededRandom } from './seeded-random.js';

/** A Random seeded from the operating system's entropy, for production use. */
export function systemRandom(): Random {
  return new SeededRandom(randomBytes(16).toString('hex'));
}
