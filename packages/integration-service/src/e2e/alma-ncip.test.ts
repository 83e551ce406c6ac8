import { demo } from '@bookstrap/ils-simulators';
import { validateNcip2 } from '@bookstrap/ncip/validate';
import { describe, expect, it } from 'vitest';
import { almaRestAdapter } from '../adapters/alma/alma.ts';
import { almaNcipAdapter } from '../adapters/ncip/alma-ncip.ts';
import type { AdapterRegistry } from '../adapters/types.ts';
import { almaNcipDemoLibrary } from '../demo-libraries.ts';
import { almaDesk, historyOf } from '../testutil/alma-desk.ts';
import { almaHost, type Harness, useHarness } from '../testutil/harness.ts';
import { createLibrary } from '../workflow/libraries.ts';

/**
 * A library configured for Alma in NCIP mode (ALMANCIP, the demo library), end to end through the
 * HTTP API against the simulated Alma: NCIP to /view/NCIPServlet where Alma's broker profile has
 * the service, Alma REST for the rest; the desk and the probe are Alma REST, as at a real desk.
 */
const patron = demo.alma.patrons.good.primaryId;
const library = almaNcipDemoLibrary(demo.alma, almaHost);

// Real-time throttling only slows tests down.
const registry: AdapterRegistry = {
  'alma:rest': { ...almaRestAdapter, ratePerSecond: 10_000 },
  'alma:ncip': { ...almaNcipAdapter, ratePerSecond: 10_000 },
};

async function withAlmaNcipLibrary(): Promise<Harness> {
  const h = await useHarness({ registry });
  await createLibrary({ db: h.service.database.db, clock: h.clock, registry: h.service.registry }, library, library.apiKey);
  return h;
}

const ncipServicesOf = (exchanges: { url: string; requestBody?: string | null }[]) =>
  exchanges.filter((e) => e.url.endsWith('/view/NCIPServlet')).map((e) => /<(\w+)>\s*<InitiationHeader>/.exec(e.requestBody ?? '')?.[1]);

