import { readFileSync } from 'node:fs';

/**
 * Polls `condition` every `intervalMs` until it is true, and throws naming `what` once `timeoutMs`
 * has passed. The bound keeps a broken test from hanging.
 */
export async function waitUntil(
  what: string,
  condition: () => boolean,
  { timeoutMs = 10_000, intervalMs = 20 } = {},
): Promise<void> {
  for (let waitedMs = 0; waitedMs <= timeoutMs; waitedMs += intervalMs) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** True while process `pid` exists and is not a zombie waiting to be reaped. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // The state is the first field after the parenthesised command name (proc(5)).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/** Sends `signal` to process `pid` and to the group it leads, ignoring processes already gone. */
export function killQuietly(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
    } catch {
      // Already gone.
    }
  }
}
