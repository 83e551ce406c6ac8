import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { almaDesk } from '../testutil/alma-desk.ts';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/temporary-items (security)', () => {
  it("never shows another library's temporary items; needs a library key", async () => {
    const h = await useHarness();
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'borrowing', title: 'Dracula', patronId: demo.alma.patrons.good.primaryId, pickupLocation: 'MAIN', lenders: ['LENDA'] },
    });
    for (const action of ['send', 'supplier-shipped', 'receive']) await h.ok(200, 'POST', `/v1/requests/${id}/${action}`);
    expect((await h.ok(200, 'GET', '/v1/temporary-items?title=Dracula', { key: h.keys.PARTNR })).items).toEqual([]);
    await h.drain();
    const desk = almaDesk(h);
    await desk.checkIn(id);
    await desk.checkOut(id, demo.alma.patrons.good.primaryId);
    // TULSA's own key finds it on the patron's card …
    expect((await h.ok(200, 'GET', `/v1/temporary-items?patronId=${encodeURIComponent(demo.alma.patrons.good.primaryId)}`)).items).toHaveLength(1);
    // by patron, another library sharing the same Alma sees the loan's item but it is not its request
    expect(
      (await h.ok(200, 'GET', `/v1/temporary-items?patronId=${encodeURIComponent(demo.alma.patrons.good.primaryId)}`, { key: h.keys.PARTNR })).items,
    ).toEqual([]);
    expect((await h.request('GET', '/v1/temporary-items?title=Dracula', { key: null })).status).toBe(401);
    expect((await h.request('GET', '/v1/temporary-items?title=Dracula', { key: h.adminKey })).status).toBe(403);
  });
});
