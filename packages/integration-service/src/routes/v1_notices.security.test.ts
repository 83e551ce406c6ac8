import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';
import { receivedWithNotice } from '../testutil/notices.ts';

describe('/v1/notices (security)', () => {
  it("never shows or marks another library's notices; needs a library key", async () => {
    const h = await useHarness();
    await receivedWithNotice(h);
    const [notice] = (await h.ok(200, 'GET', '/v1/notices?state=scheduled')).notices;
    expect((await h.ok(200, 'GET', '/v1/notices?state=scheduled', { key: h.keys.PARTNR })).notices).toEqual([]);
    expect((await h.request('POST', `/v1/notices/${notice.id}/sent`, { key: h.keys.PARTNR })).status).toBe(404);
    expect((await h.request('GET', '/v1/notices', { key: null })).status).toBe(401);
    expect((await h.request('GET', '/v1/notices', { key: h.adminKey })).status).toBe(403);
    expect((await h.request('POST', `/v1/notices/${notice.id}/sent`, { key: h.adminKey })).status).toBe(403);
    expect((await h.ok(200, 'GET', '/v1/notices?state=sent')).notices).toEqual([]);
  });
});
