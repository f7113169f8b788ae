import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests start servers and databases: a few files at a time on 2 cores.
    maxWorkers: 2,
    fileParallelism: true,
    reporters: ['default'],
  },
});
