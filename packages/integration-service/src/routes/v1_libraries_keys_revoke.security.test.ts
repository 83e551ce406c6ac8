import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('POST /v1/libraries/{symbol}/keys/{keyId}/revoke (security)', () => {
  it("needs a key; a library key cannot revoke another library's key", async () => {
    const h = await useHarness();
    const [partnerKey] = (await h.ok(200, 'GET', '/v1/libraries/PARTNR/keys', { key: h.adminKey })).keys;
    expect((await h.request('POST', `/v1/libraries/PARTNR/keys/${partnerKey.id}/revoke`, { key: null })).status).toBe(401);
    expect((await h.request('POST', `/v1/libraries/PARTNR/keys/${partnerKey.id}/revoke`, { key: h.keys.TULSA })).status).toBe(403);
    // nor through its own symbol
    expect((await h.request('POST', `/v1/libraries/TULSA/keys/${partnerKey.id}/revoke`, { key: h.keys.TULSA })).status).toBe(404);
    expect((await h.request('GET', '/v1/requests', { key: h.keys.PARTNR })).status).toBe(200);
  });
});
