import { createHash, randomBytes } from 'node:crypto';
import type { Connection, IntegrationSettings, PickupLocation } from '@bookstrap/core';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from './database.ts';
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
  const row = db.select().from(libraries).where(eq(libraries.id, id)).get();
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
  db.insert(apiKeys)
    .values({ libraryId, keyHash: hashApiKey(key), prefix: key.slice(0, 8), createdAt: now })
    .run();
  return key;
}

export function libraryForApiKey(db: Db, key: string): Library | undefined {
  const row = db
    .select({ library: libraries })
    .from(apiKeys)
    .innerJoin(libraries, eq(libraries.id, apiKeys.libraryId))
    .where(and(eq(apiKeys.keyHash, hashApiKey(key)), isNull(apiKeys.revokedAt)))
    .get();
  return row ? toLibrary(row.library) : undefined;
}
