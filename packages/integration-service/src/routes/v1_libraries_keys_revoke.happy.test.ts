import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('POST /v1/libraries/{symbol}/keys/{keyId}/revoke (happy)', () => {
  it('stops a key at once, grace period or not; revoking again changes nothing', async () => {
    const h = await useHarness();
    const rotated = await h.ok(201, 'POST', '/v1/libraries/TULSA/keys/rotate', { key: h.keys.TULSA });
    const oldId = rotated.keys[0].id;
    // the library revokes its old key with the new one, before the grace period ends
    const revoked = await h.ok(200, 'POST', `/v1/libraries/TULSA/keys/${oldId}/revoke`, { key: rotated.apiKey });
    expect(revoked).toMatchObject({ id: oldId, revokedAt: '2025-03-12T10:00:00.000Z', active: false, current: false });
    expect((await h.request('GET', '/v1/requests', { key: h.keys.TULSA })).status).toBe(401);
    expect((await h.request('GET', '/v1/requests', { key: rotated.apiKey })).status).toBe(200);
    h.clock.advance(60_000);
    const again = await h.ok(200, 'POST', `/v1/libraries/TULSA/keys/${oldId}/revoke`, { key: h.adminKey });
    expect(again.revokedAt).toBe('2025-03-12T10:00:00.000Z');
  });

  it('the admin key revokes any key, the last one included', async () => {
    const h = await useHarness();
    const [key] = (await h.ok(200, 'GET', '/v1/libraries/PARTNR/keys', { key: h.adminKey })).keys;
    await h.ok(200, 'POST', `/v1/libraries/PARTNR/keys/${key.id}/revoke`, { key: h.adminKey });
    expect((await h.request('GET', '/v1/requests', { key: h.keys.PARTNR })).status).toBe(401);
    expect((await h.request('GET', '/v1/requests', { key: h.keys.TULSA })).status).toBe(200);
  });
});
