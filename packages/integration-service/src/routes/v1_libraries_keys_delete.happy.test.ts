import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('DELETE /v1/libraries/{symbol}/keys/{keyId} (happy)', () => {
  it('revokes like POST …/revoke: refused at once, still listed as revoked; again changes nothing', async () => {
    const h = await useHarness();
    const rotated = await h.ok(201, 'POST', '/v1/libraries/TULSA/keys/rotate', { key: h.keys.TULSA });
    const oldId = rotated.keys[0].id;
    const revoked = await h.ok(200, 'DELETE', `/v1/libraries/TULSA/keys/${oldId}`, { key: rotated.apiKey });
    expect(revoked).toMatchObject({ id: oldId, revokedAt: '2025-03-12T10:00:00.000Z', active: false, current: false });
    expect((await h.request('GET', '/v1/requests', { key: h.keys.TULSA })).status).toBe(401);
    expect((await h.request('GET', '/v1/requests', { key: rotated.apiKey })).status).toBe(200);
    // an audit record, not a deletion: the key is still listed, revoked
    const listed = (await h.ok(200, 'GET', '/v1/libraries/TULSA/keys', { key: h.adminKey })).keys;
    expect(listed.find((k: { id: number }) => k.id === oldId)).toMatchObject({ revokedAt: '2025-03-12T10:00:00.000Z', active: false });
    h.clock.advance(60_000);
    const again = await h.ok(200, 'DELETE', `/v1/libraries/TULSA/keys/${oldId}`, { key: h.adminKey });
    expect(again.revokedAt).toBe('2025-03-12T10:00:00.000Z');
  });

  it('the admin key revokes any key; the other libraries keep working', async () => {
    const h = await useHarness();
    const [key] = (await h.ok(200, 'GET', '/v1/libraries/PARTNR/keys', { key: h.adminKey })).keys;
    await h.ok(200, 'DELETE', `/v1/libraries/PARTNR/keys/${key.id}`, { key: h.adminKey });
    expect((await h.request('GET', '/v1/requests', { key: h.keys.PARTNR })).status).toBe(401);
    expect((await h.request('GET', '/v1/requests', { key: h.keys.TULSA })).status).toBe(200);
  });
});
