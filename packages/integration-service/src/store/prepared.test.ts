import { transaction } from './connection.ts';
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
  it('finds each key’s own row, and nothing for a missing key', async () => {
    const { sqlite, db } = open();
    const tulsa = insertBareLibrary(sqlite, 'TULSA');
    const okc = insertBareLibrary(sqlite, 'OKC');
    expect((await findLibraryById(db, tulsa))?.symbol).toBe('TULSA');
    expect((await findLibraryById(db, okc))?.symbol).toBe('OKC');
    expect(await findLibraryById(db, okc + 100)).toBeUndefined();
    expect((await findBy<{ name: string }>(db, libraries, libraries.symbol, 'OKC'))?.name).toBe('OKC');
  });

  it('inside a transaction reads what the transaction wrote, and after a rollback not', async () => {
    const { sqlite, db } = open();
    const tulsa = insertBareLibrary(sqlite, 'TULSA');
    expect((await findLibraryById(db, tulsa))?.name).toBe('TULSA');
    await expect(
      transaction(db, async (tx) => {
        tx.update(libraries).set({ name: 'Tulsa City-County' }).where(eq(libraries.id, tulsa)).run();
        expect((await findLibraryById(tx, tulsa))?.name).toBe('Tulsa City-County');
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await findLibraryById(db, tulsa))?.name).toBe('TULSA');
  });

  it('keeps each database’s finds apart (two connections, same key)', async () => {
    const first = open();
    const second = open();
    const a = insertBareLibrary(first.sqlite, 'FIRST');
    const b = insertBareLibrary(second.sqlite, 'SECOND');
    expect(a).toBe(b);
    expect((await findLibraryById(first.db, a))?.symbol).toBe('FIRST');
    expect((await findLibraryById(second.db, b))?.symbol).toBe('SECOND');
  });
});
