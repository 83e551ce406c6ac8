import { describe, expect, it } from 'vitest';
import { snapshot, useHarness } from '../testutil/harness.ts';

describe('POST /v1/requests/{id}/steps/{stepKey}/resolve and /skip (security)', () => {
  it("cannot settle another library's step, nor reach one through another request; needs a library key", async () => {
    const h = await useHarness();
    const a = await h.ok(201, 'POST', '/v1/requests', { key: h.keys.TULSA, body: { role: 'borrowing', title: 'Emma', patronId: 'no.such.patron' } });
    const b = await h.ok(201, 'POST', '/v1/requests', { key: h.keys.TULSA, body: { role: 'borrowing', title: 'Emma' } });
    await h.drain();
    const before = await snapshot(h);
    const key = encodeURIComponent(`${a.id}:lookup-patron:no.such.patron`);
    for (const verb of ['resolve', 'skip']) {
      const body = { note: 'n' };
      expect((await h.request('POST', `/v1/requests/${a.id}/steps/${key}/${verb}`, { key: h.keys.PARTNR, body })).status).toBe(404);
      expect((await h.request('POST', `/v1/requests/${b.id}/steps/${key}/${verb}`, { body })).status).toBe(404);
      expect((await h.request('POST', `/v1/requests/${a.id}/steps/${key}/${verb}`, { key: null, body })).status).toBe(401);
      expect((await h.request('POST', `/v1/requests/${a.id}/steps/${key}/${verb}`, { key: h.adminKey, body })).status).toBe(403);
    }
    expect(await snapshot(h)).toBe(before);
  });
});
