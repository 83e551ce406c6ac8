import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/requests/{id} (security)', () => {
  it("hides another library's request behind a 404; no key 401; admin key 403", async () => {
    const h = await useHarness();
    const { id } = await h.ok(201, 'POST', '/v1/requests', { key: h.keys.TULSA, body: { role: 'borrowing', title: 'Dracula' } });
    const other = await h.request('GET', `/v1/requests/${id}`, { key: h.keys.PARTNR });
    expect(other.status).toBe(404);
    expect(other.body).toEqual({ error: { code: 'NOT_FOUND', message: `No request ${id}` } });
    expect((await h.request('GET', `/v1/requests/${id}`, { key: null })).status).toBe(401);
    expect((await h.request('GET', `/v1/requests/${id}`, { key: h.adminKey })).status).toBe(403);
  });
});
