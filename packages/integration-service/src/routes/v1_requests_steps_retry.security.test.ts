import { describe, expect, it } from 'vitest';
import { snapshot, useHarness } from '../testutil/harness.ts';

describe('POST /v1/requests/{id}/steps/{stepKey}/retry (security)', () => {
  it("cannot retry another library's step; needs a library key", async () => {
    const h = await useHarness();
    const { id } = await h.ok(201, 'POST', '/v1/requests', { key: h.keys.TULSA, body: { role: 'borrowing', title: 'Emma', patronId: 'no.such.patron' } });
    await h.drain();
    const before = await snapshot(h);
    const path = `/v1/requests/${id}/steps/${encodeURIComponent(`${id}:lookup-patron:no.such.patron`)}/retry`;
    expect((await h.request('POST', path, { key: h.keys.PARTNR })).status).toBe(404);
    expect((await h.request('POST', path, { key: null })).status).toBe(401);
    expect((await h.request('POST', path, { key: h.adminKey })).status).toBe(403);
    expect(await snapshot(h)).toBe(before);
  });
});
