import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('POST /v1/libraries/{symbol}/keys/{keyId}/revoke (errors)', () => {
  it('answers 404 for a key of another library (nothing revoked) and 400 for a key id that is not one', async () => {
    const h = await useHarness();
    const [partnerKey] = (await h.ok(200, 'GET', '/v1/libraries/PARTNR/keys', { key: h.adminKey })).keys;
    expect((await h.request('POST', `/v1/libraries/TULSA/keys/${partnerKey.id}/revoke`, { key: h.adminKey })).body).toEqual({
      error: { code: 'NOT_FOUND', message: `Library TULSA has no key ${partnerKey.id}` },
    });
    expect((await h.request('GET', '/v1/requests', { key: h.keys.PARTNR })).status).toBe(200);
    const bad = await h.request('POST', '/v1/libraries/TULSA/keys/first/revoke', { key: h.adminKey });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('keyId');
  });

  it('a library key cannot revoke itself (it would lock the library out): 409, still working', async () => {
    const h = await useHarness();
    const [own] = (await h.ok(200, 'GET', '/v1/libraries/TULSA/keys')).keys;
    const refused = await h.request('POST', `/v1/libraries/TULSA/keys/${own.id}/revoke`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/cannot revoke itself/);
    expect((await h.request('GET', '/v1/requests')).status).toBe(200);
  });
});
