import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Harness, useHarness } from '../testutil/harness.ts';
import { findLibraryBySymbol } from '../store/libraries.ts';
import { pageIds, queues } from './queues.ts';

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

  it('keyset pages partition any queue for any page size (property)', async () => {
    const h = await useHarness();
    for (let n = 0; n < 23; n += 1)
      await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: `Book ${n}`, patronId: 'P1', pickupLocation: 'MAIN', lenders: ['LENDA'] } });
    const library = findLibraryBySymbol(h.service.database.db, 'TULSA')!;
    const all = pageIds(h.service.database.db, { libraryId: library.id, role: 'borrowing' }, {}, 1000).ids;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), (size) => {
        const collected: string[] = [];
        let cursor: number | undefined;
        for (;;) {
          const page = pageIds(h.service.database.db, { libraryId: library.id, role: 'borrowing' }, { before: cursor }, size);
          collected.push(...page.ids);
          if (!page.hasOlder) break;
          cursor = page.seqs[page.seqs.length - 1];
        }
        expect(collected).toEqual(all);
      }),
      { seed: 15, numRuns: 30 },
    );
    expect(all).toHaveLength(23);
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
