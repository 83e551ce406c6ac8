import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { isAdminKey } from '../http/auth.ts';
import type { AppDeps } from '../http/types.ts';
import {
  deleteConsoleSession,
  deleteExpiredConsoleSessions,
  findConsoleSession,
  insertConsoleSession,
  touchConsoleSession,
} from '../store/console-sessions.ts';
import type { Db } from '../store/database.ts';
import { type Library, libraryForApiKey } from '../store/libraries.ts';
import { digestOf, open, seal } from '../store/sealed.ts';

/**
 * Console sessions. The browser holds only a random session token (HttpOnly, SameSite=Strict,
 * path /console); the key it was opened with stays on the server, and is checked again on every
 * request, so a rotated-out or revoked key ends its sessions at once — the same authorization as
 * the API. Sessions live in the store (console_sessions), so every instance behind a load
 * balancer knows them: a row holds the token's digest, never the token, and the key and the CSRF
 * token sealed with the token itself (store/sealed.ts) — a copy of the database opens nobody's
 * session and shows nobody's key. Sign-out deletes the row; an idle session expires.
 */
export const sessionCookie = 'bookstrap_console';
/** the sign-in form's own CSRF token (there is no session yet to hold one) */
export const signInCookie = 'bookstrap_sign_in';
export const csrfField = '_csrf';

export interface ConsoleSession {
  token: string;
  csrf: string;
  kind: 'library' | 'admin';
  key: string;
  lastSeen: number;
}

export type Signed = { session: ConsoleSession; kind: 'library'; library: Library } | { session: ConsoleSession; kind: 'admin' };

const idleMs = 8 * 60 * 60_000; // a working day at the desk
/** `last_seen` is written at most this often: a write per page view would make every read a write lock */
const touchEveryMs = 60_000;
const sealPurpose = 'console session';
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

export const newToken = () => randomBytes(32).toString('base64url');

export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

export class SessionStore {
  constructor(private readonly db: Db) {}

  async open(kind: ConsoleSession['kind'], key: string, now: Date): Promise<ConsoleSession> {
    await deleteExpiredConsoleSessions(this.db, now.getTime());
    const session = { token: newToken(), csrf: newToken(), kind, key, lastSeen: now.getTime() };
    await insertConsoleSession(this.db, {
      tokenHash: digestOf(session.token),
      kind,
      sealed: seal(session.token, sealPurpose, JSON.stringify({ key, csrf: session.csrf })),
      lastSeen: session.lastSeen,
      expiresAt: session.lastSeen + idleMs,
    });
    return session;
  }

  async find(token: string | undefined, now: Date): Promise<ConsoleSession | undefined> {
    if (!token || !tokenPattern.test(token)) return undefined;
    const tokenHash = digestOf(token);
    const row = await findConsoleSession(this.db, tokenHash);
    if (!row) return undefined;
    if (row.expiresAt <= now.getTime()) {
      await deleteConsoleSession(this.db, tokenHash);
      return undefined;
    }
    const opened = open(token, sealPurpose, row.sealed);
    const held = opened ? (JSON.parse(opened) as { key?: unknown; csrf?: unknown }) : undefined;
    if (typeof held?.key !== 'string' || typeof held.csrf !== 'string') return undefined;
    if (now.getTime() - row.lastSeen >= touchEveryMs) await touchConsoleSession(this.db, tokenHash, now.getTime(), now.getTime() + idleMs);
    return { token, csrf: held.csrf, kind: row.kind, key: held.key, lastSeen: now.getTime() };
  }

  async close(token: string | undefined): Promise<void> {
    if (token && tokenPattern.test(token)) await deleteConsoleSession(this.db, digestOf(token));
  }
}

/** Who the key says the caller is, checked now: a library, the admin, or nobody. */
export async function identify(deps: AppDeps, session: ConsoleSession, now: Date): Promise<Signed | undefined> {
  if (session.kind === 'admin') return isAdminKey(deps, session.key) ? { session, kind: 'admin' } : undefined;
  const library = await libraryForApiKey(deps.db, session.key, now);
  return library ? { session, kind: 'library', library } : undefined;
}

const secure = (c: Context) => new URL(c.req.url).protocol === 'https:';

export function setSessionCookie(c: Context, session: ConsoleSession): void {
  setCookie(c, sessionCookie, session.token, { httpOnly: true, sameSite: 'Strict', path: '/console', secure: secure(c) });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, sessionCookie, { path: '/console' });
}

export function readSessionToken(c: Context): string | undefined {
  return getCookie(c, sessionCookie);
}

/** The sign-in form's token: a cookie and the same value in the form (double submit). */
export function signInToken(c: Context): string {
  const existing = getCookie(c, signInCookie);
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = newToken();
  setCookie(c, signInCookie, token, { httpOnly: true, sameSite: 'Strict', path: '/console', secure: secure(c) });
  return token;
}

export function readSignInCookie(c: Context): string | undefined {
  return getCookie(c, signInCookie);
}

/**
 * A form POST from another site: its Origin (browsers send one on every POST) names another
 * host. Checked besides the token, so a leaked token alone is not enough either.
 */
export function crossSite(c: Context): boolean {
  const origin = c.req.header('origin');
  if (!origin || origin === 'null') return origin === 'null';
  try {
    return new URL(origin).host !== new URL(c.req.url).host;
  } catch {
    return true;
  }
}
