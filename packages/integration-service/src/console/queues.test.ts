import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { rawAll } from '../store/dialect.ts';
import { sqliteOnly } from '../testutil/store.ts';
import { borrowingStatuses, lendingStatuses } from '@bookstrap/core';
import { describe, expect, it } from 'vitest';
import { type Harness, useHarness } from '../testutil/harness.ts';
import { findLibraryBySymbol } from '../store/libraries.ts';
import { listRequests } from '../store/requests.ts';
import { bulkRequests } from '../testutil/bulk.ts';
import { queues } from './queues.ts';

/**
 * The console's queues: keyset pages that cover a queue exactly once in order, forwards and
 * back, and one search box for request ID, title, patron ID and barcode.
 */
async function signedInPage(h: Harness) {
  const jar = new Map<string, string>();
  const get = async (path: string) => {
    const response = await h.service.app.request(`http://127.0.0.1${path}`, {
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      jar.set(name!, value.join('='));
    }
    return { status: response.status, text: await response.text() };
  };
  const form = await get('/console/sign-in');
  const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
  const signed = await h.service.app.request('http://127.0.0.1/console/sign-in', {
    method: 'POST',
    headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, key: h.keys.TULSA }).toString(),
  });
  for (const line of signed.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const [name, ...value] = pair!.split('=');
    jar.set(name!, value.join('='));
  }
  return get;
}

const idsOnPage = (text: string) => [...text.matchAll(/<td><a href="\/console\/requests\/(\d+)">/g)].map((m) => m[1]!);

