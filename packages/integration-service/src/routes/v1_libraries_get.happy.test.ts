import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/libraries/{symbol} (happy)', () => {
  it('shows the configuration with credentials masked (symbol in any case)', async () => {
    const h = await useHarness();
    const library = await h.ok(200, 'GET', '/v1/libraries/tulsa', { key: h.adminKey });
    expect(library).toMatchObject({
      symbol: 'TULSA',
      adapter: 'alma:rest',
      connection: { ils: 'alma', library: 'MAIN', credentials: { apiKey: '********' } },
      pickupLocations: [{ code: 'MAIN', ilsLocationCode: 'MAIN' }],
    });
  });
});
