import { sql, TransactionRollbackError } from 'drizzle-orm';
import type { ServiceDatabase } from './database.ts';

/**
 * Proves the database usable, for /health: BEGIN IMMEDIATE takes the write lock (fails when the
 * file is locked, read-only or gone), a read touches real pages (fails on I/O errors and
 * corruption), then a rollback, so the check changes nothing. Throws the SQLite error otherwise.
 */
export function checkStorage(db: ServiceDatabase): void {
  try {
    db.transaction(
      (tx) => {
        tx.get(sql`select id from outbox_jobs order by id desc limit 1`);
        tx.rollback();
      },
      { behavior: 'immediate' },
    );
  } catch (error) {
    if (!(error instanceof TransactionRollbackError)) throw error;
  }
}
