import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzleNodePostgres } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePostgres } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema.ts';

/**
 * The service's database on Postgres (issue 16): a real server through node-postgres, or PGlite
 * (Postgres compiled to WebAssembly, in this process) for tests. Both are drizzle's own pg-core
 * drivers over the same schema, so store code written against `PgDb` runs on either.
 */
export type PgDb = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface OpenedPgDatabase {
  db: PgDb;
  close(): Promise<void>;
}

// Resolved from this file, not the cwd (as ../database.ts does): turbo, cucumber and tsx all start
// in different folders.
export const pgMigrationsFolder = fileURLToPath(new URL('../../../drizzle-pg', import.meta.url));

/**
 * Migrations are taken under this advisory lock: several instances starting together on one
 * database would otherwise each see a migration as not applied and run it at once (drizzle's
 * migrator takes no lock of its own). Any constant will do that nothing else on the server uses;
 * this is 'bkst' in ASCII.
 */
const migrationLock = 0x626b7374;

/**
 * node-postgres reads int8 (`bigint`, and what `count(*)` returns) as a string, to lose no digits;
 * PGlite and SQLite give numbers. Every int8 the store holds is a count or a millisecond time,
 * far below 2^53, so it is read as a number here too: the same rows from every driver. Set on
 * node-postgres's shared parsers: drizzle passes its own per-query parsers (for dates), which
 * fall back to those, so a pool-level `types` option would be ignored.
 */
const int8 = 20;
let int8AsNumber = false;
function readInt8AsNumber(): void {
  if (int8AsNumber) return;
  pg.types.setTypeParser(int8, (value: string) => Number(value));
  int8AsNumber = true;
}

/** Connects to `url` (postgres://…), migrates it, and returns a pool-backed database. */
export async function openPostgresDatabase(url: string, options: { max?: number } = {}): Promise<OpenedPgDatabase> {
  readInt8AsNumber();
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  // An idle client's error (the server restarted, a connection was killed) is emitted on the pool;
  // unhandled it would crash the process. The next query gets a fresh connection.
  pool.on('error', () => {});
  try {
    // The lock is held by a session, so the migration runs on the one client that holds it.
    const client = await pool.connect();
    try {
      await client.query('select pg_advisory_lock($1)', [migrationLock]);
      try {
        await migrateNodePostgres(drizzleNodePostgres(client), { migrationsFolder: pgMigrationsFolder });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [migrationLock]);
      }
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end();
    throw error;
  }
  const db: PgDb = drizzleNodePostgres(pool, { schema });
  return { db, close: () => pool.end() };
}

/**
 * A new, empty database on the server `url` names (its own name: `prefix_pid_n`), for a run that
 * needs a fresh store each time on one server (the conformance suite, one per target block);
 * `drop()` removes it. Needs the CREATEDB privilege.
 */
export async function createScratchDatabase(url: string, prefix = 'bookstrap_scratch'): Promise<{ url: string; drop(): Promise<void> }> {
  // digits, letters and underscores only: the name goes into SQL as a quoted identifier
  const name = `${prefix}_${process.pid}_${++scratchCount}_${Date.now().toString(36)}`.replace(/[^a-z0-9_]/gi, '_');
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  return {
    url: scratch.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
let scratchCount = 0;
