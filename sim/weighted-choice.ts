import type { Random } from '../src/runtime/random.js';

/**
 * Picks one of `names` with probability proportional to its weight, from one draw of `random`.
 * Returns `fallback` when every weight is 0.
 */
export function pickWeighted<Name extends string>(
  names: readonly Name[],
  weights: Record<Name, number>,
  random: Random,
  fallback: Name,
): Name {
  const values = names.map((name) => weights[name]);
  const total = values.reduce((sum, weight) => sum + weight, 0);
  let draw = random.float() * total;
  return names.find((_, index) => (draw -= values[index]!) < 0) ?? fallback;
}
