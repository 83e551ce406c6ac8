import { eq, getTableName, sql } from 'drizzle-orm';
import type { BaseSQLiteDatabase, SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';

/**
 * Queries on hot paths (every ILS step's finds, the lists, a request by ID) as drizzle prepared
 * queries built once per connection and reused: building a query (drizzle walks every chunk of
 * it) cost more than running it in the issue-14 profile. Kept per drizzle session, which a
 * transaction shares with its database (better-sqlite3 transactions are the connection's), so a
 * query run inside a transaction reads what the transaction wrote. Placeholders are bound as
 * given, without the column's encoding: integer and text keys only. Keys are per connection, so
 * each caller prefixes its own (`requests.find`, `findBy:libraries.code`).
 */
const statementCache = new WeakMap<object, Map<string, unknown>>();
export function cached<T>(db: object, key: string, build: () => T): T {
  const session = (db as { session?: object }).session ?? db;
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

// biome-ignore lint/suspicious/noExplicitAny: any synchronous drizzle SQLite database, whatever its schema
type SyncDb = BaseSQLiteDatabase<'sync', any, any>;

/** One row by a key column, through a query built once per connection. */
export function findBy<T>(db: object, table: SQLiteTable, column: SQLiteColumn, key: number | string): T | undefined {
  // a database or a transaction of any schema: only `select` is used
  const query = cached(db, `findBy:${getTableName(table)}.${column.name}`, () =>
    (db as SyncDb)
      .select()
      .from(table)
      .where(eq(column, sql.placeholder('key')))
      .prepare(),
  );
  return query.get({ key }) as T | undefined;
}
