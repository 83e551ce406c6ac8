import { describe, expect, it } from 'vitest';
import { snapshot, useHarness } from '../testutil/harness.ts';

describe('POST /v1/requests/{id}/{action} (security)', () => {
  it("cannot act on another library's request (404) and needs a library key", async () => {
    const h = await useHarness();
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      key: h.keys.TULSA,
      body: { role: 'borrowing', title: 'Dracula', lenders: ['LENDA'], patronId: 'p1' },
    });
    const before = await snapshot(h);
    const other = await h.request('POST', `/v1/requests/${id}/cancel`, { key: h.keys.PARTNR });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('NOT_FOUND');
    expect((await h.request('POST', `/v1/requests/${id}/cancel`, { key: null })).status).toBe(401);
    expect((await h.request('POST', `/v1/requests/${id}/cancel`, { key: h.adminKey })).status).toBe(403);
    expect(await snapshot(h)).toBe(before);
  });
});
