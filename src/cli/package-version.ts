import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Returns the version in this package's package.json, found by walking up from this file (it is
 * two levels up in the source tree and three in dist/), or "unknown" when none is found.
 */
export function packageVersion(): string {
  let directory = path.dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < 5; level++) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (manifest.name === 'metafora' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // No readable package.json here; look one level up.
    }
    directory = path.dirname(directory);
  }
  return 'unknown';
}
