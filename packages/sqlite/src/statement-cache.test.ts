import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { withStatementCache } from './statement-cache.ts';

const things = sqliteTable('things', { id: integer('id').primaryKey(), name: text('name').notNull() });

function setUp(limit?: number) {
  const sqlite = new Database(':memory:');
  sqlite.exec('create table things (id integer primary key, name text not null)');
  const prepared: string[] = [];
  const spy = vi.spyOn(Database.prototype, 'prepare');
  const db = drizzle(withStatementCache(sqlite, limit));
  onTestFinished(() => spy.mockRestore());
  return {
    sqlite,
    db,
    prepared: {
      get length() {
        return spy.mock.calls.filter(([source]) => !/^create table/.test(source)).length;
      },
    },
  };
}

describe('statement cache (drizzle prepares once per SQL text)', () => {
  it('prepares a query once however often it runs, with each run’s own parameters', () => {
    const { db, prepared } = setUp();
    for (let i = 1; i <= 50; i += 1)
      db.insert(things)
        .values({ id: i, name: `thing ${i}` })
        .run();
    const names = [3, 7, 3].map((id) => db.select().from(things).where(sql`${things.id} = ${id}`).get()?.name);
    expect(names).toEqual(['thing 3', 'thing 7', 'thing 3']);
    expect(prepared).toHaveLength(2);
  });

  it('hands a kept statement back in plain-row mode after drizzle used it for array rows', () => {
    const { db } = setUp();
    db.insert(things).values({ id: 1, name: 'one' }).run();
    const text = 'select "id", "name" from "things"';
    // the builder reads arrays (raw mode) from the same SQL text a plain `sql` query reads objects from
    expect(db.select({ id: things.id, name: things.name }).from(things).all()).toEqual([{ id: 1, name: 'one' }]);
    expect(db.all(sql.raw(text))).toEqual([{ id: 1, name: 'one' }]);
    expect(db.select({ id: things.id, name: things.name }).from(things).all()).toEqual([{ id: 1, name: 'one' }]);
  });

  it('keeps at most `limit` statements (SQL text that varies with the number of parameters)', () => {
    const { db, prepared } = setUp(2);
    for (const n of [1, 2, 3, 1]) db.all(sql.raw(`select ${n} as n`));
    // 1, 2, 3 prepared; 1 was the oldest when 3 came, so it is prepared again
    expect(prepared).toHaveLength(4);
  });

  it('leaves the plain connection alone: statements the code prepares itself are its own', () => {
    const { sqlite, db } = setUp();
    db.all(sql.raw('select 1 as n'));
    const own = sqlite.prepare('select 1 as n').pluck();
    db.all(sql.raw('select 1 as n'));
    expect(own.get()).toBe(1);
  });

  it('lets a wrapper of the connection’s own prepare (a test’s storage fault) see every statement', () => {
    const { sqlite, db } = setUp();
    db.all(sql.raw('select 1 as n'));
    const seen: string[] = [];
    const prepare = sqlite.prepare;
    sqlite.prepare = ((source: string) => {
      seen.push(source);
      return prepare.call(sqlite, source);
    }) as typeof sqlite.prepare;
    db.all(sql.raw('select 1 as n'));
    expect(seen).toEqual(['select 1 as n']);
  });
});
