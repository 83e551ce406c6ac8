import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';
import { receivedLoan } from '../testutil/received.ts';

describe('POST /v1/ils-sync (security)', () => {
  it('needs a library key', async () => {
    const h = await useHarness();
    expect((await h.request('POST', '/v1/ils-sync', { key: null })).status).toBe(401);
    expect((await h.request('POST', '/v1/ils-sync', { key: 'nope' })).status).toBe(401);
  });

  it("reads only the calling library's requests, and never another library's", async () => {
    const h = await useHarness();
    const id = await receivedLoan(h);
    expect(await h.ok(200, 'POST', '/v1/ils-sync', { key: h.keys.PARTNR })).toMatchObject({ library: 'PARTNR', read: 0 });
    expect((await h.ok(200, 'GET', `/v1/requests/${id}`)).ilsCirculation).toBeUndefined();
  });
});
