import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('DELETE /v1/libraries/{symbol}/keys/{keyId} (security)', () => {
  it("needs a key; a library key cannot revoke another library's key, by its symbol or its own", async () => {
    const h = await useHarness();
    const [partnerKey] = (await h.ok(200, 'GET', '/v1/libraries/PARTNR/keys', { key: h.adminKey })).keys;
    expect((await h.request('DELETE', `/v1/libraries/PARTNR/keys/${partnerKey.id}`, { key: null })).status).toBe(401);
    expect((await h.request('DELETE', `/v1/libraries/PARTNR/keys/${partnerKey.id}`, { key: 'not-a-key' })).status).toBe(401);
    expect((await h.request('DELETE', `/v1/libraries/PARTNR/keys/${partnerKey.id}`, { key: h.keys.TULSA })).status).toBe(403);
    expect((await h.request('DELETE', `/v1/libraries/TULSA/keys/${partnerKey.id}`, { key: h.keys.TULSA })).status).toBe(404);
    expect((await h.request('GET', '/v1/requests', { key: h.keys.PARTNR })).status).toBe(200);
  });

  it('a revoked key cannot revoke anything', async () => {
    const h = await useHarness();
    const rotated = await h.ok(201, 'POST', '/v1/libraries/TULSA/keys/rotate', { key: h.keys.TULSA, body: { graceHours: 0 } });
    const newId = rotated.keys.find((k: { current?: boolean }) => k.current)?.id ?? rotated.keys[rotated.keys.length - 1].id;
    expect((await h.request('DELETE', `/v1/libraries/TULSA/keys/${newId}`, { key: h.keys.TULSA })).status).toBe(401);
    expect((await h.request('GET', '/v1/requests', { key: rotated.apiKey })).status).toBe(200);
  });
});
