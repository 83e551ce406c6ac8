import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // the teeth check runs the whole suite twice in child processes
    testTimeout: 240_000,
    pool: 'forks',
  },
});