describe('console queues', () => {
  it('pages a queue by keyset: every request once, newest first, and back again', async () => {
    const h = await useHarness();
    const created: string[] = [];
    for (let n = 0; n < 57; n += 1) {
      const r = await h.ok(201, 'POST', '/v1/requests', {
        body: { role: 'borrowing', title: `Book ${n}`, patronId: `P${n % 5}`, pickupLocation: 'MAIN', lenders: ['LENDA'] },
      });
      created.push(r.id);
    }
    const get = await signedInPage(h);
    const seen: string[] = [];
    const pages: string[] = [];
    let path = '/console/queues?queue=borrowing-new';
    for (let guard = 0; guard < 10; guard += 1) {
      const page = await get(path);
      expect(page.status).toBe(200);
      pages.push(path);
      seen.push(...idsOnPage(page.text));
      const older = /<a href="([^"]+)" rel="next">Older<\/a>/.exec(page.text)?.[1]?.replaceAll('&amp;', '&');
      if (!older) break;
      path = older;
    }
    expect(seen).toEqual([...created].reverse());
    expect(pages).toHaveLength(3);
    expect((await get(pages[0]!)).text).toContain('57 requests');
    // back from the last page: Newer gives exactly the page before it
    const last = await get(pages[2]!);
    const newer = /<a href="([^"]+)" rel="prev">Newer<\/a>/.exec(last.text)![1]!.replaceAll('&amp;', '&');
    expect(idsOnPage((await get(newer)).text)).toEqual(idsOnPage((await get(pages[1]!)).text));
  });

  it('keyset pages partition any queue for any page size, older and back (property)', async () => {
    const h = await useHarness();
    // requests in several statuses, so a multi-status queue merges its statuses' index walks
    for (let n = 0; n < 23; n += 1) {
      const { id } = await h.ok(201, 'POST', '/v1/requests', {
        body: { role: 'borrowing', title: `Book ${n}`, patronId: 'P1', pickupLocation: 'MAIN', lenders: ['LENDA'] },
      });
      if (n % 3 === 1) await h.ok(200, 'POST', `/v1/requests/${id}/send`);
      else if (n % 5 === 2) await h.ok(200, 'POST', `/v1/requests/${id}/cancel`);
    }
    const { db } = h.service.database;
    const library = (await findLibraryBySymbol(db, 'TULSA'))!;
    const statusSets = [undefined, ['sent'], ['new-for-review', 'sent'], ['new-for-review', 'reviewed', 'sent', 'cancelled']];
    await fc.assert(
      // byIds: a search's matches (an ID set, looked up by ID and ordered in memory), every other request
      fc.asyncProperty(fc.integer({ min: 1, max: 30 }), fc.constantFrom(...statusSets), fc.boolean(), async (size, status, byIds) => {
        // the oracle: plain SQL, newest first
        // (either store: the same SQL on SQLite and Postgres)
        const rows = await rawAll<{ id: string; seq: number }>(
          db,
          sql`select id, seq from requests where library_id = ${library.id} and role = 'borrowing' ${
            status
              ? sql`and status in (${sql.join(
                  status.map((s) => sql`${s}`),
                  sql`, `,
                )})`
              : sql``
          } order by seq desc`,
        );
        const chosen = byIds ? rows.filter((r) => r.seq % 2 === 0).map((r) => r.id) : undefined;
        const all = rows.map((r) => r.id).filter((id) => !chosen || chosen.includes(id));
        const filter = {
          libraryId: library.id,
          role: 'borrowing' as const,
          ...(status ? { status } : {}),
          ...(chosen ? { requestIds: [...chosen].reverse() } : {}),
          limit: size,
          offset: 0,
        };
        const pages: string[][] = [];
        const cursors: (string | undefined)[] = [];
        let cursor: string | undefined;
        for (let guard = 0; guard < 100; guard += 1) {
          const page = await listRequests(db, { ...filter, ...(cursor ? { cursor } : {}) });
          expect(page.total).toBe(all.length);
          pages.push(page.requests.map((r) => r.id));
          cursors.push(page.prevCursor);
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
        expect(pages.flat()).toEqual(all);
        expect(cursors[0]).toBeUndefined();
        // back from the last page: each Newer is exactly the page before it
        for (let n = pages.length - 1; n > 0; n -= 1) {
          const back = await listRequests(db, { ...filter, newerThan: cursors[n]! });
          expect(back.requests.map((r) => r.id)).toEqual(pages[n - 1]);
          expect(back.prevCursor === undefined).toBe(n - 1 === 0);
        }
      }),
      { seed: 15, numRuns: 60 },
    );
  });

  // bulk rows go in through better-sqlite3 (thousands of requests in a blink)
  sqliteOnly('counts a queue up to 1,000 and shows more as "1,000+", never walking the library', async () => {
    const h = await useHarness();
    const { sqlite, db } = h.service.database;
    const library = (await findLibraryBySymbol(db, 'TULSA'))!;
    bulkRequests(sqlite, { libraryId: library.id, requests: 1_200, startSeq: 100_000, jobsPerRequest: 0, statuses: ['sent'] });
    const page = await listRequests(db, { libraryId: library.id, status: ['sent'], limit: 0, offset: 0 });
    expect(page).toMatchObject({ total: 1_000, totalCapped: true });
    const get = await signedInPage(h);
    const sent = (await get('/console/queues?queue=borrowing-sent')).text;
    // a third of bulk rows are lending: 800 of the 1,200 are borrowing, counted exactly
    expect(sent).toMatch(/Sent <span class="count" aria-label="800 requests">800<\/span>/);
    bulkRequests(sqlite, { libraryId: library.id, requests: 600, startSeq: 200_000, jobsPerRequest: 0, statuses: ['sent'] });
    const more = (await get('/console/queues?queue=borrowing-sent')).text;
    expect(more).toMatch(/Sent <span class="count" aria-label="1,000\+ requests">1,000\+<\/span>/);
    expect(more).toContain('1,000+ requests');
  });

  it('finds a request by its ID, its title, its patron or a barcode, and only in this library', async () => {
    const h = await useHarness();
    const a = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'borrowing', title: 'Middlemarch', patronId: 'PATRON-A', pickupLocation: 'MAIN', lenders: ['LENDA'] },
    });
    const b = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'borrowing', title: 'Emma', patronId: 'PATRON-B', pickupLocation: 'MAIN', lenders: ['LENDA'] },
    });
    await h.ok(200, 'POST', `/v1/requests/${b.id}/send`);
    await h.ok(200, 'POST', `/v1/requests/${b.id}/supplier-shipped`, { body: { supplierItemBarcode: 'LEND-4711', lenderDueDate: '2025-04-30' } });
    const other = await h.ok(201, 'POST', '/v1/requests', {
      key: h.keys.PARTNR,
      body: { role: 'borrowing', title: 'Middlemarch', patronId: 'PATRON-A', lenders: ['LENDA'] },
    });
    const get = await signedInPage(h);
    const search = async (queue: string, q: string) => idsOnPage((await get(`/console/queues?queue=${queue}&q=${encodeURIComponent(q)}`)).text);
    expect(await search('borrowing-new', a.id)).toEqual([a.id]);
    expect(await search('borrowing-new', 'middle')).toEqual([a.id]);
    expect(await search('borrowing-new', 'PATRON-A')).toEqual([a.id]);
    expect(await search('borrowing-in-transit', 'LEND-4711')).toEqual([b.id]);
    expect(await search('borrowing-new', 'LEND-4711')).toEqual([]);
    expect(await search('borrowing-new', other.id)).toEqual([]);
    const counts = (await get('/console/queues')).text;
    expect(counts).toMatch(/New for Review <span class="count" aria-label="1 requests">1<\/span>/);
    expect(counts).toMatch(/In Transit <span class="count" aria-label="1 requests">1<\/span>/);
    expect(queues.filter((q) => q.role === 'lending').map((q) => q.label)).toEqual([
      'Can you Supply?',
      'Shipped',
      'Returned',
      'Returned but Missing',
      'Needs attention',
      'Closed',
    ]);
  });
});

describe('queue definitions', () => {
  it.each([
    ['borrowing', borrowingStatuses],
    ['lending', lendingStatuses],
  ] as const)('every %s status is in exactly one of its queues (none dropped, none counted twice)', (role, statuses) => {
    for (const status of statuses) {
      const holding = queues.filter((q) => q.role === role && q.statuses?.includes(status)).map((q) => q.key);
      expect(holding, status).toHaveLength(1);
    }
  });

  it('a lost loan is in its own queue, not under Closed (lost is not terminal: it can come back)', () => {
    expect(queues.find((q) => q.statuses?.includes('lost'))?.key).toBe('borrowing-lost');
    expect(queues.find((q) => q.key === 'borrowing-closed')?.statuses).not.toContain('lost');
  });
});
