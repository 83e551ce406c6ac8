import { describe, expect, it, onTestFinished } from 'vitest';
import { adjustableClock, fixedClock } from '../../clock.ts';
import { testNow } from '../../testing.ts';
import { demo, sierraSimulator } from './test-support.ts';

function setup() {
  const clock = adjustableClock(fixedClock(testNow));
  const sierra = sierraSimulator({ clock });
  onTestFinished(() => sierra.sim.close());
  return { ...sierra, clock };
}

const lastSegment = (link: string) => link.split('/').pop() ?? '';

describe('Sierra holds', () => {
  it('places an item-level hold with 204 and no id; the patron hold list shows it', async () => {
    const { json, createItem } = setup();
    const { itemId } = await createItem('ILL-5001');
    const good = demo.patrons.good;
    const placed = await json(`/patrons/${good.id}/holds/requests`, {
      method: 'POST',
      body: { recordType: 'i', recordNumber: itemId, pickupLocation: 'main', note: 'ILL request 5001' },
    });
    expect(placed.status).toBe(204);
    expect(placed.body).toBeNull();
    const holds = await json(`/patrons/${good.id}/holds`);
    expect(holds.body.total).toBe(1);
    const hold = holds.body.entries[0];
    expect(hold).toMatchObject({
      record: expect.stringMatching(new RegExp(`/items/${itemId}$`, 'u')),
      patron: expect.stringMatching(new RegExp(`/patrons/${good.id}$`, 'u')),
      pickupLocation: { code: 'main', name: 'Main Library' },
      status: { code: '0', name: 'on hold.' },
      recordType: 'i',
      priority: 1,
      note: 'ILL request 5001',
    });
    expect(hold.id).toMatch(/\/patrons\/holds\/\d+$/u);
    expect((await json(`/patrons/holds/${lastSegment(hold.id)}`)).body.record).toBe(hold.record);
    expect((await json(`/items/${itemId}?fields=holdCount`)).body.holdCount).toBe(1);
  });

  it('refuses holds the way XCirc does: duplicate, blocked patron, no such item, no such patron, bad pickup', async () => {
    const { json, createItem } = setup();
    const { itemId } = await createItem('ILL-5002');
    const body = { recordType: 'i', recordNumber: itemId, pickupLocation: 'main' };
    await json(`/patrons/${demo.patrons.good.id}/holds/requests`, { method: 'POST', body });
    const duplicate = await json(`/patrons/${demo.patrons.good.id}/holds/requests`, { method: 'POST', body });
    expect(duplicate.status).toBe(500);
    expect(duplicate.body).toEqual({
      code: 132,
      specificCode: 2,
      httpStatus: 500,
      name: 'XCirc error',
      description: 'XCirc error : Request denied - already on hold for or checked out to you.',
    });
    const blocked = await json(`/patrons/${demo.patrons.blocked.id}/holds/requests`, { method: 'POST', body });
    expect(blocked.body).toMatchObject({ code: 132, specificCode: 2, description: expect.stringContaining('problem with your library record') });
    const noItem = await json(`/patrons/${demo.patrons.good.id}/holds/requests`, { method: 'POST', body: { ...body, recordNumber: 1999999 } });
    expect(noItem.body).toMatchObject({ code: 132, specificCode: 433 });
    const noPatron = await json('/patrons/1999999/holds/requests', { method: 'POST', body });
    expect(noPatron.status).toBe(404);
    expect(noPatron.body).toMatchObject({ code: 107 });
    const badPickup = await json(`/patrons/${demo.patrons.faculty.id}/holds/requests`, { method: 'POST', body: { ...body, pickupLocation: 'nowhere' } });
    expect(badPickup.body).toMatchObject({ code: 132 });
  });

  it('cancels a hold with DELETE patrons/holds/{id}', async () => {
    const { json, createItem } = setup();
    const { itemId } = await createItem('ILL-5003');
    await json(`/patrons/${demo.patrons.good.id}/holds/requests`, { method: 'POST', body: { recordType: 'i', recordNumber: itemId, pickupLocation: 'main' } });
    const [hold] = (await json(`/patrons/${demo.patrons.good.id}/holds`)).body.entries;
    // Every patron's holds, for a client that knows the item but not who holds it.
    const all = await json('/patrons/holds?limit=100');
    expect(all.body.entries.map((entry: { id: string }) => entry.id)).toContain(hold.id);
    expect((await json(`/patrons/holds/${lastSegment(hold.id)}`, { method: 'DELETE' })).status).toBe(204);
    expect((await json(`/patrons/${demo.patrons.good.id}/holds`)).body.total).toBe(0);
    expect((await json(`/patrons/holds/${lastSegment(hold.id)}`)).status).toBe(404);
  });
});

