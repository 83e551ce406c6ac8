import { defineConfig } from 'vitest/config';

/**
 * The store contract on Postgres (issue 16; drizzle-orm's pattern: one suite, run per driver):
 * the service's workflow, API and console tests again, on the Postgres store through PGlite
 * (Postgres in this process, no server). `pnpm test:pglite`; the multi-instance test and
 * src/worker/rate-limit.pg.test.ts run against a real Postgres server as well.
 *
 * Declared gaps — files that test SQLite itself, not the store's behaviour, and so run on SQLite
 * only (each has a Postgres counterpart or none is needed):
 * - src/store/list-plans.test.ts, claim.test.ts, scale.test.ts: SQLite's query plans (EXPLAIN QUERY
 *   PLAN, `indexed by`), FTS5 internals and bulk loads through better-sqlite3; Postgres's list and
 *   claim are single queries its planner plans (pg/schema.test.ts checks the trigram index is used).
 * - src/store/migrations.test.ts, prepared.test.ts: SQLite's migrations and statement cache
 *   (pg/schema.test.ts covers the Postgres migrations).
 * - src/worker/rate-limit.pg.test.ts, shared-budget.test.ts, periodic.test.ts, worker.test.ts:
 *   two connections to one SQLite file or raw SQLite reads; the rate budget runs on SQLite, PGlite
 *   and a Postgres server in rate-limit.pg.test.ts itself.
 * - src/adapters/**: adapters talk to simulators, not the store.
 * - src/e2e/multi-instance.test.ts: its own processes (its Postgres case starts a real server).
 * - tests reading raw SQLite rows (`database.sqlite`): listed in `exclude` below; single tests that
 *   inject SQLite storage faults are skipped on Postgres with `sqliteOnly` (testutil/store.ts).
 */
export default defineConfig({
  test: {
    include: [
      'src/e2e/**/*.test.ts',
      'src/routes/**/*.test.ts',
      'src/console/**/*.test.ts',
      'src/workflow/**/*.test.ts',
      'src/notices/**/*.test.ts',
      'src/app.test.ts',
    ],
    exclude: [
      'src/e2e/multi-instance.test.ts',
      // the browser tests drive Chromium against the service: the store under them is covered above
      'src/console/browser.test.ts',
      'src/console/sessions-shared.test.ts',
    ],
    env: { BOOKSTRAP_TEST_STORE: 'pglite' },
    pool: 'forks',
    // one module graph per worker: PGlite's WebAssembly and the migrated template load once per
    // worker, not once per file (each test still gets a database of its own)
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
