import { findBy as findBySqlite, cached as sqliteCached } from '@bookstrap/sqlite';
import { eq, getTableColumns, getTableName, is, type SQL, sql } from 'drizzle-orm';
import { PgDialect, PgTable } from 'drizzle-orm/pg-core';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './database.ts';
import * as pgSchema from './pg/schema.ts';
import * as sqliteSchema from './schema.ts';

/**
 * One store, two databases (issue 16): the store's functions are written once against the SQLite
 * schema's types, and run on Postgres too. What differs is here: which table objects a query is
 * built from (the Postgres schema has the same table, column and TypeScript names:
 * pg/schema.test.ts checks it), how a built query is run (better-sqlite3's synchronous
 * `.all()`/`.get()`/`.run()`; on Postgres the query is awaited), prepared queries, and the few raw
 * SQL spots, where each dialect has its own code (the claim and the list: ./pg/).
 *
 * On SQLite a helper runs its statement at the call, synchronously, so a store function holding
 * the connection (connection.ts) is as atomic as it was before the store was asynchronous.
 */

export type Tables = typeof sqliteSchema;

const postgresHandles = new WeakMap<object, boolean>();

/** Whether the handle (a database or a transaction) is Postgres (node-postgres or PGlite). */
export function isPostgres(db: Db): boolean {
  let known = postgresHandles.get(db);
  if (known === undefined) {
    known = is((db as { dialect?: unknown }).dialect, PgDialect);
    postgresHandles.set(db, known);
  }
  return known;
}

/**
 * The tables to build a query from on this handle. The Postgres tables are typed as the SQLite
 * ones: their columns have the same names and TypeScript types (checked in pg/schema.test.ts),
 * and drizzle builds each query from the table objects it is given.
 */
export function tablesOf(db: Db): Tables {
  return (isPostgres(db) ? pgSchema : sqliteSchema) as unknown as Tables;
}

type Runnable<T> = { all(): T[] } | PromiseLike<T[]>;
interface RunResult {
  /** rows the statement changed */
  changes: number;
}

/** Every row of a built query. */
export function allRows<T>(query: { all(): T[] }): Promise<T[]> {
  const q = query as Runnable<T> & { all?: () => T[] };
  if (typeof q.all === 'function') return Promise.resolve(q.all());
  return Promise.resolve(q as PromiseLike<T[]>);
}

/** The first row of a built query, if any. */
export function oneRow<T>(query: { get(): T }): Promise<T> {
  const q = query as { get?: () => T } & PromiseLike<T[]>;
  if (typeof q.get === 'function') return Promise.resolve(q.get());
  return Promise.resolve(q).then((rows) => (rows as T[])[0] as T);
}

/** Runs a built statement that returns no rows; how many rows it changed. */
export function runWrite(query: { run(): unknown }): Promise<RunResult> {
  const q = query as { run?: () => { changes: number } } & PromiseLike<unknown>;
  if (typeof q.run === 'function') return Promise.resolve({ changes: Number(q.run().changes) });
  return Promise.resolve(q).then(changesOf);
}

// node-postgres says rowCount, PGlite affectedRows
const changesOf = (result: unknown): RunResult => {
  const r = result as { rowCount?: number | null; affectedRows?: number };
  return { changes: Number(r.rowCount ?? r.affectedRows ?? 0) };
};

interface PgExecutor {
  execute(query: SQL): PromiseLike<{ rows: Record<string, unknown>[] } | Record<string, unknown>[]>;
}
const rowsOf = (result: { rows: Record<string, unknown>[] } | Record<string, unknown>[]) => (Array.isArray(result) ? result : result.rows);

/** Every row of raw SQL (columns as the SQL names them). */
export async function rawAll<T>(db: Db, query: SQL): Promise<T[]> {
  if (isPostgres(db)) return rowsOf(await (db as unknown as PgExecutor).execute(query)) as T[];
  return db.all<T>(query);
}

/** The first row of raw SQL, if any. */
export async function rawGet<T>(db: Db, query: SQL): Promise<T | undefined> {
  if (isPostgres(db)) return rowsOf(await (db as unknown as PgExecutor).execute(query))[0] as T | undefined;
  return db.get<T | undefined>(query);
}

/** Runs raw SQL; how many rows it changed. */
export async function rawRun(db: Db, query: SQL): Promise<RunResult> {
  if (isPostgres(db)) return changesOf(await (db as unknown as PgExecutor).execute(query));
  return { changes: Number(db.run(query).changes) };
}

