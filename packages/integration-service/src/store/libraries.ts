import { createHash, randomBytes } from 'node:crypto';
import type { Connection, IntegrationSettings, PickupLocation } from '@bookstrap/core';
import { and, asc, eq, gt, isNull, or, type Placeholder } from 'drizzle-orm';
import type { Db } from './database.ts';
import { findBy, ph } from './prepared.ts';
import { apiKeys, type LibraryRow, libraries } from './schema.ts';
import { connection } from './connection.ts';
import { allRows, instantParam, oneRow, prepared, runWrite, tablesOf } from './dialect.ts';

/** A library (tenant) as the service works with it: parsed connection and settings. */
export interface Library {
  id: number;
  symbol: string;
  name: string;
  connection: Connection;
  settings: IntegrationSettings;
  pickupLocations: PickupLocation[];
  createdAt: Date;
  updatedAt: Date;
}

export function toLibrary(row: LibraryRow): Library {
  return {
    id: row.id,
    symbol: row.symbol,
    name: row.name,
    connection: row.connection as unknown as Connection,
    settings: row.settings as unknown as IntegrationSettings,
    pickupLocations: row.pickupLocations as unknown as PickupLocation[],
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export const normaliseSymbol = (symbol: string): string => symbol.trim().toUpperCase();

export async function findLibraryBySymbol(db: Db, symbol: string): Promise<Library | undefined> {
  const { libraries } = tablesOf(db);
  return connection(db, async () => {
    const row = await oneRow(
      db
        .select()
        .from(libraries)
        .where(eq(libraries.symbol, normaliseSymbol(symbol))),
    );
    return row ? toLibrary(row) : undefined;
  });
}

export async function findLibraryById(db: Db, id: number): Promise<Library | undefined> {
  const { libraries } = tablesOf(db);
  return connection(db, async () => {
    const row = await findBy<typeof libraries.$inferSelect>(db, libraries, libraries.id, id);
    return row ? toLibrary(row) : undefined;
  });
}

export async function listLibraries(db: Db, page: { limit: number; offset: number }): Promise<{ libraries: Library[]; total: number }> {
  const { libraries } = tablesOf(db);
  return connection(db, async () => {
    const all = await allRows(db.select().from(libraries).orderBy(asc(libraries.symbol)));
    return { libraries: all.slice(page.offset, page.offset + page.limit).map(toLibrary), total: all.length };
  });
}

export interface NewLibrary {
  symbol: string;
  name: string;
  connection: Connection;
  settings: IntegrationSettings;
  pickupLocations: PickupLocation[];
}

export async function insertLibrary(db: Db, input: NewLibrary, now: Date): Promise<Library> {
  const { libraries } = tablesOf(db);
  return connection(db, async () => {
    const row = await oneRow(
      db
        .insert(libraries)
        .values({
          symbol: normaliseSymbol(input.symbol),
          name: input.name,
          connection: input.connection as unknown as Record<string, unknown>,
          settings: input.settings as unknown as Record<string, unknown>,
          pickupLocations: input.pickupLocations as unknown as Record<string, unknown>[],
          createdAt: now,
          updatedAt: now,
        })
        .returning(),
    );
    return toLibrary(row);
  });
}

export async function updateLibrary(db: Db, id: number, patch: Partial<Omit<NewLibrary, 'symbol'>>, now: Date): Promise<Library> {
  const { libraries } = tablesOf(db);
  return connection(db, async () => {
    const row = await oneRow(
      db
        .update(libraries)
        .set({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.connection !== undefined ? { connection: patch.connection as unknown as Record<string, unknown> } : {}),
          ...(patch.settings !== undefined ? { settings: patch.settings as unknown as Record<string, unknown> } : {}),
          ...(patch.pickupLocations !== undefined ? { pickupLocations: patch.pickupLocations as unknown as Record<string, unknown>[] } : {}),
          updatedAt: now,
        })
        .where(eq(libraries.id, id))
        .returning(),
    );
    return toLibrary(row);
  });
}

// ---- API keys --------------------------------------------------------------------------------

export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** `bks_` + 32 random bytes in base64url: long enough that a plain sha-256 is a safe store. */
export function generateApiKey(): string {
  return `bks_${randomBytes(32).toString('base64url')}`;
}

/** Stores a key's hash; `key` lets the demo launcher use known keys, the API always generates one. */
export async function issueApiKey(db: Db, libraryId: number, now: Date, key: string = generateApiKey()): Promise<string> {
  return connection(db, async () => {
    return (await issueApiKeyRecord(db, libraryId, now, key)).key;
  });
}

/** As `issueApiKey`, with the new key's id (the rotate route shows both). */
export async function issueApiKeyRecord(db: Db, libraryId: number, now: Date, key: string = generateApiKey()): Promise<{ id: number; key: string }> {
  const { apiKeys } = tablesOf(db);
  return connection(db, async () => {
    const row = await oneRow(
      db
        .insert(apiKeys)
        .values({ libraryId, keyHash: hashApiKey(key), prefix: key.slice(0, 8), createdAt: now })
        .returning({ id: apiKeys.id }),
    );
    return { id: row.id, key };
  });
}

/** A key is accepted while it is not revoked and its grace period (after a rotation) has not run out. */
const acceptedAt = (keys: typeof apiKeys, now: Date | Placeholder) => and(isNull(keys.revokedAt), or(isNull(keys.expiresAt), gt(keys.expiresAt, now)));

/** `lastUsedAt` is kept to the hour: a write per request would turn every read into a write lock. */
const lastUsedPrecisionMs = 60 * 60_000;

/**
 * The library a key belongs to, and which of its keys it is. `now` decides whether a rotated-out
 * key is still in its grace period; without it only revoked keys are refused (the demo launcher).
 */
export async function libraryForApiKey(db: Db, key: string, now?: Date): Promise<(Library & { keyId: number }) | undefined> {
  const { apiKeys, libraries } = tablesOf(db);
  return connection(db, async () => {
    const statement = (timed: boolean) =>
      prepared(db, timed ? 'library-for-key-at' : 'library-for-key', () =>
        db
          .select({ library: libraries, keyId: apiKeys.id, lastUsedAt: apiKeys.lastUsedAt })
          .from(apiKeys)
          .innerJoin(libraries, eq(libraries.id, apiKeys.libraryId))
          .where(and(eq(apiKeys.keyHash, ph('hash')), timed ? acceptedAt(apiKeys, ph('now')) : isNull(apiKeys.revokedAt))),
      );
    const row = await statement(now !== undefined).get({ hash: hashApiKey(key), now: now && instantParam(db, now) });
    if (!row) return undefined;
    if (now && (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= lastUsedPrecisionMs)) {
      await runWrite(db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.keyId)));
    }
    return { ...toLibrary(row.library), keyId: row.keyId };
  });
}

