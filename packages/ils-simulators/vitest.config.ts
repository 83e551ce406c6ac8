import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // better-sqlite3 is a native addon: keep each test file in its own forked process.
    pool: 'forks',
  },
});