describe('Sierra check-in routes held items', () => {
  it('check-in at the pickup library puts the item on the holdshelf (hold ready, status !)', async () => {
    const { json, createItem } = setup();
    const { itemId } = await createItem('ILL-6001');
    await json(`/patrons/${demo.patrons.good.id}/holds/requests`, { method: 'POST', body: { recordType: 'i', recordNumber: itemId, pickupLocation: 'main' } });
    expect((await json('/items/checkouts/ILL-6001', { method: 'DELETE' })).status).toBe(204);
    expect((await json(`/items/${itemId}?fields=status`)).body.status).toEqual({ code: '!', display: 'ON HOLDSHELF' });
    const [hold] = (await json(`/patrons/${demo.patrons.good.id}/holds`)).body.entries;
    expect(hold.status).toEqual({ code: 'i', name: 'Ready for pickup.' });
  });

  it('check-in at another statistics group sends it in transit (status t)', async () => {
    const { json, createItem } = setup();
    const { itemId } = await createItem('ILL-6002');
    await json(`/patrons/${demo.patrons.good.id}/holds/requests`, { method: 'POST', body: { recordType: 'i', recordNumber: itemId, pickupLocation: 'main' } });
    const science = demo.statGroups.find((group) => group.library === 'SCI')!;
    expect((await json(`/items/checkouts/ILL-6002?statgroup=${science.number}`, { method: 'DELETE' })).status).toBe(204);
    expect((await json(`/items/${itemId}?fields=status`)).body.status.code).toBe('t');
    expect((await json(`/patrons/${demo.patrons.good.id}/holds`)).body.entries[0].status.code).toBe('t');
    expect((await json('/items/checkouts/ILL-6002?statgroup=99', { method: 'DELETE' })).status).toBe(400);
    expect((await json('/items/checkouts/NO-SUCH-BARCODE', { method: 'DELETE' })).status).toBe(404);
  });
});

