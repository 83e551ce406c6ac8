import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/libraries/{symbol}/keys (happy)', () => {
  it('lists key metadata: created, last used (to the hour), expiry and revocation; a library key sees which one it is', async () => {
    const h = await useHarness();
    const before = await h.ok(200, 'GET', '/v1/libraries/TULSA/keys', { key: h.adminKey });
    expect(before.keys).toEqual([{ id: expect.any(Number), prefix: h.keys.TULSA.slice(0, 8), createdAt: '2025-03-12T10:00:00.000Z', active: true }]);
    await h.ok(200, 'GET', '/v1/requests');
    h.clock.advance(30 * 60_000);
    await h.ok(200, 'GET', '/v1/requests'); // within the hour: not written again
    const own = await h.ok(200, 'GET', '/v1/libraries/TULSA/keys', { key: h.keys.TULSA });
    expect(own.keys).toEqual([{ ...before.keys[0], lastUsedAt: '2025-03-12T10:00:00.000Z', current: true }]);
    h.clock.advance(30 * 60_000);
    await h.ok(200, 'GET', '/v1/requests');
    const rotated = await h.ok(201, 'POST', '/v1/libraries/TULSA/keys/rotate', { key: h.adminKey });
    await h.ok(200, 'POST', `/v1/libraries/TULSA/keys/${rotated.key.id}/revoke`, { key: h.adminKey });
    const after = await h.ok(200, 'GET', '/v1/libraries/TULSA/keys', { key: h.keys.TULSA });
    expect(after.keys).toEqual([
      { ...before.keys[0], lastUsedAt: '2025-03-12T11:00:00.000Z', expiresAt: '2025-03-13T11:00:00.000Z', current: true },
      {
        id: rotated.key.id,
        prefix: rotated.apiKey.slice(0, 8),
        createdAt: '2025-03-12T11:00:00.000Z',
        revokedAt: '2025-03-12T11:00:00.000Z',
        active: false,
        current: false,
      },
    ]);
  });
});
