import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { loadQueue, queues } from '../console/queues.ts';
import { bulkRequests, insertBareLibrary } from '../testutil/bulk.ts';
import { planProblems, recordStatements } from '../testutil/query-plans.ts';
import { attentionCounts } from './attention.ts';
import { openDatabase } from './database.ts';
import { findLibraryRequest, findRequest, listRequests, maxCountedTotal, maxTitleCandidates, type RequestFilter } from './requests.ts';

/**
 * Every list the API and the console offer, at a size where a scan or a sort would show: each
 * statement the store actually runs (recorded, with its values) is planned by SQLite, and no plan
 * may read the requests table row by row or sort in a temporary b-tree (issue 14).
 */
function seeded() {
  const opened = openDatabase(':memory:');
  const recorder = recordStatements(opened.sqlite);
  const library = insertBareLibrary(opened.sqlite, 'TULSA');
  const other = insertBareLibrary(opened.sqlite, 'OKLA');
  bulkRequests(opened.sqlite, { libraryId: library, requests: 3_000, jobsPerRequest: 1 });
  bulkRequests(opened.sqlite, { libraryId: other, requests: 200, startSeq: 3_001, jobsPerRequest: 1 });
  opened.sqlite.exec(
    `update requests set temporary_barcode = 'TB-' || seq, supplier_item_barcode = 'LB-' || seq, item_barcode = 'IB-' || seq where seq % 100 = 7`,
  );
  recorder.take();
  return { ...opened, recorder, library, other };
}

