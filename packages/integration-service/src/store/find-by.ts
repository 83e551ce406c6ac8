import { eq, getTableName, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './database.ts';

/**
 * Queries on every ILS step's path as drizzle prepared queries, built once per connection:
 * building a query (drizzle walks every chunk of it) cost more than running it in the issue-14
 * profile. Kept per drizzle session, which a
 * transaction shares with its database (better-sqlite3 transactions are the connection's), so a
 * find inside a transaction reads what the transaction wrote. Placeholders in a where clause are
 * bound as given, without the column's encoding: integer and text keys only.
 */
const keptQueries = new WeakMap<object, Map<string, unknown>>();

/** A query built once per connection; `build` makes it with `sql.placeholder`s for what varies. */
export function kept<Q>(db: Db, name: string, build: () => Q): Q {
  const session = (db as unknown as { session: object }).session;
  let queries = keptQueries.get(session);
  if (!queries) {
    queries = new Map();
    keptQueries.set(session, queries);
  }
  let query = queries.get(name) as Q | undefined;
  if (query === undefined) {
    query = build();
    queries.set(name, query);
  }
  return query;
}

export function findBy<T>(db: Db, table: SQLiteTable, column: SQLiteColumn, key: number | string): T | undefined {
  const query = kept(db, `${getTableName(table)}.${column.name}`, () =>
    db
      .select()
      .from(table)
      .where(eq(column, sql.placeholder('key')))
      .prepare(),
  );
  return query.get({ key }) as T | undefined;
}
