import { fileURLToPath } from 'node:url';
import { defaultDatabasePath } from './database.ts';

/**
 * Which database the service uses, from its environment: `BOOKSTRAP_DATABASE_URL` (a
 * `postgres://` or `postgresql://` URL, or `file:` / `sqlite:` and a path), else `BOOKSTRAP_DB`
 * (a SQLite file), else ./data/bookstrap.sqlite. Several instances share one database by being
 * given the same value (SQLite: the same file on one machine, in WAL mode).
 */
export type DatabaseLocation = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string };

export class DatabaseUrlError extends Error {
  readonly code = 'DATABASE_URL_INVALID';
}

export function databaseLocation(env: Record<string, string | undefined>): DatabaseLocation {
  const url = env.BOOKSTRAP_DATABASE_URL?.trim();
  if (url) {
    if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: 'postgres', url };
    if (/^file:/i.test(url)) {
      try {
        return { dialect: 'sqlite', path: url.startsWith('file://') ? fileURLToPath(url) : url.slice('file:'.length) };
      } catch (error) {
        throw new DatabaseUrlError(`BOOKSTRAP_DATABASE_URL=${url} is not a usable file URL: ${(error as Error).message}`);
      }
    }
    if (/^sqlite:/i.test(url)) return { dialect: 'sqlite', path: url.replace(/^sqlite:(\/\/)?/i, '') };
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
      throw new DatabaseUrlError(`BOOKSTRAP_DATABASE_URL=${url.replace(/\/\/[^@/]*@/, '//…@')}: give postgres://…, file:… or sqlite:… (a path)`);
    }
    return { dialect: 'sqlite', path: url };
  }
  const path = env.BOOKSTRAP_DB?.trim();
  return { dialect: 'sqlite', path: path || defaultDatabasePath };
}
