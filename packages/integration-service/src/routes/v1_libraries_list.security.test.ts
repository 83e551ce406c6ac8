import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/libraries (security)', () => {
  it('needs the admin key', async () => {
    const h = await useHarness();
    expect((await h.request('GET', '/v1/libraries', { key: null })).status).toBe(401);
    expect((await h.request('GET', '/v1/libraries', { key: h.keys.PARTNR })).status).toBe(403);
    expect((await h.request('GET', '/v1/libraries', { key: null, headers: { authorization: `Basic ${btoa('admin:x')}` } })).status).toBe(401);
  });
});
