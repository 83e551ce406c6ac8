import { eq, getTableName, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './database.ts';

/**
 * Statements on the hot paths (a request by ID, the lists, their counts, a page's steps, every
 * ILS step's finds) are drizzle prepared queries built once per connection and reused: building a
 * query (drizzle walks every chunk of it) and better-sqlite3's `prepare` cost more than running
 * it in the issue-14 profile. Kept per drizzle session, which a transaction shares with its
 * database (better-sqlite3 transactions are the connection's), so a query run inside a
 * transaction reads what the transaction wrote. Placeholders are bound as given, without the
 * column's encoding: integer and text keys (and `jsonValues` lists) only.
 */
const statementCache = new WeakMap<object, Map<string, unknown>>();
export function cached<T>(db: Db, key: string, build: () => T): T {
  const session = (db as unknown as { session?: object }).session ?? db;
  let statements = statementCache.get(session);
  if (!statements) {
    statements = new Map();
    statementCache.set(session, statements);
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

/** One row by a key column, through a query built once per connection. */
export function findBy<T>(db: Db, table: SQLiteTable, column: SQLiteColumn, key: number | string): T | undefined {
  const query = cached(db, `findBy:${getTableName(table)}.${column.name}`, () =>
    db
      .select()
      .from(table)
      .where(eq(column, ph('key')))
      .prepare(),
  );
  return query.get({ key }) as T | undefined;
}
