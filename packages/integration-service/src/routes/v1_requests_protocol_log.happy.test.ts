import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/requests/{id}/protocol-log (happy)', () => {
  it('shows the raw ILS traffic per step with the API key masked', async () => {
    const h = await useHarness();
    const patron = demo.alma.patrons.good.primaryId;
    const { id } = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Emma', patronId: patron } });
    await h.drain();
    const { exchanges } = await h.ok(200, 'GET', `/v1/requests/${id}/protocol-log`);
    expect(exchanges).toEqual([
      expect.objectContaining({
        stepKey: `${id}:lookup-patron:${patron}`,
        method: 'GET',
        url: expect.stringContaining(`/almaws/v1/users/${patron}`),
        requestHeaders: { Authorization: 'apikey ****', Accept: 'application/json' },
        status: 200,
      }),
    ]);
    expect(JSON.stringify(exchanges)).not.toContain(demo.alma.apiKey);
  });
});
