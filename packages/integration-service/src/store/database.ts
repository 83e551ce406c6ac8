import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.ts';
import { withStatementCache } from '@bookstrap/sqlite';

export type ServiceDatabase = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** The database or a transaction on it: store functions accept both. */
export type Db = Pick<ServiceDatabase, 'select' | 'insert' | 'update' | 'delete' | 'run' | 'all' | 'get'>;

// Resolved from this file, not the cwd: turbo, cucumber and tsx all start in different folders.
export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

export const defaultDatabasePath = './data/bookstrap.sqlite';

export interface OpenedDatabase {
  /** SQLite (the default), or Postgres through node-postgres or PGlite (store/open.ts) */
  dialect: 'sqlite' | 'postgres' | 'pglite';
  /** the raw SQLite connection (tests and SQLite-only tools); throws on Postgres */
  sqlite: Database.Database;
  /** the store handle every store function takes (typed as SQLite's; store/dialect.ts runs it on either) */
  db: ServiceDatabase;
  close(): void | Promise<void>;
}

/** Opens (creating if needed) and migrates the service database; `:memory:` for tests. */
export function openDatabase(path: string = process.env.BOOKSTRAP_DB ?? defaultDatabasePath): OpenedDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('foreign_keys = ON');
  // WAL lets the HTTP handlers read while the worker writes; a second worker process waits
  // on the lock rather than failing at once.
  if (path !== ':memory:') sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  const db: ServiceDatabase = drizzle(withStatementCache(sqlite), { schema });
  // The plain connection, for code that prepares its own statements (and keys on its identity).
  db.$client = sqlite;
  migrate(db, { migrationsFolder });
  return {
    dialect: 'sqlite',
    sqlite,
    db,
    close: () => {
      if (sqlite.open) sqlite.close();
    },
  };
}