describe('list plans at scale', () => {
  it('every list shape, search and count runs on indexes: no table scan, no temporary sort', async () => {
    const { db, recorder, library, close } = seeded();
    try {
      const base = { libraryId: library, limit: 50, offset: 0 };
      const newest = await listRequests(db, base);
      let deep = newest.nextCursor;
      for (let i = 0; i < 20 && deep; i += 1) deep = (await listRequests(db, { ...base, cursor: deep })).nextCursor;
      recorder.take();
      const closed = queues.find((q) => q.key === 'borrowing-closed')!;
      const shapes: [string, () => Promise<unknown>][] = [
        ['newest', async () => await listRequests(db, base)],
        ['status', async () => await listRequests(db, { ...base, status: ['sent'] })],
        ['two statuses', async () => await listRequests(db, { ...base, status: ['sent', 'received'] })],
        ['role', async () => await listRequests(db, { ...base, role: 'lending' })],
        ['role + status', async () => await listRequests(db, { ...base, role: 'lending', status: ['shipped'] })],
        ['patron', async () => await listRequests(db, { ...base, patronId: 'patron-7' })],
        ['needsAttention', async () => await listRequests(db, { ...base, needsAttention: true })],
        ['not needsAttention', async () => await listRequests(db, { ...base, needsAttention: false })],
        ['role + needsAttention', async () => await listRequests(db, { ...base, role: 'lending', needsAttention: true })],
        ['offset', async () => await listRequests(db, { ...base, offset: 100 })],
        ['cursor deep page', async () => await listRequests(db, { ...base, cursor: deep })],
        ['page back', async () => await listRequests(db, { ...base, newerThan: deep })],
        ['title, big filter (index walk)', async () => await listRequests(db, { ...base, title: 'walden' })],
        ['title, small filter (look-ups)', async () => await listRequests(db, { ...base, role: 'lending', status: ['sent'], title: 'walden' })],
        ['title, several statuses', async () => await listRequests(db, { ...base, role: 'borrowing', status: ['sent', 'complete'], title: 'walden' })],
        ['title, deep page', async () => await listRequests(db, { ...base, title: 'walden', cursor: deep })],
        ['title, page back', async () => await listRequests(db, { ...base, title: 'walden', newerThan: deep })],
        ['search: request ID', async () => await listRequests(db, { ...base, search: 'R1207' })],
        ['search: patron', async () => await listRequests(db, { ...base, search: 'patron-42' })],
        ['search: temporary barcode', async () => await listRequests(db, { ...base, search: 'TB-1207' })],
        ['search: lender barcode', async () => await listRequests(db, { ...base, search: 'LB-1207' })],
        ['search: item barcode', async () => await listRequests(db, { ...base, search: 'IB-1207' })],
        ['search: title', async () => await listRequests(db, { ...base, search: 'Eyre' })],
        ['search: nothing', async () => await listRequests(db, { ...base, search: 'no such thing' })],
        ['counts (limit 0)', async () => await listRequests(db, { ...base, role: 'borrowing', status: ['complete', 'cancelled'], limit: 0 })],
        ['console queue page + all counts', async () => await loadQueue(db, library, closed, { q: 'Walden', cursor: deep })],
        ['attention counts', async () => await attentionCounts(db, library)],
        ['request by id', async () => await findLibraryRequest(db, library, 'R1207')],
        ['request by id (any library)', async () => await findRequest(db, 'R1207')],
      ];
      for (const [name, run] of shapes) {
        await run();
        const ran = recorder.take();
        expect(ran.length, name).toBeGreaterThan(0);
        for (const statement of ran) {
          const plan = recorder.plan(statement);
          if (process.env.SHOW_PLANS) console.log(name, statement.params, '\n  ', plan.join('\n   '));
          expect(planProblems(plan), `${name}: ${statement.source}\n${plan.join('\n')}`).toEqual([]);
        }
      }
    } finally {
      close();
    }
  });

  it('a plan that scans or sorts is caught (the check itself)', () => {
    const { sqlite, recorder, close } = seeded();
    try {
      sqlite.prepare(`select * from requests where title like '%a%' order by created_at`).all();
      sqlite.prepare(`select rowid from requests_title_fts where title like '%ab'`).all();
      const [scan, fts] = recorder.take();
      expect(planProblems(recorder.plan(scan!))).toEqual(['SCAN requests', 'USE TEMP B-TREE FOR ORDER BY']);
      expect(planProblems(recorder.plan(fts!))).toHaveLength(1);
    } finally {
      close();
    }
  });

  it('title search finds exactly what a substring match finds, newest first, in every shape', async () => {
    const { db, sqlite, library, close } = seeded();
    try {
      sqlite.exec(`update requests set title = 'The "Quoted" Café: 100% Proof_' where seq in (11, 2999)`);
      const reference = (term: string, where = '') =>
        (
          sqlite
            .prepare(`select id from requests where library_id = ? and instr(lower(title), lower(?)) > 0 ${where} order by seq desc`)
            .all(library, term) as { id: string }[]
        ).map((r) => r.id);
      const all = async (filter: Omit<RequestFilter, 'libraryId' | 'limit' | 'offset'>) => {
        const ids: string[] = [];
        let page = await listRequests(db, { libraryId: library, limit: 37, offset: 0, ...filter });
        ids.push(...page.requests.map((r) => r.id));
        while (page.nextCursor) {
          page = await listRequests(db, { libraryId: library, limit: 37, offset: 0, ...filter, cursor: page.nextCursor });
          ids.push(...page.requests.map((r) => r.id));
        }
        return { ids, total: (await listRequests(db, { libraryId: library, limit: 1, offset: 0, ...filter })).total };
      };
      for (const term of ['walden', 'WALDEN 12', 'n 1', 'eyre 29', '"quoted"', '100% proof_', 'café', 'zzz']) {
        const expected = reference(term);
        expect(await all({ title: term }), term).toEqual({ ids: expected, total: Math.min(expected.length, maxCountedTotal) });
        const lending = reference(term, `and role = 'lending' and status in ('sent', 'shipped')`);
        expect(await all({ title: term, role: 'lending', status: ['sent', 'shipped'] }), `${term} (lending)`).toEqual({ ids: lending, total: lending.length });
      }
      expect(reference('walden').length).toBeGreaterThan(maxCountedTotal / 4);
      await expect(listRequests(db, { libraryId: library, limit: 10, offset: 0, title: 'wa' })).rejects.toThrow(/at least 3 characters/);
      // the search box: 1–2 characters find identifiers only (no title has a trigram that short)
      expect((await listRequests(db, { libraryId: library, limit: 10, offset: 0, search: 'Em' })).requests).toEqual([]);
      // another library's titles are never found
      expect((await listRequests(db, { libraryId: library, limit: 300, offset: 0, title: 'Dracula 19' })).requests.every((r) => r.libraryId === library)).toBe(
        true,
      );
    } finally {
      close();
    }
  });

  it('the title index changes with the request, in the same transaction', async () => {
    const { db, sqlite, library, close } = seeded();
    try {
      const titled = async (term: string) => (await listRequests(db, { libraryId: library, limit: 10, offset: 0, title: term })).requests.map((r) => r.id);
      sqlite.exec(`update requests set title = 'Zuleika Dobson' where seq = 5`);
      expect(await titled('zuleika')).toEqual(['R5']);
      // a save that writes the same title (every step change does) leaves the index alone
      const indexRows = () => (sqlite.prepare('select count(*) as n from requests_title_fts_data').get() as { n: number }).n;
      const before = indexRows();
      for (let i = 0; i < 5; i += 1) sqlite.exec(`update requests set title = title, status = 'sent' where seq = 5`);
      expect(indexRows()).toBe(before);
      sqlite.exec(`update requests set title = 'Zuleika Dobson', status = 'received' where seq = 5`);
      expect(indexRows()).toBe(before);
      expect(await titled('Persuasion 4')).not.toContain('R5');
      // a write that rolls back leaves the index as it was
      expect(() =>
        sqlite.transaction(() => {
          sqlite.exec(`update requests set title = 'Nightmare Abbey' where seq = 6`);
          sqlite.exec(`insert into requests (seq, id, library_id, role, service_type, status, title, lenders, created_at, updated_at)
                       values (9001, 'R9001', ${library}, 'borrowing', 'loan', 'sent', 'Nightmare Abbey II', '[]', 0, 0)`);
          throw new Error('crash');
        })(),
      ).toThrow('crash');
      expect(await titled('nightmare')).toEqual([]);
      sqlite.exec(`delete from outbox_jobs where request_id = 'R5'`);
      sqlite.exec(`delete from requests where seq = 5`);
      expect(await titled('zuleika')).toEqual([]);
      // FTS5's own check: the index holds exactly the stored titles
      expect(() => db.run(sql`insert into requests_title_fts (requests_title_fts, rank) values ('integrity-check', 1)`)).not.toThrow();
    } finally {
      close();
    }
  });

  it('a common title in a big filter it rarely meets: every match listed, the count "at least" after its budget', async () => {
    const { db, sqlite, library, close } = seeded();
    try {
      // 10,500 titles hold "Common"; 3 of them are borrowing requests (two too old for the count's budget)
      sqlite.exec(`delete from outbox_jobs; delete from requests`);
      bulkRequests(sqlite, { libraryId: library, requests: maxTitleCandidates + 2_000, jobsPerRequest: 0 });
      sqlite.exec(`update requests set title = 'Common ' || seq, role = 'lending' where seq <= ${maxTitleCandidates + 500}`);
      sqlite.exec(`update requests set role = 'borrowing' where seq in (1, 2, ${maxTitleCandidates})`);
      sqlite.exec(`update requests set title = 'Other ' || seq, role = 'borrowing' where seq > ${maxTitleCandidates + 500}`);
      const page = await listRequests(db, { libraryId: library, role: 'borrowing', title: 'common', limit: 50, offset: 0 });
      expect(page.requests.map((r) => r.id)).toEqual([`R${maxTitleCandidates}`, 'R2', 'R1']);
      expect(page).toMatchObject({ total: 3, totalCapped: true });
      // within the budget the count is exact
      expect(await listRequests(db, { libraryId: library, role: 'borrowing', title: 'other 55', limit: 50, offset: 0 })).toMatchObject({
        total: 100,
        totalCapped: false,
      });
    } finally {
      close();
    }
  });
});
