import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('DELETE /v1/libraries/{symbol}/keys/{keyId} (errors)', () => {
  it('404 for a key of another library or none (nothing revoked), 400 naming keyId when it is not a number', async () => {
    const h = await useHarness();
    const [partnerKey] = (await h.ok(200, 'GET', '/v1/libraries/PARTNR/keys', { key: h.adminKey })).keys;
    expect((await h.request('DELETE', `/v1/libraries/TULSA/keys/${partnerKey.id}`, { key: h.adminKey })).body).toEqual({
      error: { code: 'NOT_FOUND', message: `Library TULSA has no key ${partnerKey.id}` },
    });
    expect((await h.request('DELETE', '/v1/libraries/TULSA/keys/999999', { key: h.adminKey })).status).toBe(404);
    expect((await h.request('GET', '/v1/requests', { key: h.keys.PARTNR })).status).toBe(200);
    for (const bad of ['first', '0', '-3', '1.5']) {
      const reply = await h.request('DELETE', `/v1/libraries/TULSA/keys/${bad}`, { key: h.adminKey });
      expect(reply.status).toBe(400);
      expect(reply.body.error.details[0].path).toBe('keyId');
    }
    expect((await h.request('GET', '/v1/requests', { key: h.keys.TULSA })).status).toBe(200);
  });

  it('a library key cannot revoke itself: 409, and it still works', async () => {
    const h = await useHarness();
    const [own] = (await h.ok(200, 'GET', '/v1/libraries/TULSA/keys')).keys;
    const refused = await h.request('DELETE', `/v1/libraries/TULSA/keys/${own.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/cannot revoke itself/);
    expect((await h.request('GET', '/v1/requests')).status).toBe(200);
  });

  it('404 for an unknown library symbol', async () => {
    const h = await useHarness();
    expect((await h.request('DELETE', '/v1/libraries/NOSUCH/keys/1', { key: h.adminKey })).status).toBe(404);
  });
});
