import { randomBytes } from 'node:crypto';

import { describe, inject } from 'vitest';

import './etcd-context.js';

/**
 * How etcd tests reach the etcd that test/support/etcd-global-setup.ts found or started. That etcd
 * is shared by every test file, so each test writes under its own `uniquePrefix()`.
 */

/** Returns the shared etcd's client URLs, or undefined when there is none. */
export function etcdEndpoints(): string[] | undefined {
  return inject('etcdEndpoints') ?? undefined;
}

/** Returns why there is no shared etcd, or an empty string when there is one. */
export function etcdSkipReason(): string {
  return inject('etcdSkipReason');
}

/**
 * Declares a suite that needs the shared etcd and passes its endpoints to `body`. Without an etcd,
 * the suite is skipped with the reason in its name. `body` still runs, with an empty list, so it
 * must only declare tests and hooks and reach etcd inside them.
 */
export function describeWithEtcd(name: string, body: (endpoints: string[]) => void): void {
  const endpoints = etcdEndpoints();
  if (endpoints === undefined) {
    describe.skip(`${name} (skipped: ${etcdSkipReason()})`, () => body([]));
    return;
  }
  describe(name, () => body(endpoints));
}

/** Returns a key prefix that no other test uses, like `/test-1b4e28ba90c1`, with no trailing slash. */
export function uniquePrefix(label = 'test'): string {
  return `/${label}-${randomBytes(6).toString('hex')}`;
}
