import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { FuzzCase } from './fuzz.js';

/** Directory of saved cases, relative to the project root; the test suite replays every file there. */
export const REGRESSIONS_DIR = 'test/regressions';

/** Formats the case as the JSON that `metafora sim --file` reads, with a final newline. */
export function caseJson(fuzzCase: FuzzCase): string {
  return `${JSON.stringify({ scenario: fuzzCase.scenario, seed: fuzzCase.seed }, null, 2)}\n`;
}

/** Names a case `fuzz-` and the first 12 hex digits of the SHA-256 of its JSON: equal cases, equal names. */
export function caseName(fuzzCase: FuzzCase): string {
  return `fuzz-${createHash('sha256').update(caseJson(fuzzCase)).digest('hex').slice(0, 12)}`;
}

/**
 * Writes the case to `<directory>/<caseName>.json`, creating the directory, and returns the path
 * joined as given, so a relative directory gives a relative path.
 */
export function writeCaseFile(directory: string, fuzzCase: FuzzCase): string {
  mkdirSync(directory, { recursive: true });
  const filePath = path.join(directory, `${caseName(fuzzCase)}.json`);
  writeFileSync(filePath, caseJson(fuzzCase));
  return filePath;
}

/** Returns the command that replays a saved case. */
export function replayCommand(filePath: string): string {
  return `metafora sim --file ${filePath}`;
}
