import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/requests/{id}/protocol-log (security)', () => {
  it("hides another library's traffic (404); needs a library key", async () => {
    const h = await useHarness();
    const { id } = await h.ok(201, 'POST', '/v1/requests', { key: h.keys.TULSA, body: { role: 'borrowing', title: 'Emma' } });
    expect((await h.request('GET', `/v1/requests/${id}/protocol-log`, { key: h.keys.PARTNR })).status).toBe(404);
    expect((await h.request('GET', `/v1/requests/${id}/protocol-log`, { key: null })).status).toBe(401);
    expect((await h.request('GET', `/v1/requests/${id}/protocol-log`, { key: h.adminKey })).status).toBe(403);
  });
});
