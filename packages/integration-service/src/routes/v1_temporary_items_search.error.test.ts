import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { almaDesk } from '../testutil/alma-desk.ts';
import { almaHost, useHarness } from '../testutil/harness.ts';

const patron = demo.alma.patrons.good.primaryId;

describe('GET /v1/temporary-items (errors)', () => {
  it('refuses a title under 3 characters, naming it (the title index matches by trigram)', async () => {
    const h = await useHarness();
    const response = await h.request('GET', '/v1/temporary-items?title=Em');
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([expect.objectContaining({ path: 'title', message: expect.stringContaining('at least 3 characters') })]);
  });

  it.each(['', '?title=', '?title=a', '?patronId='])('rejects %s with 400', async (query) => {
    const h = await useHarness();
    const response = await h.request('GET', `/v1/temporary-items${query}`);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_INPUT');
  });

  it('when Alma cannot be asked, says so (bookstrap-only, with the reason) and shows only items it really created', async () => {
    const h = await useHarness({ maxAttempts: 1 });
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'borrowing', title: 'Dracula', patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] },
    });
    for (const action of ['send', 'supplier-shipped', 'receive']) await h.ok(200, 'POST', `/v1/requests/${id}/${action}`);
    await h.drain();
    await h.sim.app.request(`${almaHost}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ down: true }),
    });
    const found = await h.ok(200, 'GET', `/v1/temporary-items?patronId=${encodeURIComponent(patron)}`);
    expect(found).toMatchObject({ ilsSearched: false, source: 'bookstrap-only', reason: expect.stringContaining("the ILS could not list the patron's loans") });
    expect(found.items).toEqual([{ barcode: id, title: 'Dracula', requestId: id, status: 'received', source: 'service' }]);
  });

  it('never returns a normal library item, even when a request was received under its barcode (a collision)', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const libraryBook = demo.alma.lendableItems[3]!;
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'borrowing', title: 'Dracula', patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] },
    });
    for (const action of ['send', 'supplier-shipped']) await h.ok(200, 'POST', `/v1/requests/${id}/${action}`);
    await h.ok(200, 'POST', `/v1/requests/${id}/receive`, { body: { temporaryBarcode: libraryBook.barcode } });
    await h.drain();
    await desk.checkOut(libraryBook.barcode, patron);
    const byPatron = await h.ok(200, 'GET', `/v1/temporary-items?patronId=${encodeURIComponent(patron)}`);
    expect(byPatron).toMatchObject({ items: [], source: 'ils' });
    expect((await h.ok(200, 'GET', '/v1/temporary-items?title=Dracula')).items).toEqual([]);
    await h.sim.app.request(`${almaHost}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ down: true }),
    });
    expect((await h.ok(200, 'GET', `/v1/temporary-items?patronId=${encodeURIComponent(patron)}`)).items).toEqual([]);
  });
});
