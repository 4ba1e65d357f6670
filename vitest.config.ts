import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Finds or starts the etcd that the *.etcd.test.ts files share; the file explains the order.
    globalSetup: ['test/support/etcd-global-setup.ts'],
  },
});
