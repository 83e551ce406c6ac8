import { describe, expect, it } from 'vitest';
import { snapshot, useHarness } from '../testutil/harness.ts';

describe('PATCH /v1/requests/{id} (security)', () => {
  it("cannot correct another library's request; needs a library key", async () => {
    const h = await useHarness();
    const { id } = await h.ok(201, 'POST', '/v1/requests', { key: h.keys.TULSA, body: { role: 'borrowing', title: 'Emma', lenders: ['LENDA'] } });
    const before = await snapshot(h);
    const body = { patronId: 'P-1', note: 'n' };
    expect((await h.request('PATCH', `/v1/requests/${id}`, { key: h.keys.PARTNR, body })).status).toBe(404);
    expect((await h.request('PATCH', `/v1/requests/${id}`, { key: null, body })).status).toBe(401);
    expect((await h.request('PATCH', `/v1/requests/${id}`, { key: h.adminKey, body })).status).toBe(403);
    expect((await h.request('PATCH', `/v1/requests/${id}`, { key: 'not-a-key', body })).status).toBe(401);
    expect(await snapshot(h)).toBe(before);
  });
});
