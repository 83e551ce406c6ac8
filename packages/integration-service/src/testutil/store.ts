import { it } from 'vitest';

/** The tests run on the Postgres store (vitest.pglite.config.ts) rather than SQLite. */
export const onPostgresStore = process.env.BOOKSTRAP_TEST_STORE === 'pglite';

/**
 * A test of SQLite itself (a storage fault injected into better-sqlite3, raw SQLite rows): skipped
 * when the suite runs on the Postgres store, where it is a declared gap.
 */
export const sqliteOnly = it.skipIf(onPostgresStore);
