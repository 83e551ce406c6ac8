import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { type OpenedPgDatabase, pgMigrationsFolder } from './database.ts';
import * as schema from './schema.ts';

// PGlite (Postgres compiled to WebAssembly) for tests of the Postgres store: its own module, so a
// service on SQLite or on a Postgres server never loads it.

/**
 * An in-memory, migrated PGlite database (with pg_trgm, which the title search's index needs).
 * The first one in a process is migrated and its data folder kept; later ones start from that
 * copy (under a second each, where creating and migrating takes several): tests open one per test.
 */
export async function openPgliteDatabase(): Promise<OpenedPgDatabase & { client: PGlite }> {
  template ??= migratedTemplate();
  const loadDataDir = await template.catch(() => undefined);
  const client = await PGlite.create({ extensions: { pg_trgm }, ...(loadDataDir ? { loadDataDir } : {}) });
  const db = drizzlePglite(client, { schema });
  try {
    // a no-op from the template (every migration is recorded in it); the whole run otherwise
    await migratePglite(db, { migrationsFolder: pgMigrationsFolder });
  } catch (error) {
    await client.close();
    throw error;
  }
  return { db, client, close: () => client.close() };
}

let template: Promise<File | Blob> | undefined;
async function migratedTemplate(): Promise<File | Blob> {
  const client = await PGlite.create({ extensions: { pg_trgm } });
  try {
    await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder: pgMigrationsFolder });
    return await client.dumpDataDir('none');
  } finally {
    await client.close();
  }
}
