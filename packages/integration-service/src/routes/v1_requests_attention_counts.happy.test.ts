import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/requests/attention-counts (happy)', () => {
  it("counts the library's queue by reason; the admin key sees every library", async () => {
    const h = await useHarness();
    expect(await h.ok(200, 'GET', '/v1/requests/attention-counts')).toEqual({ total: 0, byReason: {} });
    await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Emma', patronId: 'no.such.patron' } });
    await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Dracula', patronId: 'nobody.either' } });
    await h.ok(201, 'POST', '/v1/requests', { key: h.keys.PARTNR, body: { role: 'borrowing', title: 'Emma', patronId: 'no.such.patron' } });
    await h.drain();
    expect(await h.ok(200, 'GET', '/v1/requests/attention-counts')).toEqual({ total: 2, byReason: { 'patron-problem': 2 } });
    expect(await h.ok(200, 'GET', '/v1/requests/attention-counts', { key: h.keys.PARTNR })).toEqual({ total: 1, byReason: { 'patron-problem': 1 } });
    expect(await h.ok(200, 'GET', '/v1/requests/attention-counts', { key: h.adminKey })).toEqual({
      total: 3,
      byReason: { 'patron-problem': 3 },
      libraries: { TULSA: { total: 2, byReason: { 'patron-problem': 2 } }, PARTNR: { total: 1, byReason: { 'patron-problem': 1 } } },
    });
    // the list filter and the count agree
    expect((await h.ok(200, 'GET', '/v1/requests?needsAttention=true')).total).toBe(2);
  });
});
