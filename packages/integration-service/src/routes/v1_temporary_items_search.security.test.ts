import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/temporary-items (security)', () => {
  it("never shows another library's temporary items; needs a library key", async () => {
    const h = await useHarness();
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'borrowing', title: 'Dracula', patronId: demo.alma.patrons.good.primaryId, pickupLocation: 'MAIN', lenders: ['LENDA'] },
    });
    for (const action of ['send', 'supplier-shipped', 'receive']) await h.ok(200, 'POST', `/v1/requests/${id}/${action}`);
    expect((await h.ok(200, 'GET', '/v1/temporary-items?title=Dracula', { key: h.keys.PARTNR })).items).toEqual([]);
    expect((await h.request('GET', '/v1/temporary-items?title=Dracula', { key: null })).status).toBe(401);
    expect((await h.request('GET', '/v1/temporary-items?title=Dracula', { key: h.adminKey })).status).toBe(403);
  });
});
