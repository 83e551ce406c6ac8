import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/requests/attention-counts (security)', () => {
  it("needs a key; a library key sees only its own library's counts", async () => {
    const h = await useHarness();
    await h.ok(201, 'POST', '/v1/requests', { key: h.keys.PARTNR, body: { role: 'borrowing', title: 'Emma', patronId: 'no.such.patron' } });
    await h.drain();
    expect((await h.request('GET', '/v1/requests/attention-counts', { key: null })).status).toBe(401);
    expect((await h.request('GET', '/v1/requests/attention-counts', { key: 'not-a-key' })).status).toBe(401);
    const tulsa = await h.ok(200, 'GET', '/v1/requests/attention-counts', { key: h.keys.TULSA });
    expect(tulsa).toEqual({ total: 0, byReason: {} });
    expect(tulsa).not.toHaveProperty('libraries');
  });
});
