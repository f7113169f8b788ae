import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // expect.poll waits for what a person would wait for on a shared, busy machine (its default is 1 s).
    expect: { poll: { timeout: 15_000, interval: 100 } },
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
