import { createHash, randomBytes } from 'node:crypto';
import type { Connection, IntegrationSettings, PickupLocation } from '@bookstrap/core';
import { and, asc, eq, gt, isNull, or, type Placeholder } from 'drizzle-orm';
import type { Db } from './database.ts';
import { cached, findBy, ph } from './prepared.ts';
import { apiKeys, type LibraryRow, libraries } from './schema.ts';

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

export function findLibraryBySymbol(db: Db, symbol: string): Library | undefined {
  const row = db
    .select()
    .from(libraries)
    .where(eq(libraries.symbol, normaliseSymbol(symbol)))
    .get();
  return row ? toLibrary(row) : undefined;
}

export function findLibraryById(db: Db, id: number): Library | undefined {
  const row = findBy<typeof libraries.$inferSelect>(db, libraries, libraries.id, id);
  return row ? toLibrary(row) : undefined;
}

export function listLibraries(db: Db, page: { limit: number; offset: number }): { libraries: Library[]; total: number } {
  const all = db.select().from(libraries).orderBy(asc(libraries.symbol)).all();
  return { libraries: all.slice(page.offset, page.offset + page.limit).map(toLibrary), total: all.length };
}

export interface NewLibrary {
  symbol: string;
  name: string;
  connection: Connection;
  settings: IntegrationSettings;
  pickupLocations: PickupLocation[];
}

export function insertLibrary(db: Db, input: NewLibrary, now: Date): Library {
  const row = db
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
    .returning()
    .get();
  return toLibrary(row);
}

export function updateLibrary(db: Db, id: number, patch: Partial<Omit<NewLibrary, 'symbol'>>, now: Date): Library {
  const row = db
    .update(libraries)
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.connection !== undefined ? { connection: patch.connection as unknown as Record<string, unknown> } : {}),
      ...(patch.settings !== undefined ? { settings: patch.settings as unknown as Record<string, unknown> } : {}),
      ...(patch.pickupLocations !== undefined ? { pickupLocations: patch.pickupLocations as unknown as Record<string, unknown>[] } : {}),
      updatedAt: now,
    })
    .where(eq(libraries.id, id))
    .returning()
    .get();
  return toLibrary(row);
}

// ---- API keys --------------------------------------------------------------------------------

export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** `bks_` + 32 random bytes in base64url: long enough that a plain sha-256 is a safe store. */
export function generateApiKey(): string {
  return `bks_${randomBytes(32).toString('base64url')}`;
}

/** Stores a key's hash; `key` lets the demo launcher use known keys, the API always generates one. */
export function issueApiKey(db: Db, libraryId: number, now: Date, key: string = generateApiKey()): string {
  return issueApiKeyRecord(db, libraryId, now, key).key;
}

/** As `issueApiKey`, with the new key's id (the rotate route shows both). */
export function issueApiKeyRecord(db: Db, libraryId: number, now: Date, key: string = generateApiKey()): { id: number; key: string } {
  const row = db
    .insert(apiKeys)
    .values({ libraryId, keyHash: hashApiKey(key), prefix: key.slice(0, 8), createdAt: now })
    .returning({ id: apiKeys.id })
    .get();
  return { id: row.id, key };
}

/** A key is accepted while it is not revoked and its grace period (after a rotation) has not run out. */
const acceptedAt = (now: Date | Placeholder) => and(isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)));

/** `lastUsedAt` is kept to the hour: a write per request would turn every read into a write lock. */
const lastUsedPrecisionMs = 60 * 60_000;

/**
 * The library a key belongs to, and which of its keys it is. `now` decides whether a rotated-out
 * key is still in its grace period; without it only revoked keys are refused (the demo launcher).
 */
export function libraryForApiKey(db: Db, key: string, now?: Date): (Library & { keyId: number }) | undefined {
  // every API call asks this: prepared once per handle (store/prepared.ts); `now` bound as ms
  const statement = (timed: boolean) =>
    cached(db, timed ? 'library-for-key-at' : 'library-for-key', () =>
      db
        .select({ library: libraries, keyId: apiKeys.id, lastUsedAt: apiKeys.lastUsedAt })
        .from(apiKeys)
        .innerJoin(libraries, eq(libraries.id, apiKeys.libraryId))
        .where(and(eq(apiKeys.keyHash, ph('hash')), timed ? acceptedAt(ph('now')) : isNull(apiKeys.revokedAt)))
        .prepare(),
    );
  const row = statement(now !== undefined).get({ hash: hashApiKey(key), now: now?.getTime() });
  if (!row) return undefined;
  if (now && (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= lastUsedPrecisionMs)) {
    db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.keyId)).run();
  }
  return { ...toLibrary(row.library), keyId: row.keyId };
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

export function listApiKeys(db: Db, libraryId: number): ApiKeyMetadata[] {
  return db
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
    .orderBy(asc(apiKeys.id))
    .all();
}

/**
 * A new key, and every key still accepted without an end gets one `graceMs` from now, so clients
 * can switch over without an outage. Keys already ending sooner keep their earlier end.
 */
export function rotateApiKey(db: Db, libraryId: number, now: Date, graceMs: number): { id: number; key: string; oldKeysExpireAt: Date } {
  const oldKeysExpireAt = new Date(now.getTime() + graceMs);
  db.update(apiKeys)
    .set({ expiresAt: oldKeysExpireAt })
    .where(and(eq(apiKeys.libraryId, libraryId), isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, oldKeysExpireAt))))
    .run();
  return { ...issueApiKeyRecord(db, libraryId, now), oldKeysExpireAt };
}

/** Revokes one of the library's keys now; `undefined` when the library has no such key. */
export function revokeApiKey(db: Db, libraryId: number, keyId: number, now: Date): ApiKeyMetadata | undefined {
  const key = listApiKeys(db, libraryId).find((k) => k.id === keyId);
  if (!key) return undefined;
  if (key.revokedAt) return key;
  db.update(apiKeys).set({ revokedAt: now }).where(eq(apiKeys.id, keyId)).run();
  return { ...key, revokedAt: now };
}
