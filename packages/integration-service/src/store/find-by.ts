import { eq, getTableName, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './database.ts';

/**
 * `select * from table where column = ?` as a drizzle prepared query, built once per connection:
 * building a query (drizzle walks every chunk of it) cost more than running it in the issue-14
 * profile, and these by-key finds run on every ILS step. Kept per drizzle session, which a
 * transaction shares with its database (better-sqlite3 transactions are the connection's), so a
 * find inside a transaction reads what the transaction wrote. Only for integer and text keys (a
 * placeholder's value is bound as given, without the column's encoding).
 */
const kept = new WeakMap<object, Map<string, { get(values: { key: unknown }): unknown }>>();

export function findBy<T>(db: Db, table: SQLiteTable, column: SQLiteColumn, key: number | string): T | undefined {
  const session = (db as unknown as { session: object }).session;
  let queries = kept.get(session);
  if (!queries) {
    queries = new Map();
    kept.set(session, queries);
  }
  const name = `${getTableName(table)}.${column.name}`;
  let query = queries.get(name);
  if (!query) {
    query = db
      .select()
      .from(table)
      .where(eq(column, sql.placeholder('key')))
      .prepare() as unknown as { get(values: { key: unknown }): unknown };
    queries.set(name, query);
  }
  return query.get({ key }) as T | undefined;
}