describe('Alma in NCIP mode, through the HTTP API', () => {
  it('borrowing: AcceptItem makes the item and the hold, a desk check-out keeps the patron due date, return cleans up', async () => {
    const h = await withAlmaNcipLibrary();
    const key = library.apiKey;
    const desk = almaDesk(h);

    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      key,
      body: { role: 'borrowing', title: 'The Name of the Rose', author: 'Eco, Umberto', patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] },
    });
    await h.drain(); // LookupUser over NCIP
    await h.ok(200, 'POST', `/v1/requests/${id}/send`, { key });
    await h.ok(200, 'POST', `/v1/requests/${id}/supplier-shipped`, { key, body: { supplierItemBarcode: 'LENDA-555', lenderDueDate: '2025-03-28' } });
    const received = await h.ok(200, 'POST', `/v1/requests/${id}/receive`, { key });
    expect(received).toMatchObject({ status: 'received', temporaryBarcode: id });
    await h.drain();

    // One AcceptItem made the temporary item (request ID as barcode, notes naming the lender)
    // and the patron's hold at MAIN; the place-hold step found it over REST.
    const item = await desk.item(id);
    expect(item.item_data.location.value).toBe('ILL');
    expect(item.item_data.fulfillment_note).toBe(`ILL request ${id} from LENDA`);
    expect(await desk.holds(id)).toEqual([{ patronId: patron, status: expect.any(String), pickup: 'MAIN' }]);

    // Circulation staff: check in at the pickup desk, check out to the patron. The loan keeps
    // the patron due date AcceptItem carried as DateForReturn, not the 21-day ILL loan rule.
    await desk.checkIn(id, 'MAIN');
    await desk.checkOut(id, patron, 'MAIN');
    const patronDueDate = (await h.ok(200, 'GET', `/v1/requests/${id}`, { key })).patronDueDate;
    // Lender due 2025-03-28 minus the return-shipping offset; the ILL loan rule alone gives 2025-04-02.
    expect(patronDueDate).toMatch(/^2025-03-2\d$/);
    expect(await desk.loan(id)).toEqual({ patronId: patron, dueDate: patronDueDate });

    // ILL marks it returned while it is still on loan: CheckInItem over NCIP, deleted over REST.
    await h.ok(200, 'POST', `/v1/requests/${id}/mark-returned`, { key });
    await h.drain();
    expect(await desk.loan(id)).toBeNull();
    expect(await desk.countItems(id)).toBe(0);
    const complete = await h.ok(200, 'POST', `/v1/requests/${id}/complete`, { key });
    expect(complete).toMatchObject({ status: 'complete', needsAttention: false, pendingSteps: 0 });

    const history = await historyOf(h, id, key);
    expect(history).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^Patron ${patron} verified in the circulation system: .+, active, expires \\d{4}-\\d{2}-\\d{2}\\.$`)),
        `Temporary item record ${id} successfully created.`,
        `Item ${id} checked in.`,
        `Temporary item record ${id} deleted.`,
      ]),
    );

    const { exchanges } = await h.ok(200, 'GET', `/v1/requests/${id}/protocol-log`, { key });
    // Whose loan it is was read over Alma REST (the responder has no LookupItem); the check-in went over NCIP.
    expect(ncipServicesOf(exchanges)).toEqual(['LookupUser', 'AcceptItem', 'CheckInItem']);
    // Every NCIP message Bookstrap sent in this story is valid NCIP 2.02.
    const ncip = exchanges.filter((e: { url: string }) => e.url.endsWith('/view/NCIPServlet')).map((e: { requestBody: string }) => e.requestBody);
    expect((await validateNcip2(ncip)).valid).toBe(true);
    expect(JSON.stringify(exchanges)).not.toContain(demo.alma.apiKey);
  });

  it('lending: ship checks the item out over NCIP to the borrowing library account with the due date; check-in over NCIP', async () => {
    const h = await withAlmaNcipLibrary();
    const key = library.apiKey;
    const desk = almaDesk(h);
    const lent = demo.alma.lendableItems.filter((i) => i.library === 'MAIN')[3]!;
    const account = demo.alma.institutionalPatrons.PARTNR.primaryId;

    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      key,
      body: { role: 'lending', borrowingLibrary: 'PARTNR', title: lent.title, itemBarcode: lent.barcode },
    });
    await h.ok(200, 'POST', `/v1/requests/${id}/ship`, { key, body: { dueDate: '2025-04-16' } });
    await h.drain();
    expect(await desk.loan(lent.barcode)).toEqual({ patronId: account, dueDate: '2025-04-16' });

    await h.ok(200, 'POST', `/v1/requests/${id}/borrower-returned`, { key });
    await h.ok(200, 'POST', `/v1/requests/${id}/check-in`, { key });
    await h.drain();
    expect(await desk.loan(lent.barcode)).toBeNull();
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`, { key });
    expect(request).toMatchObject({ status: 'complete', needsAttention: false });
    const { exchanges } = await h.ok(200, 'GET', `/v1/requests/${id}/protocol-log`, { key });
    // The loan was confirmed to be the borrowing library's over Alma REST, then checked in over NCIP.
    expect(ncipServicesOf(exchanges)).toEqual(['CheckOutItem', 'CheckInItem']);
  });

  it('a wrong partner code stops the step as a configuration problem, and the request still moves', async () => {
    const h = await withAlmaNcipLibrary();
    const wrongPartner = { connection: { ncip: { toAgencyId: demo.alma.institutionCode, applicationProfileType: 'NOT_A_PARTNER' } } };
    // the connection check catches it at configuration time, in Alma's words …
    const refused = await h.request('PATCH', `/v1/libraries/${library.symbol}`, { key: h.adminKey, body: wrongPartner });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.checks[0]).toMatchObject({
      name: 'authenticate',
      status: 'failed',
      detail: expect.stringContaining('is not a resource sharing partner code'),
    });
    // … and staff who store it anyway get the same problem at the first request
    await h.ok(200, 'PATCH', `/v1/libraries/${library.symbol}?check=false`, { key: h.adminKey, body: wrongPartner });
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      key: library.apiKey,
      body: { role: 'borrowing', title: 'Emma', patronId: patron, lenders: ['LENDA'] },
    });
    await h.drain();
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`, { key: library.apiKey });
    expect(request.needsAttention).toBe(true);
    expect(JSON.stringify(request.attention)).toMatch(/partner/i);
    // Integration failures never block the ILL transaction.
    await h.ok(200, 'POST', `/v1/requests/${id}/send`, { key: library.apiKey });
  });

  it('refuses an Alma NCIP connection without the REST half at configuration time', async () => {
    const h = await useHarness({ registry });
    const { baseUrl: _dropped, ...ncipOnly } = library.connection;
    const refused = await h.request('POST', '/v1/libraries', {
      key: h.adminKey,
      body: { symbol: 'NOREST', name: 'No REST', connection: ncipOnly, settings: {}, pickupLocations: library.pickupLocations },
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('connection.baseUrl');
  });
});