/** A prepared query, run with its placeholders' values. */
export interface Prepared<T> {
  all(params: Record<string, unknown>): Promise<T[]>;
  get(params: Record<string, unknown>): Promise<T | undefined>;
}

interface SqlitePrepared<T> {
  all(params: Record<string, unknown>): T[];
  get(params: Record<string, unknown>): T | undefined;
}
interface PgPrepared<T> {
  execute(params: Record<string, unknown>): PromiseLike<T[]>;
}

const pgPrepared = new WeakMap<object, Map<string, PgPrepared<unknown>>>();

/**
 * A query built once per connection and kept (`key` names it; prefix it per module): on SQLite a
 * better-sqlite3 statement (see @bookstrap/sqlite `cached`), on Postgres a named prepared statement
 * (node-postgres prepares it once per pooled connection). Placeholders are bound as given.
 */
// biome-ignore lint/suspicious/noExplicitAny: whatever a drizzle prepared query's parameters are
type RowOf<B> = B extends { prepare(): { all(...args: any[]): infer A } } ? (A extends (infer R)[] ? R : unknown) : unknown;

export function prepared<B extends { prepare(name?: string): unknown }, T = RowOf<B>>(db: Db, key: string, build: () => B): Prepared<T> {
  if (!isPostgres(db)) {
    const statement = sqliteCached(db, key, () => build().prepare() as SqlitePrepared<T>);
    return { all: async (params) => statement.all(params), get: async (params) => statement.get(params) };
  }
  const session = (db as { session?: object }).session ?? db;
  let statements = pgPrepared.get(session);
  if (!statements) {
    statements = new Map();
    pgPrepared.set(session, statements);
  }
  let statement = statements.get(key) as PgPrepared<T> | undefined;
  if (!statement) {
    // Postgres statement names are per connection and at most 63 bytes.
    statement = build().prepare(`bookstrap_${statements.size}_${key.replace(/[^a-z0-9]+/gi, '_')}`.slice(0, 63)) as PgPrepared<T>;
    statements.set(key, statement as PgPrepared<unknown>);
  }
  const prepared = statement;
  return {
    all: async (params) => [...(await prepared.execute(params))],
    get: async (params) => (await prepared.execute(params))[0],
  };
}

let pgTablesByName: Map<string, PgTable> | undefined;
const pgTables = () => {
  pgTablesByName ??= new Map(
    (Object.values(pgSchema) as unknown[]).filter((value): value is PgTable => is(value, PgTable)).map((table) => [getTableName(table), table] as const),
  );
  return pgTablesByName;
};

/** One row by a key column (pass the SQLite schema's table and column: the Postgres twins are found by name). */
export async function findBy<T>(db: Db, table: SQLiteTable, column: SQLiteColumn, key: number | string): Promise<T | undefined> {
  if (!isPostgres(db)) return findBySqlite<T>(db, table, column, key);
  // the Postgres twin of the SQLite table and column it was given (same names)
  const pgTable = pgTables().get(getTableName(table));
  const field = Object.entries(getTableColumns(table)).find(([, c]) => c === column)?.[0];
  if (!pgTable || !field) throw new Error(`findBy: no Postgres table ${getTableName(table)} with ${column.name}`);
  const pgColumn = getTableColumns(pgTable)[field] as unknown as SQLiteColumn | undefined;
  if (!pgColumn) throw new Error(`findBy: no Postgres column ${field} on ${getTableName(table)}`);
  const rows = await (db
    .select()
    .from(pgTable as unknown as SQLiteTable)
    .where(eq(pgColumn, key))
    .limit(1) as unknown as PromiseLike<T[]>);
  return rows[0];
}

/**
 * A list of values as one parameter: `inArray(column, jsonValues(db, 'ids'))` lets one prepared
 * statement take a list of any length; bind `JSON.stringify(list)`.
 */
export function jsonValues(db: Db, name: string): SQL {
  return isPostgres(db)
    ? sql`(select jsonb_array_elements_text(${sql.placeholder(name)}::jsonb))`
    : sql`(select value from json_each(${sql.placeholder(name)}))`;
}

/**
 * A moment bound to a placeholder, which drizzle passes to the driver as given: a number of
 * milliseconds on SQLite (its timestamp columns), the Date itself on Postgres (timestamptz).
 */
export function instantParam(db: Db, at: Date): number | Date {
  return isPostgres(db) ? at : at.getTime();
}

/** A flag bound to a placeholder: 0 or 1 on SQLite (it binds no booleans), a boolean on Postgres. */
export function flagParam(db: Db, flag: boolean): number | boolean {
  return isPostgres(db) ? flag : flag ? 1 : 0;
}
