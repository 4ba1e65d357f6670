import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { findExecutable, isPlainFile } from '../../../src/cli/find-executable.js';

describe('findExecutable', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'metafora-find-'));
    mkdirSync(path.join(dir, 'bin'));
    writeFileSync(path.join(dir, 'bin', 'tool'), '#!/bin/sh\n');
    chmodSync(path.join(dir, 'bin', 'tool'), 0o755);
    writeFileSync(path.join(dir, 'bin', 'data'), 'not a program');
    chmodSync(path.join(dir, 'bin', 'data'), 0o644);
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds a name on PATH', () => {
    expect(findExecutable('tool', `/nonexistent${path.delimiter}${dir}/bin`, '/')).toBe(
      path.join(dir, 'bin', 'tool'),
    );
  });

  it('resolves a path with a slash from cwd', () => {
    expect(findExecutable('./bin/tool', '', dir)).toBe(path.join(dir, 'bin', 'tool'));
  });

  it('tells a plain file from a missing one', () => {
    expect(isPlainFile('./bin/data', dir)).toBe(true);
    expect(isPlainFile('./bin/missing', dir)).toBe(false);
    expect(isPlainFile('data', dir)).toBe(false);
  });

  it('skips files that are not executable', () => {
    expect(findExecutable('data', `${dir}/bin`, '/')).toBeUndefined();
  });

  it('skips directories', () => {
    expect(findExecutable('bin', dir, '/')).toBeUndefined();
  });

  it('finds nothing without PATH', () => {
    expect(findExecutable('tool', undefined, dir)).toBeUndefined();
  });
});
