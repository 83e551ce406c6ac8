import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrationsFolder, openDatabase } from './database.ts';

describe('migrations', () => {
  it('lists every .sql file in the journal (drizzle silently skips the others)', () => {
    const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
      entries: { tag: string }[];
    };
    const tags = new Set(journal.entries.map((entry) => entry.tag));
    const files = readdirSync(migrationsFolder).filter((name) => name.endsWith('.sql'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(tags, `${file} has no journal entry`).toContain(file.replace(/\.sql$/u, ''));
    expect(journal.entries).toHaveLength(files.length);
  });

  it('creates every table on a fresh database', () => {
    const { sqlite } = openDatabase(':memory:');
    const tables = sqlite
      .prepare("select name from sqlite_master where type = 'table'")
      .all()
      .map((row) => (row as { name: string }).name);
    expect(tables).toEqual(expect.arrayContaining(['items', 'holds', 'loans', 'fees', 'pickup_notices', 'in_house_uses']));
    sqlite.close();
  });
});
