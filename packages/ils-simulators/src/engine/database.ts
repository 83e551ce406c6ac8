import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.ts';
import { withStatementCache } from '@bookstrap/sqlite';

export type EngineDatabase = BetterSQLite3Database<typeof schema>;
/** Either the database or a transaction on it: operations accept both. */
export type Db = Pick<EngineDatabase, 'select' | 'insert' | 'update' | 'delete' | 'run' | 'all'>;

// Resolved from this file, not the cwd: turbo, cucumber and tsx all start in different folders.
export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

export interface OpenedDatabase {
  sqlite: Database.Database;
  db: EngineDatabase;
}

export function openDatabase(path = ':memory:'): OpenedDatabase {
  const sqlite = new Database(path);
  sqlite.pragma('foreign_keys = ON');
  // WAL only means something for files; one simulator process is the only writer.
  if (path !== ':memory:') sqlite.pragma('journal_mode = WAL');
  const db = drizzle(withStatementCache(sqlite), { schema });
  db.$client = sqlite;
  migrate(db, { migrationsFolder });
  return { sqlite, db };
}
