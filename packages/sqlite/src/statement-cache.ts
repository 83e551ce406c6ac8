import type Database from 'better-sqlite3';

/**
 * The connection drizzle runs on, with its statements kept: drizzle's one-time queries call
 * `prepare` on every execution, and preparing (SQLite parsing and planning the text) was the
 * largest single cost of an ILS step in the issue-14 profile. The same SQL text gets the same
 * compiled statement back. Only drizzle gets this view (`db.$client` stays the plain connection),
 * so a statement the rest of the code prepares and configures itself (`pluck`, held for reuse) is
 * never shared.
 *
 * Drizzle switches a statement to raw (array) rows for builder queries and expects plain rows
 * for `sql` queries, so a kept statement is handed back in the plain mode it was made in.
 * Bounded: SQL text with a variable number of parameters (`inArray`) would otherwise grow it.
 */
export function withStatementCache(sqlite: Database.Database, limit = 1_000): Database.Database {
  const kept = new Map<string, Database.Statement>();
  const client = Object.create(sqlite) as Database.Database;
  Object.defineProperty(client, 'prepare', {
    value: (source: string) => {
      // Someone wrapped this connection's `prepare` (a test injecting a storage fault, say): every
      // statement goes through their wrapper, as it would without the cache.
      if (Object.hasOwn(sqlite, 'prepare')) return sqlite.prepare(source);
      const statement = kept.get(source);
      if (statement) {
        if (statement.reader) statement.raw(false);
        return statement;
      }
      const fresh = sqlite.prepare(source);
      // Oldest first out (a Map iterates in insertion order).
      if (kept.size >= limit) kept.delete(kept.keys().next().value as string);
      kept.set(source, fresh);
      return fresh;
    },
  });
  return client;
}
