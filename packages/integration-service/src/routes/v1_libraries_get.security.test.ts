import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/libraries/{symbol} (security)', () => {
  it("takes the admin key or the library's own key, never another library's", async () => {
    const h = await useHarness();
    expect((await h.request('GET', '/v1/libraries/TULSA', { key: null })).status).toBe(401);
    expect((await h.request('GET', '/v1/libraries/TULSA', { key: 'Bearer-less' })).status).toBe(401);
    const own = await h.request('GET', '/v1/libraries/TULSA', { key: h.keys.TULSA });
    expect(own.status).toBe(200);
    expect(own.body.symbol).toBe('TULSA');
    const theirs = await h.request('GET', '/v1/libraries/TULSA', { key: h.keys.PARTNR });
    expect(theirs.status).toBe(403);
    expect(JSON.stringify(theirs.body)).not.toContain('Tulsa');
    // an unknown symbol is the same 403 to a library key: it cannot probe which symbols exist
    expect((await h.request('GET', '/v1/libraries/NOSUCH', { key: h.keys.PARTNR })).status).toBe(403);
    expect((await h.request('GET', '/v1/libraries/NOSUCH', { key: h.adminKey })).status).toBe(404);
    // the list stays admin only
    expect((await h.request('GET', '/v1/libraries', { key: h.keys.TULSA })).status).toBe(403);
  });
});