describe('Sierra checkouts', () => {
  it('checks out by patron and item barcode ({link}), due by the loan rules; the item shows the due date', async () => {
    const { json } = setup();
    const item = demo.lendableItems[0]!;
    const patron = demo.patrons.good;
    const checkout = await json('/patrons/checkout', { method: 'POST', body: { patronBarcode: patron.barcode, itemBarcode: item.barcode } });
    expect(checkout.status).toBe(200);
    expect(checkout.body.link).toMatch(/\/patrons\/checkouts\/\d+$/u);
    const loans = await json(`/patrons/${patron.id}/checkouts?fields=id,item,dueDate,barcode,numberOfRenewals`);
    expect(loans.body.total).toBe(1);
    // UNDERGRAD × BOOK: 28 days from Wednesday 2025-03-12.
    expect(loans.body.entries[0]).toMatchObject({ id: checkout.body.link, barcode: item.barcode, dueDate: '2025-04-09T23:59:00Z', numberOfRenewals: 0 });
    expect(loans.body.entries[0].item).toMatch(new RegExp(`/items/${item.id}$`, 'u'));
    expect((await json(`/items/${item.id}?fields=status`)).body.status).toEqual({ code: '-', display: 'AVAILABLE', duedate: '2025-04-09T23:59:00Z' });
    expect((await json(`/items/${item.id}/checkouts`)).body.entries[0].id).toBe(checkout.body.link);
  });

  it('has no way to set a due date: a PUT on the checkout is an unknown endpoint, and CheckoutPatch takes no dueDate', async () => {
    const { json } = setup();
    const item = demo.lendableItems[1]!;
    const checkout = await json('/patrons/checkout', { method: 'POST', body: { patronBarcode: demo.patrons.good.barcode, itemBarcode: item.barcode } });
    const put = await json(`/patrons/checkouts/${lastSegment(checkout.body.link)}`, { method: 'PUT', body: { dueDate: '2025-05-01' } });
    expect(put.status).toBe(404);
    expect(put.body.description).toContain('renew');
    const withDate = await json('/patrons/checkout', {
      method: 'POST',
      body: { patronBarcode: demo.patrons.good.barcode, itemBarcode: demo.lendableItems[2]!.barcode, dueDate: '2025-05-01' },
    });
    expect(withDate.status).toBe(400);
    expect(withDate.body).toMatchObject({ code: 130 });
  });

  it('renews a checkout: the loan rule period from today (200 with the Checkout)', async () => {
    const { json, clock } = setup();
    const item = demo.lendableItems[3]!;
    const checkout = await json('/patrons/checkout', { method: 'POST', body: { patronBarcode: demo.patrons.good.barcode, itemBarcode: item.barcode } });
    clock.advance(7 * 24 * 60 * 60 * 1000);
    const renewed = await json(`/patrons/checkouts/${lastSegment(checkout.body.link)}/renewal`, { method: 'POST' });
    expect(renewed.status).toBe(200);
    expect(renewed.body).toMatchObject({ id: checkout.body.link, dueDate: '2025-04-16T23:59:00Z', numberOfRenewals: 1 });
  });

  it('refuses renewals past the limit with XCirc TOO MANY RENEWALS', async () => {
    const { json, clock } = setup();
    const item = demo.lendableItems[4]!;
    const account = demo.institutionalPatrons.PARTNR;
    const checkout = await json('/patrons/checkout', { method: 'POST', body: { patronBarcode: account.barcode, itemBarcode: item.barcode } });
    clock.advance(24 * 60 * 60 * 1000);
    const refused = await json(`/patrons/checkouts/${lastSegment(checkout.body.link)}/renewal`, { method: 'POST' });
    expect(refused.status).toBe(500);
    expect(refused.body).toMatchObject({ code: 132, description: 'XCirc error : TOO MANY RENEWALS' });
  });

  it('refuses check-outs: blocked patron, item already out, non-circulating item, unknown patron', async () => {
    const { json } = setup();
    const blocked = await json('/patrons/checkout', {
      method: 'POST',
      body: { patronBarcode: demo.patrons.blocked.barcode, itemBarcode: demo.lendableItems[5]!.barcode },
    });
    expect(blocked.body).toMatchObject({ code: 132, specificCode: 2 });
    const out = await json('/patrons/checkout', {
      method: 'POST',
      body: { patronBarcode: demo.patrons.good.barcode, itemBarcode: demo.checkedOutItem.barcode },
    });
    expect(out.body).toMatchObject({ code: 132, description: 'XCirc error : Item is already checked out' });
    const reference = await json('/patrons/checkout', {
      method: 'POST',
      body: { patronBarcode: demo.patrons.good.barcode, itemBarcode: demo.referenceItem.barcode },
    });
    expect(reference.body).toMatchObject({ code: 132, description: 'XCirc error : This item does not circulate' });
    const nobody = await json('/patrons/checkout', { method: 'POST', body: { patronBarcode: '00000000000000', itemBarcode: demo.lendableItems[5]!.barcode } });
    expect(nobody.status).toBe(404);
  });

  it('checks in by barcode (204): the checkout is gone and the item available', async () => {
    const { json } = setup();
    const item = demo.lendableItems[6]!;
    await json('/patrons/checkout', { method: 'POST', body: { patronBarcode: demo.patrons.good.barcode, itemBarcode: item.barcode } });
    expect((await json(`/items/checkouts/${item.barcode}`, { method: 'DELETE' })).status).toBe(204);
    expect((await json(`/patrons/${demo.patrons.good.id}/checkouts`)).body.total).toBe(0);
    expect((await json(`/items/${item.id}?fields=status`)).body.status).toEqual({ code: '-', display: 'AVAILABLE' });
  });
});

describe('Sierra faults', () => {
  it('renders an injected error as an ErrorCode body and "down" as a bare 503', async () => {
    const { json, control, sim, tokenFor } = setup();
    const token = await tokenFor();
    await control('/faults', { method: 'POST', body: { failNext: 1 } });
    const failed = await json(`/patrons/${demo.patrons.good.id}`, { token });
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ httpStatus: 500, name: 'Internal server error' });
    await control('/faults', { method: 'POST', body: { down: true } });
    const down = await sim.app.request(`/iii/sierra-api/v6/patrons/${demo.patrons.good.id}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(down.status).toBe(503);
    expect(down.headers.get('content-type')).toContain('text/html');
    expect((await control('/health')).status).toBe(200);
  });
});
