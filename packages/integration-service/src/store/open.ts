import type { OpenedDatabase } from './database.ts';
import { openDatabase } from './database.ts';
import type { DatabaseLocation } from './database-url.ts';

/**
 * Opens (and migrates) the service's database wherever it is: a SQLite file (the default) or
 * Postgres (BOOKSTRAP_DATABASE_URL=postgres://…, issue 16). The store's functions take either
 * handle (store/dialect.ts).
 */
export async function openStore(location: DatabaseLocation, options: { poolSize?: number } = {}): Promise<OpenedDatabase> {
  if (location.dialect === 'sqlite') return openDatabase(location.path);
  // loaded only for Postgres: a SQLite service starts without the driver
  const { openPostgresDatabase } = await import('./pg/database.ts');
  const opened = await openPostgresDatabase(location.url, options.poolSize ? { max: options.poolSize } : {});
  return postgresOpened(opened.db, () => opened.close(), 'postgres');
}

/** A migrated in-memory PGlite database (Postgres in this process), for tests of the Postgres store. */
export async function openPgliteStore(): Promise<OpenedDatabase> {
  const { openPgliteDatabase } = await import('./pg/pglite.ts');
  const opened = await openPgliteDatabase();
  return postgresOpened(opened.db, () => opened.close(), 'pglite');
}

function postgresOpened(db: unknown, close: () => Promise<void>, dialect: 'postgres' | 'pglite'): OpenedDatabase {
  return {
    dialect,
    db: db as OpenedDatabase['db'],
    get sqlite(): never {
      throw new Error('this service stores in Postgres: there is no SQLite connection (read through the store or the API)');
    },
    close,
  };
}
