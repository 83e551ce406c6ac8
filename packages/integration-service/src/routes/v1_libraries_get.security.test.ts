import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/libraries/{symbol} (security)', () => {
  it('needs the admin key', async () => {
    const h = await useHarness();
    expect((await h.request('GET', '/v1/libraries/TULSA', { key: null })).status).toBe(401);
    expect((await h.request('GET', '/v1/libraries/TULSA', { key: 'Bearer-less' })).status).toBe(401);
    expect((await h.request('GET', '/v1/libraries/TULSA', { key: h.keys.TULSA })).status).toBe(403);
  });
});
