import { defineConfig } from 'vitest/config';

/**
 * `npm run test:faults`: the fault-injection scenarios in test/faults, one
 * file at a time, always on PostgreSQL (TEST_DATABASE_URL, or the local
 * server; each file gets a fresh database). Writes docs/RELIABILITY.md.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/faults/globalSetup.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    maxWorkers: 1,
    sequence: { concurrent: false },
    env: { TEST_DATABASE_URL: process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
