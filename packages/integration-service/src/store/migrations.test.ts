import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { describe, expect, it } from 'vitest';
import { migrationsFolder, openDatabase } from './database.ts';
import { listRequests } from './requests.ts';

describe('migrations', () => {
  it('every .sql file has a journal entry (drizzle silently skips the others)', () => {
    const files = readdirSync(migrationsFolder)
      .filter((f) => f.endsWith('.sql'))
      .map((f) => f.replace(/\.sql$/, ''))
      .sort();
    const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    expect(journal.entries.map((e) => e.tag).sort()).toEqual(files);
  });

  it('migrates an empty database and refuses to rewrite the circulation history', () => {
    const { sqlite, close } = openDatabase(':memory:');
    sqlite.exec(
      `insert into libraries (symbol, name, connection, settings, pickup_locations, created_at, updated_at) values ('TST', 'Test', '{}', '{}', '[]', 0, 0)`,
    );
    sqlite.exec(`insert into requests (seq, id, library_id, role, service_type, status, title, lenders, created_at, updated_at)
                 values (1, '1000017', 1, 'borrowing', 'loan', 'new-for-review', 'Dracula', '[]', 0, 0)`);
    sqlite.exec(`insert into circulation_history (request_id, at, kind, text) values ('1000017', 0, 'created', 'Request created.')`);
    expect(() => sqlite.exec(`update circulation_history set text = 'rewritten'`)).toThrow(/append-only/);
    expect(() => sqlite.exec(`delete from circulation_history`)).toThrow(/append-only/);
    close();
  });

  it('runs a file database in WAL mode, creating its folder', () => {
    const folder = mkdtempSync(join(tmpdir(), 'bookstrap-db-'));
    try {
      const { sqlite, close } = openDatabase(join(folder, 'nested', 'bookstrap.sqlite'));
      expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('the title index migration indexes the requests already stored', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'bookstrap-migrations-'));
    try {
      // the migrations as they were before the title index (0015), applied first
      cpSync(migrationsFolder, folder, { recursive: true });
      const journalPath = join(folder, 'meta', '_journal.json');
      const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
      const at = journal.entries.findIndex((e) => e.tag === '0015_title_trigram_search');
      expect(at).toBeGreaterThan(0);
      writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
      const sqlite = new Database(':memory:');
      const db = drizzle(sqlite);
      migrate(db, { migrationsFolder: folder });
      sqlite.exec(
        `insert into libraries (symbol, name, connection, settings, pickup_locations, created_at, updated_at) values ('TST', 'Test', '{}', '{}', '[]', 0, 0)`,
      );
      sqlite.exec(`insert into requests (seq, id, library_id, role, service_type, status, title, lenders, created_at, updated_at)
                   values (1, '1000017', 1, 'borrowing', 'loan', 'new-for-review', 'Dracula', '[]', 0, 0)`);
      migrate(db, { migrationsFolder });
      expect((await listRequests(db, { libraryId: 1, title: 'acul', limit: 10, offset: 0 })).requests.map((r) => r.id)).toEqual(['1000017']);
      sqlite.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
