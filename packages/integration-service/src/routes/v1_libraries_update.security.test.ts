import { describe, expect, it } from 'vitest';
import { snapshot, useHarness } from '../testutil/harness.ts';

describe('PATCH /v1/libraries/{symbol} (security)', () => {
  it('needs the admin key; a library cannot change even its own configuration', async () => {
    const h = await useHarness();
    const before = snapshot(h);
    expect((await h.request('PATCH', '/v1/libraries/TULSA', { key: null, body: { name: 'x' } })).status).toBe(401);
    expect((await h.request('PATCH', '/v1/libraries/TULSA', { key: h.keys.TULSA, body: { name: 'x' } })).status).toBe(403);
    expect((await h.request('PATCH', '/v1/libraries/TULSA', { key: h.keys.PARTNR, body: { name: 'x' } })).status).toBe(403);
    expect(snapshot(h)).toBe(before);
  });
});