/** What the API shows about a key: never the key or its hash. */
export interface ApiKeyMetadata {
  id: number;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export async function listApiKeys(db: Db, libraryId: number): Promise<ApiKeyMetadata[]> {
  const { apiKeys } = tablesOf(db);
  return connection(db, async () => {
    return await allRows(
      db
        .select({
          id: apiKeys.id,
          prefix: apiKeys.prefix,
          createdAt: apiKeys.createdAt,
          lastUsedAt: apiKeys.lastUsedAt,
          expiresAt: apiKeys.expiresAt,
          revokedAt: apiKeys.revokedAt,
        })
        .from(apiKeys)
        .where(eq(apiKeys.libraryId, libraryId))
        .orderBy(asc(apiKeys.id)),
    );
  });
}

/**
 * A new key, and every key still accepted without an end gets one `graceMs` from now, so clients
 * can switch over without an outage. Keys already ending sooner keep their earlier end.
 */
export async function rotateApiKey(db: Db, libraryId: number, now: Date, graceMs: number): Promise<{ id: number; key: string; oldKeysExpireAt: Date }> {
  const { apiKeys } = tablesOf(db);
  return connection(db, async () => {
    const oldKeysExpireAt = new Date(now.getTime() + graceMs);
    await runWrite(
      db
        .update(apiKeys)
        .set({ expiresAt: oldKeysExpireAt })
        .where(and(eq(apiKeys.libraryId, libraryId), isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, oldKeysExpireAt)))),
    );
    return { ...(await issueApiKeyRecord(db, libraryId, now)), oldKeysExpireAt };
  });
}

/** Revokes one of the library's keys now; `undefined` when the library has no such key. */
export async function revokeApiKey(db: Db, libraryId: number, keyId: number, now: Date): Promise<ApiKeyMetadata | undefined> {
  const { apiKeys } = tablesOf(db);
  return connection(db, async () => {
    const key = (await listApiKeys(db, libraryId)).find((k) => k.id === keyId);
    if (!key) return undefined;
    if (key.revokedAt) return key;
    await runWrite(db.update(apiKeys).set({ revokedAt: now }).where(eq(apiKeys.id, keyId)));
    return { ...key, revokedAt: now };
  });
}

/** Every library's symbol by its ID (the admin's attention counts name libraries by symbol). */
export async function librarySymbols(db: Db): Promise<Map<number, string>> {
  const { libraries } = tablesOf(db);
  return connection(
    db,
    async () => new Map((await allRows(db.select({ id: libraries.id, symbol: libraries.symbol }).from(libraries))).map((l) => [l.id, l.symbol])),
  );
}
