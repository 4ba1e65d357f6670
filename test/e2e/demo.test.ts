import { describe, expect, it } from 'vitest';

import { runBuiltCli } from '../support/built-cli.js';

describe('metafora demo', () => {
  it('moves the crashed node tasks and ends by itself', async () => {
    const result = await runBuiltCli(['demo'], { timeoutMs: 60_000 });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('beta crashed with');
    expect(result.stdout).toContain('delta joined');
    expect(result.stdout).toMatch(/summary: \d+ tasks done, 0 unowned at the end, 0 times a task ran on two nodes at once/);
    expect(result.code).toBe(0);
  }, 70_000);

  it('rejects arguments', async () => {
    const result = await runBuiltCli(['demo', '--fast']);
    expect(result.stderr).toBe('metafora: unknown argument "--fast" for demo: it takes no arguments\n');
    expect(result.code).toBe(2);
  });
});
