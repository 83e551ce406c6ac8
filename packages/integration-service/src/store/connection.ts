import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';
import { type SQL, sql } from 'drizzle-orm';
import type { Db } from './database.ts';

/**
 * One SQLite connection serves every task of the process. better-sqlite3 runs each statement
 * synchronously, but the store's API is asynchronous (so the same callers work on Postgres, whose
 * drivers are), and a transaction that awaits between its statements lets other tasks run: their
 * statements would land inside it, and roll back with it. So on SQLite a store call holds the
 * connection: one at a time, in the order they asked; a call made by one that holds it (a store
 * function calling another, a transaction's body) runs at once. A call that finds the connection
 * free starts at once, synchronously, so a store function whose body never awaits is as atomic as
 * it was when the store was synchronous.
 */
class ConnectionLock {
  private busy = false;
  private readonly waiting: (() => void)[] = [];

  run<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.busy) {
      this.busy = true;
      return this.hold(fn);
    }
    return new Promise<T>((resolve, reject) => {
      this.waiting.push(() => {
        this.hold(fn).then(resolve, reject);
      });
    });
  }

  private hold<T>(fn: () => Promise<T>): Promise<T> {
    // `active` ends with the hold: work the holder started and left running (a timer, a promise
    // not awaited) carries the context on, but must queue like anyone else once the hold is over.
    const holder: Holder = { lock: this, active: true };
    let result: Promise<T>;
    try {
      result = holders.run(holder, fn);
    } catch (error) {
      result = Promise.reject(error);
    }
    return result.finally(() => {
      holder.active = false;
      const next = this.waiting.shift();
      if (next) next();
      else this.busy = false;
    });
  }
}

interface Holder {
  lock: ConnectionLock;
  active: boolean;
}

const holders = new AsyncLocalStorage<Holder>();
const locks = new WeakMap<Database.Database, ConnectionLock>();

/** The better-sqlite3 connection behind a store handle; undefined for other drivers. */
export function sqliteClientOf(db: Db): Database.Database | undefined {
  const client = (db as { $client?: unknown }).$client;
  return client && typeof (client as Database.Database).prepare === 'function' && typeof (client as Database.Database).exec === 'function'
    ? (client as Database.Database)
    : undefined;
}

function lockOf(client: Database.Database): ConnectionLock {
  let lock = locks.get(client);
  if (!lock) {
    lock = new ConnectionLock();
    locks.set(client, lock);
  }
  return lock;
}

/** Runs a store call holding the connection (SQLite); at once when this task already holds it. */
export function connection<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  const client = sqliteClientOf(db);
  if (!client) return fn();
  const lock = lockOf(client);
  const current = holders.getStore();
  if (current?.active && current.lock === lock) return fn();
  return lock.run(fn);
}

export interface TransactionOptions {
  /**
   * SQLite: `immediate` (the default) takes the write lock before the first read, so two
   * processes on one file never both read a state and then both write on it; `deferred` for a
   * transaction that only reads.
   */
  behavior?: 'immediate' | 'deferred';
}

let savepoints = 0;

/**
 * Runs `fn` in one transaction: everything it writes commits together, or nothing does when it
 * throws. Inside another transaction it is a savepoint (its own writes undone when it throws, the
 * outer transaction's kept). `fn` must await only the store: the transaction holds the connection
 * (SQLite) or a pooled client (Postgres) until it ends, so an ILS call inside it would stall the store.
 */
export function transaction<T>(db: Db, fn: (tx: Db) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const client = sqliteClientOf(db);
  if (!client) return postgresTransaction(db, fn, options);
  return connection(db, async () => {
    if (client.inTransaction) {
      const name = `bookstrap_${++savepoints}`;
      client.exec(`savepoint ${name}`);
      try {
        const result = await fn(db);
        client.exec(`release ${name}`);
        return result;
      } catch (error) {
        if (client.inTransaction) client.exec(`rollback to ${name}; release ${name}`);
        throw error;
      }
    }
    client.exec(options.behavior === 'deferred' ? 'begin deferred' : 'begin immediate');
    try {
      const result = await fn(db);
      client.exec('commit');
      return result;
    } catch (error) {
      // SQLite may have rolled back already (a constraint failure with ON CONFLICT ROLLBACK, a busy commit).
      if (client.inTransaction) client.exec('rollback');
      throw error;
    }
  });
}

/**
 * Postgres: a transaction on one pooled client (a savepoint inside another). An `immediate` one
 * first takes a transaction-level advisory lock that every immediate transaction takes, so they
 * run one at a time across instances exactly as SQLite's BEGIN IMMEDIATE makes them: the store's
 * read-then-write steps (the next request ID, an idempotency key, a request's status change)
 * were written for that and stay correct. The outbox claim is not one of them: it takes its job
 * with FOR UPDATE SKIP LOCKED (outbox.ts), so instances claim in parallel.
 */
async function postgresTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>, options: TransactionOptions): Promise<T> {
  const pg = db as unknown as { transaction<R>(fn: (tx: unknown) => Promise<R>): Promise<R> };
  return pg.transaction(async (tx) => {
    if (options.behavior !== 'deferred') await (tx as { execute(q: SQL): Promise<unknown> }).execute(sql`select pg_advisory_xact_lock(${writerLock})`);
    return fn(tx as Db);
  });
}

/** The immediate transactions' advisory lock ('bkwr' in ASCII; the migrations take 'bkst'). */
export const writerLock = 0x626b7772;
