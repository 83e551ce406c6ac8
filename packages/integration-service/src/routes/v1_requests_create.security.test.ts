import { describe, expect, it } from 'vitest';
import { snapshot, useHarness } from '../testutil/harness.ts';

describe('POST /v1/requests (security)', () => {
  it('needs a library key: none or unknown → 401, the admin key → 403', async () => {
    const h = await useHarness();
    const before = await snapshot(h);
    const body = { role: 'borrowing', title: 'Dracula' };
    expect((await h.request('POST', '/v1/requests', { key: null, body })).status).toBe(401);
    expect((await h.request('POST', '/v1/requests', { key: 'bks_nope', body })).status).toBe(401);
    expect((await h.request('POST', '/v1/requests', { key: h.adminKey, body })).status).toBe(403);
    expect(await snapshot(h)).toBe(before);
  });

  it("files the request under the key's own library, whatever the body says", async () => {
    const h = await useHarness();
    // naming another library in the body is refused outright, never silently honoured or dropped
    const smuggled = await h.request('POST', '/v1/requests', { key: h.keys.PARTNR, body: { role: 'borrowing', title: 'Dracula', library: 'TULSA' } });
    expect(smuggled.status).toBe(400);
    expect(smuggled.body.error.details).toEqual([{ path: 'library', message: 'unknown field "library"' }]);
    expect((await h.ok(200, 'GET', '/v1/requests', { key: h.keys.TULSA })).total).toBe(0);
    const created = await h.ok(201, 'POST', '/v1/requests', { key: h.keys.PARTNR, body: { role: 'borrowing', title: 'Dracula' } });
    expect(created.library).toBe('PARTNR');
    expect((await h.request('GET', `/v1/requests/${created.id}`, { key: h.keys.TULSA })).status).toBe(404);
  });
});
