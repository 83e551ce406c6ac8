import { sql } from 'drizzle-orm';
import { connection, sqliteClientOf } from './connection.ts';
import type { ServiceDatabase } from './database.ts';
import { rawGet } from './dialect.ts';

/**
 * Proves the database usable, for /health: BEGIN IMMEDIATE takes the write lock (fails when the
 * file is locked, read-only or gone), a read touches real pages (fails on I/O errors and
 * corruption), then a rollback, so the check changes nothing. Throws the SQLite error otherwise.
 */
export async function checkStorage(db: ServiceDatabase): Promise<void> {
  const client = sqliteClientOf(db);
  // Postgres: a round trip that reads a real table (fails when the server or the table is gone)
  if (!client) {
    await rawGet(db, sql`select id from outbox_jobs order by id desc limit 1`);
    return;
  }
  await connection(db, async () => {
    client.exec('begin immediate');
    try {
      db.get(sql`select id from outbox_jobs order by id desc limit 1`);
    } finally {
      if (client.inTransaction) client.exec('rollback');
    }
  });
}
