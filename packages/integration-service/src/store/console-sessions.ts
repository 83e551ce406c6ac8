import { eq, lte } from 'drizzle-orm';
import type { Db } from './database.ts';
import { consoleSessions } from './schema.ts';

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

export function insertConsoleSession(db: Db, row: ConsoleSessionRow): void {
  db.insert(consoleSessions).values(row).run();
}

export function findConsoleSession(db: Db, tokenHash: string): ConsoleSessionRow | undefined {
  return db.select().from(consoleSessions).where(eq(consoleSessions.tokenHash, tokenHash)).get();
}

/** The session was used: it lasts another idle period from now. */
export function touchConsoleSession(db: Db, tokenHash: string, lastSeen: number, expiresAt: number): void {
  db.update(consoleSessions).set({ lastSeen, expiresAt }).where(eq(consoleSessions.tokenHash, tokenHash)).run();
}

/** Signed out (or found expired): gone for every instance at once. */
export function deleteConsoleSession(db: Db, tokenHash: string): void {
  db.delete(consoleSessions).where(eq(consoleSessions.tokenHash, tokenHash)).run();
}

/** Sessions idle past their expiry; returns how many went. */
export function deleteExpiredConsoleSessions(db: Db, now: number): number {
  const result = db.delete(consoleSessions).where(lte(consoleSessions.expiresAt, now)).run();
  return Number((result as { changes?: number }).changes ?? 0);
}
