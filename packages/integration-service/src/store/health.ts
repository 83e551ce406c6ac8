import { sql } from 'drizzle-orm';
import { connection, sqliteClientOf } from './connection.ts';
import type { ServiceDatabase } from './database.ts';

/**
 * Proves the database usable, for /health: BEGIN IMMEDIATE takes the write lock (fails when the
 * file is locked, read-only or gone), a read touches real pages (fails on I/O errors and
 * corruption), then a rollback, so the check changes nothing. Throws the SQLite error otherwise.
 */
export async function checkStorage(db: ServiceDatabase): Promise<void> {
  const client = sqliteClientOf(db);
  if (!client) throw new Error('checkStorage: not a SQLite connection');
  await connection(db, async () => {
    client.exec('begin immediate');
    try {
      db.get(sql`select id from outbox_jobs order by id desc limit 1`);
    } finally {
      if (client.inTransaction) client.exec('rollback');
    }
  });
}
