import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { insertBareLibrary } from '../testutil/bulk.ts';
import { type OpenedDatabase, openDatabase } from './database.ts';
import { findBy } from './prepared.ts';
import { findLibraryById } from './libraries.ts';
import { libraries } from './schema.ts';

let opened: OpenedDatabase[] = [];
const open = () => {
  const database = openDatabase(':memory:');
  opened.push(database);
  return database;
};
afterEach(() => {
  for (const database of opened) database.close();
  opened = [];
});

describe('findBy (by-key finds built once per connection)', () => {
  it('finds each key’s own row, and nothing for a missing key', () => {
    const { sqlite, db } = open();
    const tulsa = insertBareLibrary(sqlite, 'TULSA');
    const okc = insertBareLibrary(sqlite, 'OKC');
    expect(findLibraryById(db, tulsa)?.symbol).toBe('TULSA');
    expect(findLibraryById(db, okc)?.symbol).toBe('OKC');
    expect(findLibraryById(db, okc + 100)).toBeUndefined();
    expect(findBy<{ name: string }>(db, libraries, libraries.symbol, 'OKC')?.name).toBe('OKC');
  });

  it('inside a transaction reads what the transaction wrote, and after a rollback not', () => {
    const { sqlite, db } = open();
    const tulsa = insertBareLibrary(sqlite, 'TULSA');
    expect(findLibraryById(db, tulsa)?.name).toBe('TULSA');
    expect(() =>
      db.transaction((tx) => {
        tx.update(libraries).set({ name: 'Tulsa City-County' }).where(eq(libraries.id, tulsa)).run();
        expect(findLibraryById(tx, tulsa)?.name).toBe('Tulsa City-County');
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expect(findLibraryById(db, tulsa)?.name).toBe('TULSA');
  });

  it('keeps each database’s finds apart (two connections, same key)', () => {
    const first = open();
    const second = open();
    const a = insertBareLibrary(first.sqlite, 'FIRST');
    const b = insertBareLibrary(second.sqlite, 'SECOND');
    expect(a).toBe(b);
    expect(findLibraryById(first.db, a)?.symbol).toBe('FIRST');
    expect(findLibraryById(second.db, b)?.symbol).toBe('SECOND');
  });
});
