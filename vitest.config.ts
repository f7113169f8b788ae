import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
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
