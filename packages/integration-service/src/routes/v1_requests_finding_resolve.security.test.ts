import { describe, expect, it } from 'vitest';
import { snapshot, useHarness } from '../testutil/harness.ts';
import { expiredHoldLoan } from '../testutil/open-finding.ts';

describe('POST /v1/requests/{id}/ils-finding/resolve (security)', () => {
  it("cannot resolve another library's finding; needs a library key", async () => {
    const h = await useHarness();
    const id = await expiredHoldLoan(h);
    const before = await snapshot(h);
    const body = { note: 'n' };
    expect((await h.request('POST', `/v1/requests/${id}/ils-finding/resolve`, { key: h.keys.PARTNR, body })).status).toBe(404);
    expect((await h.request('POST', `/v1/requests/${id}/ils-finding/resolve`, { key: null, body })).status).toBe(401);
    expect((await h.request('POST', `/v1/requests/${id}/ils-finding/resolve`, { key: h.adminKey, body })).status).toBe(403);
    expect(await snapshot(h)).toBe(before);
    expect((await h.ok(200, 'GET', `/v1/requests/${id}`)).needsAttention).toBe(true);
  });
});
