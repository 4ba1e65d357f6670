import { describe, expect, it } from 'vitest';

import { exitCodeOf } from '../../../src/cli/cli-errors.js';
import { formatStoredState, StoredStateError } from '../../../src/cli/state-text.js';

const UNTIL = '2030-01-02T03:04:05.000Z';

describe('formatStoredState', () => {
  it('says when no state is stored', () => {
    expect(formatStoredState('a', null, false)).toBe('no state stored for a\n');
    expect(formatStoredState('a', null, true)).toBe('null\n');
  });

  it('prints the wake-up time and the errors', () => {
    const raw = JSON.stringify({ state: 'sleeping', until: UNTIL, errors: [{ time: UNTIL, error: 'disk full' }] });

    expect(formatStoredState('a', raw, false)).toBe(
      `a: sleeping until ${UNTIL}\n` + 'errors (1, oldest first):\n' + `  ${UNTIL}  "disk full"\n`,
    );
  });

  it('prints the stored form as JSON', () => {
    const raw = JSON.stringify({ state: 'sleeping', until: Date.parse(UNTIL) });

    expect(JSON.parse(formatStoredState('a', raw, true))).toEqual({ state: 'sleeping', until: UNTIL });
  });

  it('reports an invalid state with its raw value and exit code 1', () => {
    let caught: unknown;
    try {
      formatStoredState('a', '{"state":"bogus"}', false);
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(StoredStateError);
    expect((caught as Error).message).toBe(
      'invalid stored state of task "a": "state" must be one of runnable, sleeping, paused, fault, ' +
        'completed, failed, killed; stored value "{\\"state\\":\\"bogus\\"}"; ' +
        'overwrite it with metafora ctl state a --set runnable',
    );
    expect(exitCodeOf(caught)).toBe(1);
  });
});
