import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration and e2e suites spawn their own redis-server processes on free ports.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
