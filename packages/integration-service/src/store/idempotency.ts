import { createHash } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import stringify from 'safe-stable-stringify';
import type { Db } from './database.ts';
import { requestIdempotencyKeys } from './schema.ts';
import { connection } from './connection.ts';
import { oneRow, runWrite, tablesOf } from './dialect.ts';

/** Stripe keeps idempotency keys 24 hours; a retry of a create comes within minutes, not days. */
export const idempotencyKeyRetentionMs = 24 * 60 * 60_000;

/** The body's fingerprint, independent of key order (an ILL system may serialise fields anyhow). */
export function bodyFingerprint(body: unknown): string {
  return createHash('sha256')
    .update(stringify(body) ?? '')
    .digest('hex');
}

export interface RememberedCreate {
  requestId: string;
  bodyHash: string;
}

export async function rememberedCreate(db: Db, libraryId: number, key: string): Promise<RememberedCreate | undefined> {
  const { requestIdempotencyKeys } = tablesOf(db);
  return connection(db, async () => {
    return await oneRow(
      db
        .select({ requestId: requestIdempotencyKeys.requestId, bodyHash: requestIdempotencyKeys.bodyHash })
        .from(requestIdempotencyKeys)
        .where(and(eq(requestIdempotencyKeys.libraryId, libraryId), eq(requestIdempotencyKeys.key, key))),
    );
  });
}

/** Written in the transaction that creates the request, so a key never names a request that was not made. */
export async function rememberCreate(db: Db, libraryId: number, key: string, bodyHash: string, requestId: string, now: Date): Promise<void> {
  const { requestIdempotencyKeys } = tablesOf(db);
  return connection(db, async () => {
    await runWrite(db.insert(requestIdempotencyKeys).values({ libraryId, key, bodyHash, requestId, createdAt: now }));
  });
}

export async function pruneIdempotencyKeys(db: Db, before: Date): Promise<number> {
  const { requestIdempotencyKeys } = tablesOf(db);
  return connection(db, async () => {
    const result = await runWrite(db.delete(requestIdempotencyKeys).where(lt(requestIdempotencyKeys.createdAt, before)));
    return result.changes;
  });
}
