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
});
