import { describe, expect, it } from 'vitest';

import { checkCommandsOnce } from '../../../sim/invariants/commands-once.js';
import { at, context, history } from './history-builder.js';

describe('checkCommandsOnce', () => {
  it('holds when each sent command is applied once', () => {
    const events = history(
      at.commandSent(1_000, 'n1', 'c1', 'freeze'),
      at.commandSent(1_000, 'n2', 'c2', 'balance'),
      at.commandApplied(1_200, 'n1', 'c1', 'freeze'),
      at.commandApplied(1_300, 'n2', 'c2', 'balance'),
      at.commandSent(2_000, 'n1', 'c3', 'unfreeze'),
    );
    const verdict = checkCommandsOnce(events, context());
    expect(verdict.status).toBe('holds');
    expect(verdict.violations).toEqual([]);
  });

  it('breaks on a command applied twice', () => {
    const events = history(
      at.commandSent(1_000, 'n1', 'c1', 'freeze'),
      at.commandApplied(1_200, 'n1', 'c1', 'freeze'),
      at.commandApplied(5_000, 'n1', 'c1', 'freeze'),
    );
    const verdict = checkCommandsOnce(events, context());
    expect(verdict.status).toBe('broken');
    expect(verdict.violations).toEqual([
      'command c1 (freeze) was applied again on n1 at 5000 ms; it was first applied on n1 at 1200 ms',
    ]);
  });

  it('breaks on a command applied on another node', () => {
    const events = history(
      at.commandSent(1_000, 'n1', 'c1', 'balance'),
      at.commandApplied(1_200, 'n2', 'c1', 'balance'),
    );
    expect(checkCommandsOnce(events, context()).violations).toEqual([
      'command c1 (balance) was applied on n2 at 1200 ms, but it was sent only to n1 at 1000 ms, not to n2',
    ]);
  });

  it('breaks on a command never sent', () => {
    const events = history(at.commandApplied(1_200, 'n1', 'c9', 'balance'));
    expect(checkCommandsOnce(events, context()).violations).toEqual([
      'command c9 (balance) was applied on n1 at 1200 ms, but no command with that id was sent before',
    ]);
  });

  it('breaks on a command applied before it was sent', () => {
    const events = history(
      at.commandApplied(1_000, 'n1', 'c1', 'balance'),
      at.commandSent(1_200, 'n1', 'c1', 'balance'),
    );
    expect(checkCommandsOnce(events, context()).status).toBe('broken');
  });
});
