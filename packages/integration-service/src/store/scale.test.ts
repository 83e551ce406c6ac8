import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { bulkRequests, insertBareLibrary } from '../testutil/bulk.ts';
import { useHarness } from '../testutil/harness.ts';
import { openDatabase } from './database.ts';
import { appendProtocolLog, pruneProtocolLog } from './protocol-log.ts';
import { listRequests, maxCountedTotal } from './requests.ts';
import { protocolLog } from './schema.ts';

describe('the store at scale', () => {
  it('prunes protocol-log exchanges older than the retention, and only those', async () => {
    const { db, close } = openDatabase(':memory:');
    try {
      const day = 24 * 60 * 60_000;
      const now = Date.UTC(2025, 2, 12);
      for (let age = 0; age < 40; age += 1) await appendProtocolLog(db, { at: new Date(now - age * day - 1), method: 'GET', url: `https://ils/${age}` });
      expect(await pruneProtocolLog(db, new Date(now - 30 * day), 7)).toBe(10);
      const left = db
        .select({ url: protocolLog.url })
        .from(protocolLog)
        .all()
        .map((r) => r.url);
      expect(left).toHaveLength(30);
      expect(left).not.toContain('https://ils/30');
      expect(left).toContain('https://ils/29');
    } finally {
      close();
    }
  });

  it("the service's sweep keeps 30 days of ILS traffic by default", async () => {
    const h = await useHarness();
    const db = h.service.database.db;
    await appendProtocolLog(db, { at: new Date(h.clock.now().getTime() - 31 * 24 * 60 * 60_000), method: 'GET', url: 'https://ils/old' });
    await appendProtocolLog(db, { at: new Date(h.clock.now().getTime() - 29 * 24 * 60 * 60_000), method: 'GET', url: 'https://ils/recent' });
    await h.service.sweep();
    expect(
      db
        .select({ url: protocolLog.url })
        .from(protocolLog)
        .all()
        .map((r) => r.url),
    ).toEqual(['https://ils/recent']);
  });

  it('a list counts up to its cap; the sweeps read their indexes (the lists: list-plans.test.ts)', async () => {
    const { db, sqlite, close } = openDatabase(':memory:');
    try {
      const library = insertBareLibrary(sqlite, 'TULSA');
      bulkRequests(sqlite, { libraryId: library, requests: 3_000, jobsPerRequest: 1 });
      const page = await listRequests(db, { libraryId: library, limit: 50, offset: 0 });
      expect(page).toMatchObject({ total: maxCountedTotal, totalCapped: true });
      expect(page.requests).toHaveLength(50);
      const plans = [sql`select seq from requests where status = 'returned-but-missing'`, sql`select id from protocol_log where at < 5 order by at limit 10`];
      for (const query of plans) {
        const plan = db
          .all<{ detail: string }>(sql`explain query plan ${query}`)
          .map((row) => row.detail)
          .join(' | ');
        expect(plan).not.toMatch(/TEMP B-TREE/);
        expect(plan).toMatch(/SEARCH|USING (COVERING )?INDEX/);
        expect(plan).not.toMatch(/^SCAN requests$|^SCAN protocol_log$/);
      }
    } finally {
      close();
    }
  });
});
