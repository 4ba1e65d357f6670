import { describe, expect, it } from 'vitest';

import { checkFencedEffects } from '../../../sim/invariants/fenced-effects.js';
import { at, context, history } from './history-builder.js';

describe('checkFencedEffects', () => {
  it('holds when older tokens are rejected', () => {
    const events = history(
      at.claim(1_000, 'n1', 't1', 5),
      at.effect(2_000, 'n1', 't1', 5, true),
      at.effect(3_000, 'n1', 't1', 5, true),
      at.claim(4_000, 'n2', 't1', 9),
      at.effect(5_000, 'n2', 't1', 9, true),
      at.effect(6_000, 'n1', 't1', 5, false),
    );
    const verdict = checkFencedEffects(events, context());
    expect(verdict.status).toBe('holds');
    expect(verdict.violations).toEqual([]);
  });

  it('breaks when an older token is accepted', () => {
    const events = history(
      at.claim(1_000, 'n1', 't1', 5),
      at.claim(4_000, 'n2', 't1', 9),
      at.effect(5_000, 'n2', 't1', 9, true),
      at.effect(6_000, 'n1', 't1', 5, true),
    );
    const verdict = checkFencedEffects(events, context());
    expect(verdict.status).toBe('broken');
    expect(verdict.violations).toEqual([
      'register accepted token 5 for task t1 from n1 at 6000 ms after it had accepted token 9 from n2 at 5000 ms',
    ]);
  });

  it('compares with the highest token so far', () => {
    const events = history(
      at.claim(1_000, 'n1', 't1', 5),
      at.claim(2_000, 'n2', 't1', 9),
      at.claim(3_000, 'n3', 't1', 7),
      at.effect(4_000, 'n2', 't1', 9, true),
      at.effect(5_000, 'n3', 't1', 7, true),
      at.effect(6_000, 'n1', 't1', 5, true),
    );
    const verdict = checkFencedEffects(events, context());
    expect(verdict.violations).toHaveLength(2);
    expect(verdict.violations[1]).toContain('after it had accepted token 9 from n2 at 4000 ms');
  });

  it('keeps tokens of different tasks apart', () => {
    const events = history(
      at.claim(1_000, 'n1', 't1', 9),
      at.claim(1_000, 'n1', 't2', 5),
      at.effect(2_000, 'n1', 't1', 9, true),
      at.effect(3_000, 'n1', 't2', 5, true),
    );
    expect(checkFencedEffects(events, context()).status).toBe('holds');
  });

  it('breaks on a token the node never claimed with', () => {
    const events = history(at.claim(1_000, 'n1', 't1', 5), at.effect(2_000, 'n2', 't1', 5, true));
    const verdict = checkFencedEffects(events, context());
    expect(verdict.status).toBe('broken');
    expect(verdict.violations).toEqual([
      'register accepted token 5 for task t1 from n2 at 2000 ms, ' +
        'but no claim of t1 by n2 had that token (n2 never claimed it before)',
    ]);
  });

  it('names the tokens the node did claim with', () => {
    const events = history(
      at.claim(1_000, 'n1', 't1', 5),
      at.claim(3_000, 'n1', 't1', 8),
      at.effect(4_000, 'n1', 't1', 6, true),
    );
    expect(checkFencedEffects(events, context()).violations).toEqual([
      'register accepted token 6 for task t1 from n1 at 4000 ms, ' +
        'but no claim of t1 by n1 had that token (its claims had tokens 5, 8)',
    ]);
  });

  it('breaks on an effect before its claim', () => {
    const events = history(at.effect(1_000, 'n1', 't1', 5, true), at.claim(2_000, 'n1', 't1', 5));
    expect(checkFencedEffects(events, context()).status).toBe('broken');
  });
});
