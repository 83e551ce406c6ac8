import { eq, lte } from 'drizzle-orm';
import type { Db } from './database.ts';
import { consoleSessions } from './schema.ts';
import { connection } from './connection.ts';
import { oneRow, runWrite, tablesOf } from './dialect.ts';

/**
 * Console sign-in sessions as rows (console/session.ts decides what goes in them): looked up by
 * the token's digest, never the token; what the session holds is sealed with the token.
 */
export interface ConsoleSessionRow {
  tokenHash: string;
  kind: 'library' | 'admin';
  sealed: string;
  lastSeen: number;
  expiresAt: number;
}

export async function insertConsoleSession(db: Db, row: ConsoleSessionRow): Promise<void> {
  const { consoleSessions } = tablesOf(db);
  return connection(db, async () => {
    await runWrite(db.insert(consoleSessions).values(row));
  });
}

export async function findConsoleSession(db: Db, tokenHash: string): Promise<ConsoleSessionRow | undefined> {
  const { consoleSessions } = tablesOf(db);
  return connection(db, async () => {
    return await oneRow(db.select().from(consoleSessions).where(eq(consoleSessions.tokenHash, tokenHash)));
  });
}

/** The session was used: it lasts another idle period from now. */
export async function touchConsoleSession(db: Db, tokenHash: string, lastSeen: number, expiresAt: number): Promise<void> {
  const { consoleSessions } = tablesOf(db);
  return connection(db, async () => {
    await runWrite(db.update(consoleSessions).set({ lastSeen, expiresAt }).where(eq(consoleSessions.tokenHash, tokenHash)));
  });
}

/** Signed out (or found expired): gone for every instance at once. */
export async function deleteConsoleSession(db: Db, tokenHash: string): Promise<void> {
  const { consoleSessions } = tablesOf(db);
  return connection(db, async () => {
    await runWrite(db.delete(consoleSessions).where(eq(consoleSessions.tokenHash, tokenHash)));
  });
}

/** Sessions idle past their expiry; returns how many went. */
export async function deleteExpiredConsoleSessions(db: Db, now: number): Promise<number> {
  const { consoleSessions } = tablesOf(db);
  return connection(db, async () => {
    const result = await runWrite(db.delete(consoleSessions).where(lte(consoleSessions.expiresAt, now)));
    return result.changes;
  });
}
