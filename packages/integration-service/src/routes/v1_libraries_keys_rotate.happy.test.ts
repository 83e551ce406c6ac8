import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('POST /v1/libraries/{symbol}/keys/rotate (happy)', () => {
  it('issues a new key at once; the old one works through the 24 h grace period, then is refused', async () => {
    const h = await useHarness();
    const old = h.keys.TULSA;
    const rotated = await h.ok(201, 'POST', '/v1/libraries/TULSA/keys/rotate', { key: old });
    expect(rotated.apiKey).toMatch(/^bks_[A-Za-z0-9_-]{43}$/);
    expect(rotated.oldKeysExpireAt).toBe('2025-03-13T10:00:00.000Z');
    expect(rotated.key).toMatchObject({ prefix: rotated.apiKey.slice(0, 8), active: true, current: false });
    expect(rotated.keys.map((k: { active: boolean; expiresAt?: string }) => [k.active, k.expiresAt])).toEqual([
      [true, '2025-03-13T10:00:00.000Z'],
      [true, undefined],
    ]);
    // both keys act on the library's requests during the grace period
    for (const key of [old, rotated.apiKey]) expect((await h.request('GET', '/v1/requests', { key })).status).toBe(200);
    h.clock.advance(24 * 60 * 60_000 - 1);
    expect((await h.request('GET', '/v1/requests', { key: old })).status).toBe(200);
    h.clock.advance(1);
    expect((await h.request('GET', '/v1/requests', { key: old })).body).toEqual({ error: { code: 'UNAUTHORIZED', message: 'Unknown API key' } });
    expect((await h.request('GET', '/v1/requests', { key: rotated.apiKey })).status).toBe(200);
    // the other library's key was not touched
    h.clock.advance(365 * 24 * 60 * 60_000);
    expect((await h.request('GET', '/v1/requests', { key: h.keys.PARTNR })).status).toBe(200);
  });

  it('takes a grace period in hours (0: the old key stops now), and the admin key rotates any library', async () => {
    const h = await useHarness();
    const rotated = await h.ok(201, 'POST', '/v1/libraries/PARTNR/keys/rotate', { key: h.adminKey, body: { graceHours: 0 } });
    expect(rotated.key.current).toBeUndefined();
    expect((await h.request('GET', '/v1/requests', { key: h.keys.PARTNR })).status).toBe(401);
    expect((await h.request('GET', '/v1/requests', { key: rotated.apiKey })).status).toBe(200);
    // a second rotation with a longer grace does not revive or extend a key already ending sooner
    const again = await h.ok(201, 'POST', '/v1/libraries/PARTNR/keys/rotate', { key: rotated.apiKey, body: { graceHours: 2 } });
    expect(again.keys.map((k: { expiresAt?: string }) => k.expiresAt)).toEqual(['2025-03-12T10:00:00.000Z', '2025-03-12T12:00:00.000Z', undefined]);
    expect((await h.request('GET', '/v1/requests', { key: h.keys.PARTNR })).status).toBe(401);
  });
});
