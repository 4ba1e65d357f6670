#!/usr/bin/env node
import { hostname } from 'node:os';

import { runCli } from './cli.js';

/** Resolves once everything written to `stream` so far has been handed to the operating system. */
function drain(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  stdoutIsTty: process.stdout.isTTY,
  cwd: process.cwd(),
  hostname: hostname(),
  pid: process.pid,
});
await Promise.all([drain(process.stdout), drain(process.stderr)]);
// Exit explicitly: a handler that ignored its stop signal past the shutdown timeout would keep
// the event loop alive, and the parent-death signal takes its child process down with us.
process.exit(code);
