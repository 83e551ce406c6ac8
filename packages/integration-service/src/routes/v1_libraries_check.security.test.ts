import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('POST /v1/libraries/{symbol}/check (security)', () => {
  it("takes the admin key or the library's own key, never another library's", async () => {
    const h = await useHarness();
    expect((await h.request('POST', '/v1/libraries/TULSA/check', { key: null })).status).toBe(401);
    expect((await h.request('POST', '/v1/libraries/TULSA/check', { key: 'nope' })).status).toBe(401);
    expect((await h.request('POST', '/v1/libraries/TULSA/check', { key: h.keys.PARTNR })).status).toBe(403);
    const own = await h.request('POST', '/v1/libraries/TULSA/check', { key: h.keys.TULSA });
    expect(own.status).toBe(200);
    expect(own.body.checks.length).toBeGreaterThan(0);
  });

  it('never shows the ILS credentials in the report, even when the ILS echoes them', async () => {
    const h = await useHarness();
    await h.ok(200, 'PATCH', '/v1/libraries/TULSA?check=false', { key: h.adminKey, body: { connection: { credentials: { apiKey: 'l8xx-secret-key' } } } });
    const report = await h.request('POST', '/v1/libraries/TULSA/check', { key: h.adminKey });
    expect(report.status).toBe(200);
    expect(JSON.stringify(report.body)).not.toContain('l8xx-secret-key');
  });
});
