import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/requests (happy)', () => {
  it('lists newest first, filters by status, role, title and attention, and pages', async () => {
    const h = await useHarness();
    const a = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Dracula', patronId: 'no.such.patron' } });
    const b = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Jane Eyre', lenders: ['LENDA'], patronId: 'x' } });
    const c = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'lending', title: 'Opticks', borrowingLibrary: 'OKLA' } });
    await h.ok(200, 'POST', `/v1/requests/${b.id}/send`);
    await h.drain();

    const all = await h.ok(200, 'GET', '/v1/requests');
    expect(all.requests.map((r: { id: string }) => r.id)).toEqual([c.id, b.id, a.id]);
    expect(all).toMatchObject({ total: 3, limit: 50, offset: 0 });
    expect((await h.ok(200, 'GET', '/v1/requests?status=sent,can-you-supply')).requests.map((r: { id: string }) => r.id)).toEqual([c.id, b.id]);
    expect((await h.ok(200, 'GET', '/v1/requests?role=lending')).requests.map((r: { id: string }) => r.id)).toEqual([c.id]);
    expect((await h.ok(200, 'GET', '/v1/requests?title=eyre')).requests.map((r: { id: string }) => r.id)).toEqual([b.id]);
    const attention = await h.ok(200, 'GET', '/v1/requests?needsAttention=true');
    expect(attention.requests.map((r: { id: string }) => r.id)).toEqual([b.id, a.id]);
    expect(attention.requests[1].attention.detail).toContain('invalid patron id');
    expect((await h.ok(200, 'GET', '/v1/requests?needsAttention=false')).requests.map((r: { id: string }) => r.id)).toEqual([c.id]);
    // the attention filter pages in the database, total included
    expect(await h.ok(200, 'GET', '/v1/requests?needsAttention=true&limit=1&offset=1')).toMatchObject({ total: 2, requests: [{ id: a.id }] });
    const page = await h.ok(200, 'GET', '/v1/requests?limit=1&offset=1');
    expect(page).toMatchObject({ total: 3, requests: [{ id: b.id }] });
  });

  it('pages by cursor: stable while new requests arrive, every request exactly once; filters by patron', async () => {
    const h = await useHarness();
    const made: string[] = [];
    for (let i = 0; i < 7; i += 1)
      made.push((await h.ok(201, 'POST', '/v1/requests', { body: { role: 'lending', title: `Book ${i}`, borrowingLibrary: 'OKLA' } })).id);
    const seen: string[] = [];
    let page = await h.ok(200, 'GET', '/v1/requests?limit=3');
    seen.push(...page.requests.map((r: { id: string }) => r.id));
    // A request created between pages does not shift the next page (OFFSET paging would repeat one).
    await h.ok(201, 'POST', '/v1/requests', { body: { role: 'lending', title: 'Late arrival', borrowingLibrary: 'OKLA' } });
    while (page.nextCursor) {
      page = await h.ok(200, 'GET', `/v1/requests?limit=3&cursor=${page.nextCursor}`);
      seen.push(...page.requests.map((r: { id: string }) => r.id));
    }
    expect(seen).toEqual([...made].reverse());
    expect(page).toMatchObject({ totalCapped: false });
    expect(page.nextCursor).toBeUndefined();
    const mine = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Emma', patronId: 'patron.emma', lenders: ['LENDA'] } });
    expect((await h.ok(200, 'GET', '/v1/requests?patronId=patron.emma')).requests.map((r: { id: string }) => r.id)).toEqual([mine.id]);
  });

  it('searches as the console does: request ID, patron, barcode, else part of the title; other libraries never', async () => {
    const h = await useHarness();
    const a = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Middlemarch', patronId: 'PATRON-A', lenders: ['LENDA'] } });
    const b = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Emma', patronId: 'PATRON-B', lenders: ['LENDA'] } });
    await h.ok(200, 'POST', `/v1/requests/${b.id}/send`);
    await h.ok(200, 'POST', `/v1/requests/${b.id}/supplier-shipped`, { body: { supplierItemBarcode: 'LEND-4711', lenderDueDate: '2025-04-30' } });
    const other = await h.ok(201, 'POST', '/v1/requests', {
      key: h.keys.PARTNR,
      body: { role: 'borrowing', title: 'Middlemarch', patronId: 'PATRON-A', lenders: ['LENDA'] },
    });
    const ids = async (query: string) => (await h.ok(200, 'GET', `/v1/requests?${query}`)).requests.map((r: { id: string }) => r.id);
    expect(await ids(`search=${a.id}`)).toEqual([a.id]);
    expect(await ids('search=PATRON-B')).toEqual([b.id]);
    expect(await ids('search=LEND-4711')).toEqual([b.id]);
    expect(await ids('search=LEND-4711&status=new-for-review')).toEqual([]);
    expect(await ids('search=DLEMAR')).toEqual([a.id]);
    expect(await ids('search=mm')).toEqual([]);
    expect(await ids(`search=${other.id}`)).toEqual([]);
    expect(await ids('title=emm')).toEqual([b.id]);
  });

  it('pages back with prevCursor: the same pages, newest first, and none before the first', async () => {
    const h = await useHarness();
    const made: string[] = [];
    for (let i = 0; i < 7; i += 1)
      made.push((await h.ok(201, 'POST', '/v1/requests', { body: { role: 'lending', title: `Book ${i}`, borrowingLibrary: 'OKLA' } })).id);
    const newest = [...made].reverse();
    const first = await h.ok(200, 'GET', '/v1/requests?limit=3');
    expect(first.prevCursor).toBeUndefined();
    const second = await h.ok(200, 'GET', `/v1/requests?limit=3&cursor=${first.nextCursor}`);
    const third = await h.ok(200, 'GET', `/v1/requests?limit=3&cursor=${second.nextCursor}`);
    expect(third.requests.map((r: { id: string }) => r.id)).toEqual(newest.slice(6));
    const back = await h.ok(200, 'GET', `/v1/requests?limit=3&prevCursor=${third.prevCursor}`);
    expect(back.requests.map((r: { id: string }) => r.id)).toEqual(newest.slice(3, 6));
    expect(back.nextCursor).toBe(second.nextCursor);
    const top = await h.ok(200, 'GET', `/v1/requests?limit=3&prevCursor=${back.prevCursor}`);
    expect(top.requests.map((r: { id: string }) => r.id)).toEqual(newest.slice(0, 3));
    expect(top.prevCursor).toBeUndefined();
    // a filter pages back the same way
    const lendingBack = await h.ok(200, 'GET', `/v1/requests?limit=3&role=lending&title=book&prevCursor=${third.prevCursor}`);
    expect(lendingBack.requests.map((r: { id: string }) => r.id)).toEqual(newest.slice(3, 6));
  });
});
