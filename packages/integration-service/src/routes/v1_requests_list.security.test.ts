import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/requests (security)', () => {
  it('shows a library its own requests only; no key 401, admin key 403', async () => {
    const h = await useHarness();
    await h.ok(201, 'POST', '/v1/requests', { key: h.keys.TULSA, body: { role: 'borrowing', title: 'Dracula' } });
    expect((await h.ok(200, 'GET', '/v1/requests', { key: h.keys.PARTNR })).requests).toEqual([]);
    expect((await h.ok(200, 'GET', '/v1/requests', { key: h.keys.TULSA })).total).toBe(1);
    expect((await h.request('GET', '/v1/requests', { key: null })).status).toBe(401);
    expect((await h.request('GET', '/v1/requests', { key: h.adminKey })).status).toBe(403);
  });
});
