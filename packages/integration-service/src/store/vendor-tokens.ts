import { and, eq, lt } from 'drizzle-orm';
import type { Db } from './database.ts';
import { vendorTokens } from './schema.ts';
import { connection } from './connection.ts';
import { oneRow, runWrite, tablesOf } from './dialect.ts';

/**
 * Vendor tokens shared by every instance on the database (adapters/shared-tokens.ts seals and
 * opens them; this module only moves rows). Dropping is a compare-and-delete: a token another
 * instance has already replaced is left alone.
 */
export interface VendorTokenRow {
  cacheKey: string;
  sealed: string;
  expiresAt: number;
}

export async function readVendorToken(db: Db, cacheKey: string): Promise<VendorTokenRow | undefined> {
  const { vendorTokens } = tablesOf(db);
  return connection(db, async () => {
    return await oneRow(
      db
        .select({ cacheKey: vendorTokens.cacheKey, sealed: vendorTokens.sealed, expiresAt: vendorTokens.expiresAt })
        .from(vendorTokens)
        .where(eq(vendorTokens.cacheKey, cacheKey)),
    );
  });
}

export async function writeVendorToken(db: Db, row: VendorTokenRow, now: number): Promise<void> {
  const { vendorTokens } = tablesOf(db);
  return connection(db, async () => {
    await runWrite(
      db
        .insert(vendorTokens)
        .values({ ...row, updatedAt: now })
        .onConflictDoUpdate({ target: vendorTokens.cacheKey, set: { sealed: row.sealed, expiresAt: row.expiresAt, updatedAt: now } }),
    );
    await runWrite(db.delete(vendorTokens).where(lt(vendorTokens.expiresAt, now - 24 * 60 * 60_000)));
  });
}

/** Deletes the row only while it still holds `sealed` (the token that was refused). */
export async function dropVendorToken(db: Db, cacheKey: string, sealed: string): Promise<boolean> {
  const { vendorTokens } = tablesOf(db);
  return connection(db, async () => {
    const result = await runWrite(db.delete(vendorTokens).where(and(eq(vendorTokens.cacheKey, cacheKey), eq(vendorTokens.sealed, sealed))));
    return result.changes === 1;
  });
}
