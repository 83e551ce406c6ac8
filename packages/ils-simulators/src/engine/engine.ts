import type Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { type Clock, systemClock } from '../clock.ts';
import { type EngineDatabase, openDatabase } from './database.ts';
import { allTables } from './schema.ts';

/**
 * The circulation engine: a database and a clock. Operations are plain functions taking the
 * engine first (`checkOut(engine, …)`), so every vendor façade composes the same rules.
 */
export interface Engine {
  db: EngineDatabase;
  sqlite: Database.Database;
  clock: Clock;
}

export interface CreateEngineOptions {
  /** SQLite file; `:memory:` (the default) keeps everything in the process. */
  dbPath?: string;
  clock?: Clock;
}

export function createEngine(options: CreateEngineOptions = {}): Engine {
  const { sqlite, db } = openDatabase(options.dbPath ?? ':memory:');
  return { db, sqlite, clock: options.clock ?? systemClock };
}

export function closeEngine(engine: Engine): void {
  if (engine.sqlite.open) engine.sqlite.close();
}

/** Empties every table and restarts the id sequences, so a reseed produces the same ids. */
export function clearEngine(engine: Engine): void {
  const tables = Object.values(allTables).reverse();
  engine.db.transaction((tx) => {
    for (const table of tables) tx.delete(table).run();
    // sqlite_sequence exists once an AUTOINCREMENT table has had a row.
    const hasSequence = tx.all<{ name: string }>(sql`select name from sqlite_master where type = 'table' and name = 'sqlite_sequence'`);
    if (hasSequence.length > 0) tx.run(sql`delete from sqlite_sequence`);
  });
}

/** Every row of every table: the control plane's `GET /_sim/state`. */
export function dumpState(engine: Engine): Record<string, unknown[]> {
  const state: Record<string, unknown[]> = {};
  for (const [name, table] of Object.entries(allTables)) {
    state[name] = engine.db.select().from(table).all();
  }
  return state;
}
