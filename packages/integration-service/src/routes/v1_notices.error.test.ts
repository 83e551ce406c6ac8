import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';
import { receivedWithNotice } from '../testutil/notices.ts';

describe('/v1/notices (errors)', () => {
  it('refuses to send a notice twice, and changes nothing', async () => {
    const h = await useHarness();
    await receivedWithNotice(h);
    const [notice] = (await h.ok(200, 'GET', '/v1/notices?state=scheduled')).notices;
    const first = await h.ok(200, 'POST', `/v1/notices/${notice.id}/sent`);
    const again = await h.request('POST', `/v1/notices/${notice.id}/sent`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
    expect((await h.ok(200, 'GET', '/v1/notices?state=sent')).notices[0].sentAt).toBe(first.sentAt);
  });
  it.each([
    ['GET', '/v1/notices?state=lost', 400],
    ['POST', '/v1/notices/abc/sent', 400],
    ['POST', '/v1/notices/0/sent', 400],
    ['POST', '/v1/notices/999/sent', 404],
  ])('%s %s → %i', async (method, path, status) => {
    const h = await useHarness();
    const response = await h.request(method, path);
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(status === 404 ? 'NOT_FOUND' : 'INVALID_INPUT');
  });
});
