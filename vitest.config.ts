import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration and e2e suites spawn their own redis-server processes on free ports.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most suites wait on redis-server, timers and child processes rather than the CPU: three workers on
    // this 2-core machine run the whole suite in under half the time of one, with every check kept.
    maxWorkers: 3,
  },
});
