import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { libraryForApiKey } from '../store/libraries.ts';
import type { AppDeps, AppEnv } from './types.ts';
import { ApiError } from './errors.ts';

/**
 * Two kinds of key, both as `Authorization: Bearer <key>`: the admin key manages libraries; a
 * library's key works on that library's requests only. No key or an unknown key is 401; a valid
 * key on the other kind of route is 403.
 */
export function bearerKey(c: Context): string | undefined {
  const header = c.req.header('authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** The accepted admin keys: one, or several while an operator rotates (`BOOKSTRAP_ADMIN_KEYS`). */
export function adminKeysOf(deps: Pick<AppDeps, 'adminKey'>): string[] {
  return (typeof deps.adminKey === 'string' ? [deps.adminKey] : [...deps.adminKey]).filter((key) => key.length > 0);
}

/** Compared as digests, in constant time: an admin key's length and prefix never leak. */
export function isAdminKey(deps: Pick<AppDeps, 'adminKey'>, key: string): boolean {
  const offered = digest(key);
  // every accepted key is compared, so the time taken does not say which one matched
  return adminKeysOf(deps).reduce((matched, accepted) => timingSafeEqual(offered, digest(accepted)) || matched, false);
}

const missing = () => new ApiError('UNAUTHORIZED', 'An API key is required: send "Authorization: Bearer <key>"');
const unknown = () => new ApiError('UNAUTHORIZED', 'Unknown API key');

export function requireAdmin(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = bearerKey(c);
    if (!key) throw missing();
    if (isAdminKey(deps, key)) return next();
    if (await libraryForApiKey(deps.db, key, deps.clock.now())) throw new ApiError('FORBIDDEN', 'A library key cannot manage libraries; use the admin key');
    throw unknown();
  };
}

/**
 * The key routes (`/v1/libraries/{symbol}/keys…`): the admin key, or a library's own key for its
 * own library (the route checks the symbol). `caller` says which.
 */
export function requireAdminOrLibrary(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = bearerKey(c);
    if (!key) throw missing();
    if (isAdminKey(deps, key)) {
      c.set('caller', { kind: 'admin' });
      return next();
    }
    const library = await libraryForApiKey(deps.db, key, deps.clock.now());
    if (!library) throw unknown();
    c.set('caller', { kind: 'library', library, keyId: library.keyId });
    return next();
  };
}

export function requireLibrary(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = bearerKey(c);
    if (!key) throw missing();
    const library = await libraryForApiKey(deps.db, key, deps.clock.now());
    if (library) {
      c.set('library', library);
      return next();
    }
    if (isAdminKey(deps, key)) throw new ApiError('FORBIDDEN', "The admin key does not act on requests; use the library's own key");
    throw unknown();
  };
}
