import { type SQL, sql } from 'drizzle-orm';
import type { Db } from './database.ts';

/**
 * Statements on the hot paths (a request by ID, the lists, their counts, a page's steps) are
 * prepared once per database handle and reused: drizzle's `.prepare()` keeps the better-sqlite3
 * statement, so a call binds values instead of building and compiling SQL again. Keyed by the
 * handle given (a transaction is its own handle, and its statements go with it).
 */
const statementCache = new WeakMap<object, Map<string, unknown>>();
export function cached<T>(db: Db, key: string, build: () => T): T {
  let statements = statementCache.get(db);
  if (!statements) {
    statements = new Map();
    statementCache.set(db, statements);
  }
  let statement = statements.get(key) as T | undefined;
  if (statement === undefined) {
    statement = build();
    statements.set(key, statement);
  }
  return statement;
}

export const ph = (name: string) => sql.placeholder(name);

/**
 * A list of values as one parameter (JSON, read by `json_each`): `inArray(column, jsonValues('ids'))`
 * lets one prepared statement take a list of any length; bind `JSON.stringify(list)`.
 */
export const jsonValues = (name: string): SQL => sql`(select value from json_each(${ph(name)}))`;
