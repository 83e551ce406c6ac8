import Database from 'better-sqlite3';
import { and, getTableName, gt, is, sql } from 'drizzle-orm';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { getTableConfig as getPgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { getTableConfig as getSqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { migrationsFolder } from '../database.ts';
import * as sqlite from '../schema.ts';
import { postgresUnavailable, startThrowawayPostgres, type ThrowawayPostgres } from '../../testutil/postgres.ts';
import { type OpenedPgDatabase, openPostgresDatabase, pgMigrationsFolder } from './database.ts';
import { openPgliteDatabase } from './pglite.ts';
import * as pg from './schema.ts';
import { titleContains, titlePattern } from './title-search.ts';

const sqliteTables = (Object.values(sqlite) as unknown[]).filter((v: unknown): v is SQLiteTable => is(v, SQLiteTable));
const pgTables = new Map((Object.values(pg) as unknown[]).filter((v: unknown): v is PgTable => is(v, PgTable)).map((t) => [getTableName(t), t]));

// Checked by `tsc --noEmit` (vitest does not type-check): the store's row types must not depend on
// the dialect, so code typed against the SQLite schema's rows is right on Postgres too.
expectTypeOf<typeof pg.libraries.$inferSelect>().toEqualTypeOf<typeof sqlite.libraries.$inferSelect>();
expectTypeOf<typeof pg.libraries.$inferInsert>().toEqualTypeOf<typeof sqlite.libraries.$inferInsert>();
expectTypeOf<typeof pg.apiKeys.$inferSelect>().toEqualTypeOf<typeof sqlite.apiKeys.$inferSelect>();
expectTypeOf<typeof pg.apiKeys.$inferInsert>().toEqualTypeOf<typeof sqlite.apiKeys.$inferInsert>();
expectTypeOf<typeof pg.requests.$inferSelect>().toEqualTypeOf<typeof sqlite.requests.$inferSelect>();
expectTypeOf<typeof pg.requests.$inferInsert>().toEqualTypeOf<typeof sqlite.requests.$inferInsert>();
expectTypeOf<typeof pg.circulationHistory.$inferSelect>().toEqualTypeOf<typeof sqlite.circulationHistory.$inferSelect>();
expectTypeOf<typeof pg.circulationHistory.$inferInsert>().toEqualTypeOf<typeof sqlite.circulationHistory.$inferInsert>();
expectTypeOf<typeof pg.outboxJobs.$inferSelect>().toEqualTypeOf<typeof sqlite.outboxJobs.$inferSelect>();
expectTypeOf<typeof pg.outboxJobs.$inferInsert>().toEqualTypeOf<typeof sqlite.outboxJobs.$inferInsert>();
expectTypeOf<typeof pg.protocolLog.$inferSelect>().toEqualTypeOf<typeof sqlite.protocolLog.$inferSelect>();
expectTypeOf<typeof pg.protocolLog.$inferInsert>().toEqualTypeOf<typeof sqlite.protocolLog.$inferInsert>();
expectTypeOf<typeof pg.patronNotices.$inferSelect>().toEqualTypeOf<typeof sqlite.patronNotices.$inferSelect>();
expectTypeOf<typeof pg.patronNotices.$inferInsert>().toEqualTypeOf<typeof sqlite.patronNotices.$inferInsert>();
expectTypeOf<typeof pg.ilsRateBudgets.$inferSelect>().toEqualTypeOf<typeof sqlite.ilsRateBudgets.$inferSelect>();
expectTypeOf<typeof pg.ilsRateBudgets.$inferInsert>().toEqualTypeOf<typeof sqlite.ilsRateBudgets.$inferInsert>();
expectTypeOf<typeof pg.ilsObservations.$inferSelect>().toEqualTypeOf<typeof sqlite.ilsObservations.$inferSelect>();
expectTypeOf<typeof pg.ilsObservations.$inferInsert>().toEqualTypeOf<typeof sqlite.ilsObservations.$inferInsert>();
expectTypeOf<typeof pg.ilsSyncRuns.$inferSelect>().toEqualTypeOf<typeof sqlite.ilsSyncRuns.$inferSelect>();
// The one difference: drizzle types every SQLite `integer primary key` as optional on insert (it is
// the rowid, assigned when omitted), so ils_sync_runs.library_id, a reference, is optional there;
// on Postgres it is required, which is what the store does (it always names the library).
expectTypeOf<typeof pg.ilsSyncRuns.$inferInsert>().toExtend<typeof sqlite.ilsSyncRuns.$inferInsert>();
expectTypeOf<Omit<typeof pg.ilsSyncRuns.$inferInsert, 'libraryId'>>().toEqualTypeOf<Omit<typeof sqlite.ilsSyncRuns.$inferInsert, 'libraryId'>>();
expectTypeOf<typeof pg.serviceLeases.$inferSelect>().toEqualTypeOf<typeof sqlite.serviceLeases.$inferSelect>();
expectTypeOf<typeof pg.serviceLeases.$inferInsert>().toEqualTypeOf<typeof sqlite.serviceLeases.$inferInsert>();
expectTypeOf<typeof pg.consoleSessions.$inferSelect>().toEqualTypeOf<typeof sqlite.consoleSessions.$inferSelect>();
expectTypeOf<typeof pg.consoleSessions.$inferInsert>().toEqualTypeOf<typeof sqlite.consoleSessions.$inferInsert>();
expectTypeOf<typeof pg.vendorTokens.$inferSelect>().toEqualTypeOf<typeof sqlite.vendorTokens.$inferSelect>();
expectTypeOf<typeof pg.vendorTokens.$inferInsert>().toEqualTypeOf<typeof sqlite.vendorTokens.$inferInsert>();
expectTypeOf<typeof pg.requestIdempotencyKeys.$inferSelect>().toEqualTypeOf<typeof sqlite.requestIdempotencyKeys.$inferSelect>();
expectTypeOf<typeof pg.requestIdempotencyKeys.$inferInsert>().toEqualTypeOf<typeof sqlite.requestIdempotencyKeys.$inferInsert>();

type Rows<T> = { rows: T[] };

async function seedRequest(opened: OpenedPgDatabase, libraryId: number, seq: number, title: string) {
  await opened.db.insert(pg.requests).values({
    seq,
    id: `R${seq}`,
    libraryId,
    role: 'borrowing',
    serviceType: 'loan',
    status: 'new-for-review',
    title,
    lenders: [],
    createdAt: new Date(0),
    updatedAt: new Date(0),
  });
}

/** A library, its id assigned by the identity (an explicit id would not advance it: see schema.ts). */
async function seedLibrary(opened: OpenedPgDatabase, symbol = 'TST'): Promise<number> {
  const [row] = await opened.db
    .insert(pg.libraries)
    .values({ symbol, name: 'Test', connection: {}, settings: {}, pickupLocations: [], createdAt: new Date(0), updatedAt: new Date(0) })
    .returning({ id: pg.libraries.id });
  return row!.id;
}

/** drizzle wraps a driver's error ("Failed query: …"); the server's message is its cause. */
async function refusal(query: Promise<unknown>): Promise<string> {
  try {
    await query;
  } catch (error) {
    return ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
  }
  throw new Error('the statement was not refused');
}

describe('the Postgres schema (PGlite)', () => {
  let opened: Awaited<ReturnType<typeof openPgliteDatabase>>;
  let libraryId: number;
  beforeAll(async () => {
    opened = await openPgliteDatabase();
    libraryId = await seedLibrary(opened);
  });
  afterAll(async () => {
    await opened?.close();
  });

  it('every .sql file has a journal entry (drizzle silently skips the others)', () => {
    const files = readdirSync(pgMigrationsFolder)
      .filter((f) => f.endsWith('.sql'))
      .map((f) => f.replace(/\.sql$/, ''))
      .sort();
    const journal = JSON.parse(readFileSync(join(pgMigrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    expect(journal.entries.map((e) => e.tag).sort()).toEqual(files);
  });

  it('has a migration for every change of the schema (drizzle-kit generate was run)', async () => {
    // drizzle-kit's programmatic API: the SQL from the last migration's snapshot to schema.ts now.
    // drizzle-kit/api is CommonJS that requires optional drivers lazily; loaded with require, as its
    // package documents, rather than through vitest's ESM transform.
    const { generateDrizzleJson, generateMigration } = createRequire(import.meta.url)('drizzle-kit/api') as typeof import('drizzle-kit/api');
    const journal = JSON.parse(readFileSync(join(pgMigrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: { idx: number }[] };
    const last = String(journal.entries.at(-1)!.idx).padStart(4, '0');
    const snapshot = JSON.parse(readFileSync(join(pgMigrationsFolder, 'meta', `${last}_snapshot.json`), 'utf8'));
    expect(await generateMigration(snapshot, generateDrizzleJson({ ...pg }, snapshot.id))).toEqual([]);
  });

  it('migrates an empty database, and migrating again changes nothing', async () => {
    const applied = async () => (await opened.client.query<{ hash: string }>('select hash from drizzle.__drizzle_migrations order by id')).rows;
    const first = await applied();
    expect(first).toHaveLength(readdirSync(pgMigrationsFolder).filter((f) => f.endsWith('.sql')).length);
    await migratePglite(opened.db as Parameters<typeof migratePglite>[0], { migrationsFolder: pgMigrationsFolder });
    expect(await applied()).toEqual(first);
  });

  it('has every table, column and index of the SQLite schema, with the same nullability and partial indexes', async () => {
    const columns = (await opened.client.query<{ table_name: string; column_name: string; is_nullable: 'YES' | 'NO' }>(
      `select table_name, column_name, is_nullable from information_schema.columns where table_schema = 'public'`,
    )) as Rows<{ table_name: string; column_name: string; is_nullable: 'YES' | 'NO' }>;
    const indexes = (await opened.client.query<{ tablename: string; indexname: string; indexdef: string }>(
      `select tablename, indexname, indexdef from pg_indexes where schemaname = 'public'`,
    )) as Rows<{ tablename: string; indexname: string; indexdef: string }>;
    const stored = new Set(
      (await opened.client.query<{ table_name: string }>(`select table_name from information_schema.tables where table_schema = 'public'`)).rows.map(
        (r) => r.table_name,
      ),
    );

    expect([...stored].sort()).toEqual(sqliteTables.map((t) => getTableName(t)).sort());
    for (const table of sqliteTables) {
      const lite = getSqliteTableConfig(table);
      const pgTable = pgTables.get(lite.name);
      expect(pgTable, lite.name).toBeDefined();
      const pgConfig = getPgTableConfig(pgTable!);
      expect(
        columns.rows
          .filter((c) => c.table_name === lite.name)
          .map((c) => `${c.column_name} ${c.is_nullable === 'NO' ? 'not null' : 'null'}`)
          .sort(),
        lite.name,
      ).toEqual(lite.columns.map((c) => `${c.name} ${c.notNull ? 'not null' : 'null'}`).sort());
      for (const liteIndex of lite.indexes) {
        const name = liteIndex.config.name;
        const inDatabase = indexes.rows.find((i) => i.indexname === name);
        expect(inDatabase?.tablename, name).toBe(lite.name);
        expect(inDatabase!.indexdef.startsWith(liteIndex.config.unique ? 'CREATE UNIQUE INDEX' : 'CREATE INDEX'), name).toBe(true);
        // A SQLite index's columns lead the Postgres one's (which may end with the rowid spelled out: seq).
        const pgIndex = pgConfig.indexes.find((i) => i.config.name === name)!;
        const names = (cols: readonly unknown[]) => cols.map((c) => (c as { name: string }).name);
        expect(names(pgIndex.config.columns).slice(0, liteIndex.config.columns.length), name).toEqual(names(liteIndex.config.columns));
        expect(/ WHERE /.test(inDatabase!.indexdef), `${name} is partial`).toBe(liteIndex.config.where !== undefined);
      }
      // unique columns (`.unique()`): SQLite's unique index, Postgres's unique constraint, one name
      for (const column of lite.columns.filter((c) => c.isUnique)) {
        expect(
          indexes.rows.some((i) => i.indexname === column.uniqueName && i.indexdef.startsWith('CREATE UNIQUE INDEX')),
          column.uniqueName,
        ).toBe(true);
      }
    }
  });

  it('reads back what it stores: instants with milliseconds, JSON, flags, and epoch milliseconds beyond 32 bits', async () => {
    const at = new Date('2026-12-04T21:15:30.123Z');
    const [library] = await opened.db
      .insert(pg.libraries)
      .values({
        symbol: 'RT',
        name: 'Round trip',
        connection: { url: 'https://ils', nested: [1, 'two'] },
        settings: {},
        pickupLocations: [{ code: 'MAIN' }],
        createdAt: at,
        updatedAt: at,
      })
      .returning();
    expect(library).toMatchObject({ connection: { url: 'https://ils', nested: [1, 'two'] }, pickupLocations: [{ code: 'MAIN' }], createdAt: at });
    const now = Date.UTC(2026, 11, 4, 21, 15, 30, 123);
    await opened.db.insert(pg.serviceLeases).values({ name: 'sweep', owner: 'a', leaseUntil: now });
    expect(await opened.db.select().from(pg.serviceLeases)).toEqual([{ name: 'sweep', owner: 'a', leaseUntil: now }]);
    const [session] = await opened.db
      .insert(pg.consoleSessions)
      .values({ tokenHash: 'h', kind: 'admin', sealed: 's', lastSeen: now, expiresAt: now + 1 })
      .returning();
    expect(session).toEqual({ tokenHash: 'h', kind: 'admin', sealed: 's', lastSeen: now, expiresAt: now + 1 });
  });

  it('refuses to rewrite or remove circulation history', async () => {
    await seedRequest(opened, libraryId, 1, 'Dracula');
    await opened.db.insert(pg.circulationHistory).values({ requestId: 'R1', at: new Date(0), kind: 'created', text: 'Request created.' });
    await expect(opened.client.query(`update circulation_history set text = 'rewritten'`)).rejects.toThrow(/circulation history is append-only/);
    await expect(opened.client.query('delete from circulation_history')).rejects.toThrow(/circulation history is append-only/);
    await expect(opened.client.query('truncate circulation_history cascade')).rejects.toThrow(/circulation history is append-only/);
    expect((await opened.db.select().from(pg.circulationHistory)).map((h) => h.text)).toEqual(['Request created.']);
    // appending still works, and ids are assigned
    await opened.db.insert(pg.circulationHistory).values({ requestId: 'R1', at: new Date(1), kind: 'note', text: 'A note.' });
    expect((await opened.db.select({ id: pg.circulationHistory.id }).from(pg.circulationHistory)).map((h) => h.id)).toEqual([1, 2]);
  });

  it('finds titles by any 3+ characters, case-insensitive, literally, as SQLite FTS5 does', async () => {
    const words = ['Dracula', 'Frankenstein', 'Middlemarch', 'Emma', 'Ulysses', 'Beloved', 'Rebecca', 'Kindred', 'Persuasion', 'Dubliners'];
    const titles = Array.from({ length: 3000 }, (_, i) => `${words[i % words.length]} vol. ${i} ${words[(i * 7) % words.length]}`);
    // what a literal search must not treat as a pattern
    titles.push('100% Cotton_Blend \\ edition', '100 Cotton Blend edition');
    // case beyond ASCII: FTS5 folds it; Postgres does when the database's LC_CTYPE is a UTF-8 locale
    // (PGlite's is; under LC_CTYPE=C, lower() and ILIKE fold ASCII only)
    titles.push('Émile et la Forêt', 'ÉMILE ET LA FORÊT');
    const first = 100;
    await opened.client.exec(`insert into requests (seq, id, library_id, role, service_type, status, title, lenders, created_at, updated_at)
      select ${first} + n, 'T' || n, ${libraryId}, 'borrowing', 'loan', 'new-for-review', t, '[]', now(), now()
      from unnest(array[${titles.map((t) => `'${t.replaceAll("'", "''")}'`).join(',')}]) with ordinality as x(t, n)`);
    await opened.client.exec('analyze requests');

    // the same titles in SQLite (seq > first: the earlier tests' requests are not among them), searched through the FTS5 trigram table of drizzle/0015
    const lite = new Database(':memory:');
    migrateSqlite(drizzleSqlite(lite), { migrationsFolder });
    lite.exec(
      `insert into libraries (symbol, name, connection, settings, pickup_locations, created_at, updated_at) values ('TST', 'Test', '{}', '{}', '[]', 0, 0)`,
    );
    const insert = lite.prepare(
      `insert into requests (seq, id, library_id, role, service_type, status, title, lenders, created_at, updated_at) values (?, ?, 1, 'borrowing', 'loan', 'new-for-review', ?, '[]', 0, 0)`,
    );
    for (const [i, t] of titles.entries()) insert.run(first + i + 1, `T${i + 1}`, t);
    const ftsMatch = lite.prepare(`select rowid as seq from requests_title_fts where requests_title_fts match ? order by rowid`);

    for (const text of ['émile', 'FORÊT', 'DRAC', 'ensTEI', 'vol. 12', 'la vol', 'ddl', '0% C', 'n_B', '\\ ed', 'zzz']) {
      const expected = (ftsMatch.all(`"${text.replaceAll('"', '""')}"`) as { seq: number }[]).map((r) => r.seq);
      const found = await opened.db
        .select({ seq: pg.requests.seq })
        .from(pg.requests)
        .where(and(gt(pg.requests.seq, first), titleContains(pg.requests.title, titlePattern(text))))
        .orderBy(pg.requests.seq);
      expect(
        found.map((r) => r.seq),
        text,
      ).toEqual(expected);
      expect(expected.length, `${text} is tested on matches`).toBeGreaterThan(text === 'zzz' ? -1 : 0);
      // both spellings of the accented title, whichever case is searched
      if (text === 'émile' || text === 'FORÊT') expect(expected, text).toHaveLength(2);
    }
    lite.close();
  });

  it("answers the store's title search from the trigram index", async () => {
    // Titles like a library's: a few common words (every title has "vol."), and a rare part.
    await opened.client.exec(`insert into requests (seq, id, library_id, role, service_type, status, title, lenders, created_at, updated_at)
      select 10000 + n, 'G' || n, ${libraryId}, 'borrowing', 'loan', 'new-for-review',
        (array['Dracula', 'Frankenstein', 'Middlemarch', 'Emma', 'Ulysses', 'Beloved', 'Rebecca', 'Kindred'])[1 + n % 8]
          || ' ' || substr(md5(n::text), 1, 6) || ' vol. ' || n, '[]', now(), now()
      from generate_series(1, 50000) as n`);
    await opened.client.exec('analyze requests');
    // Measured on PGlite 0.5 (Postgres 18): Postgres picks the GIN index by itself from about 50,000
    // titles (below, reading the table is cheaper: 27 ms at 30,000, 11 ms on the index at 50,000,
    // 4 ms for this page). Sequential scans are switched off so the test does not hang on where
    // that crossover lies; it asks whether the index can answer the search, which without pg_trgm's
    // operator class it cannot (only a full scan of a btree index is left).
    await opened.client.exec('set enable_seqscan = off');
    try {
      const plan = (
        await opened.client.query<{ 'QUERY PLAN': string }>(
          'explain select * from requests where library_id = $1 and title ilike $2 order by seq desc limit 50',
          [libraryId, titlePattern('vol. 1234')],
        )
      ).rows
        .map((r) => r['QUERY PLAN'])
        .join('\n');
      expect(plan, plan).toMatch(/Bitmap Index Scan on requests_title_trgm\s+\(.*\)\n\s+Index Cond: \(title ~~\* /);
    } finally {
      await opened.client.exec('reset enable_seqscan');
    }
  });
});

const unavailable = postgresUnavailable();
describe.skipIf(unavailable !== undefined)(`on a Postgres server${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let server: ThrowawayPostgres;
  beforeAll(async () => {
    server = await startThrowawayPostgres();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('migrates through openPostgresDatabase, once, when several instances start together', async () => {
    const instances = await Promise.all([openPostgresDatabase(server.url), openPostgresDatabase(server.url), openPostgresDatabase(server.url)]);
    try {
      expect(server.psql('select count(*) from drizzle.__drizzle_migrations')).toBe(
        String(readdirSync(pgMigrationsFolder).filter((f) => f.endsWith('.sql')).length),
      );
      expect(server.psql(`select indexdef from pg_indexes where indexname = 'requests_title_trgm'`)).toContain('gin_trgm_ops');
      const [a, b] = instances;
      await seedRequest(a!, await seedLibrary(a!), 7, 'The Moonstone');
      await a!.db.insert(pg.circulationHistory).values({ requestId: 'R7', at: new Date(0), kind: 'created', text: 'Request created.' });
      const seen = await b!.db
        .select({ title: pg.requests.title })
        .from(pg.requests)
        .where(titleContains(pg.requests.title, titlePattern('moonst')));
      expect(seen).toEqual([{ title: 'The Moonstone' }]);
      // node-postgres's own parsing (int8 as text, timestamptz) under drizzle's column mapping
      const until = Date.UTC(2026, 11, 4, 21, 15, 30, 123);
      await a!.db.insert(pg.serviceLeases).values({ name: 'sweep', owner: 'a', leaseUntil: until });
      expect(await b!.db.select().from(pg.serviceLeases)).toEqual([{ name: 'sweep', owner: 'a', leaseUntil: until }]);
      const at = new Date('2026-12-04T21:15:30.123Z');
      await a!.db.insert(pg.circulationHistory).values({ requestId: 'R7', at, kind: 'note', text: 'At a millisecond.' });
      expect((await b!.db.select({ at: pg.circulationHistory.at }).from(pg.circulationHistory).where(sql`kind = 'note'`)).map((h) => h.at)).toEqual([at]);
      expect(await refusal(b!.db.execute(sql`delete from circulation_history`))).toBe('circulation history is append-only');
      expect(await refusal(b!.db.update(pg.circulationHistory).set({ text: 'rewritten' }))).toBe('circulation history is append-only');
    } finally {
      await Promise.all(instances.map((i) => i.close()));
    }
  });

  it('migrates as a database owner who is not a superuser (pg_trgm is a trusted extension)', async () => {
    server.psql('create role bookstrap_app login');
    server.psql('create database bookstrap_app owner bookstrap_app');
    const opened = await openPostgresDatabase(server.url.replace('//bookstrap@', '//bookstrap_app@').replace(/\/bookstrap$/, '/bookstrap_app'));
    try {
      // the migrations ran as bookstrap_app, which created the extension (a trusted one needs no superuser)
      const owners = await opened.db.select({ owner: sql<string>`pg_get_userbyid(extowner)` }).from(sql`pg_extension`).where(sql`extname = 'pg_trgm'`);
      expect(owners).toEqual([{ owner: 'bookstrap_app' }]);
      expect(server.psql(`select rolsuper from pg_roles where rolname = 'bookstrap_app'`)).toBe('f');
    } finally {
      await opened.close();
    }
  });
});
