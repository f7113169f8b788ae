import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // expect.poll waits for what a person would wait for on a shared, busy machine (its default is 1 s).
    expect: { poll: { timeout: 15_000, interval: 100 } },
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Browser tests: vitest.e2e.config.ts; fault scenarios: vitest.faults.config.ts (npm run test:faults).
    exclude: ['test/e2e/**', 'test/faults/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests start servers and databases: a few files at a time on 2 cores.
    maxWorkers: 2,
    fileParallelism: true,
    reporters: ['default'],
  },
});
