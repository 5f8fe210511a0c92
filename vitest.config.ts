import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // tfjs backends are process-global; files run in separate forks, one per core.
    pool: 'forks',
    maxWorkers: 2,
  },
});
