import { adjustableClock, createSimulator, demo, fixedClock } from '@bookstrap/ils-simulators';
import { describe, expect, it, onTestFinished } from 'vitest';
import { hostOf, type Product, wsProbe } from '../adapters/sirsidynix/test-support.ts';
import type { FetchLike } from '../adapters/types.ts';
import { demoAdminKey, sirsiDynixDemoLibrary } from '../demo-libraries.ts';
import { createService } from '../service.ts';
import { createLibrary } from '../workflow/libraries.ts';

/**
 * Symphony and Horizon demo libraries through the service's HTTP API: NCIP 1.0 for circulation,
 * Web Services alongside, the lending hold on the requested item, and override prompts that stop
 * for staff unless the library's settings allow them.
 */
async function sirsiHarness(product: Product) {
  const clock = adjustableClock(fixedClock('2025-03-12T10:00:00.000Z'));
  const sim = createSimulator({ vendor: product, clock });
  const host = hostOf(product);
  const fetch: FetchLike = async (input, init) => {
    if (!input.startsWith(host)) throw new TypeError('fetch failed');
    return sim.app.request(input, init);
  };
  const service = createService({ dbPath: ':memory:', adminKey: demoAdminKey, clock, fetch });
  const library = sirsiDynixDemoLibrary(demo[product], host);
  await createLibrary({ db: service.database.db, clock, registry: service.registry }, library, library.apiKey);
  onTestFinished(async () => {
    await service.close();
    sim.close();
  });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
  const api = async (method: string, path: string, body?: unknown, key = library.apiKey): Promise<any> => {
    const response = await service.app.request(path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const history = async (id: string): Promise<string[]> => (await api('GET', `/v1/requests/${id}`)).history.map((entry: { text: string }) => entry.text);
  return { sim, service, library, api, history, drain: () => service.worker.runUntilIdle(), ws: wsProbe(sim, product) };
}

describe.each(['symphony', 'horizon'] as const)('%s demo library through the service', (product) => {
  const d = demo[product];
  const account = d.institutionalPatrons.PARTNR.barcode;

  it('holds the requested item for the borrowing library, lends it and takes it back', async () => {
    const h = await sirsiHarness(product);
    const item = d.lendableItems.filter((i) => i.library === 'MAIN')[0]!;
    const { id } = await h.api('POST', '/v1/requests', { role: 'lending', borrowingLibrary: 'PARTNR', title: item.title, itemBarcode: item.barcode });
    await h.drain();
    expect(await h.ws.probe.holds(item.barcode)).toEqual([{ patronId: account, pickupLocation: 'MAIN' }]);
    expect(await h.history(id)).toContain(`Hold placed on the requested item for ${account}.`);

    await h.api('POST', `/v1/requests/${id}/ship`, { dueDate: '2025-04-16' });
    await h.drain();
    expect(await h.ws.probe.loan(item.barcode)).toEqual({ patronId: account, dueDate: '2025-04-16' });
    // The account's own hold is filled by the loan.
    expect(await h.ws.probe.holds(item.barcode)).toEqual([]);
    // Symphony moves the lent item to the ILL location over Web Services; Horizon's NCIP server
    // shelves it there itself at CheckOutItem (its own check-out location).
    expect(await h.ws.probe.temporaryLocation(item.barcode)).toBe('ILL');

    await h.api('POST', `/v1/requests/${id}/borrower-returned`);
    const done = await h.api('POST', `/v1/requests/${id}/check-in`);
    expect(done.status).toBe('complete');
    await h.drain();
    expect(await h.ws.probe.loan(item.barcode)).toBeNull();
    expect(await h.ws.probe.temporaryLocation(item.barcode)).toBeUndefined();
    const request = await h.api('GET', `/v1/requests/${id}`);
    expect(request).toMatchObject({ needsAttention: false, pendingSteps: 0 });
  });

  it('receives a borrowed item: temporary item and hold over NCIP, circulation at the desk, renewal, return', async () => {
    const h = await sirsiHarness(product);
    const patron = d.patrons.good.barcode;
    const { id } = await h.api('POST', '/v1/requests', {
      role: 'borrowing',
      title: 'The Name of the Rose',
      author: 'Eco, Umberto',
      patronId: patron,
      pickupLocation: 'MAIN',
      lenders: ['LENDA'],
    });
    await h.drain();
    expect(await h.history(id)).toContainEqual(
      expect.stringMatching(new RegExp(`^Patron ${patron} verified in the circulation system: .+, active, expires \\d{4}-\\d{2}-\\d{2}\\.$`)),
    );
    await h.api('POST', `/v1/requests/${id}/send`);
    await h.api('POST', `/v1/requests/${id}/supplier-shipped`, { supplierItemBarcode: 'LENDA-1', lenderDueDate: '2025-04-01' });
    await h.api('POST', `/v1/requests/${id}/receive`);
    await h.drain();
    expect(await h.ws.probe.countItems(id)).toBe(1);
    expect(await h.ws.probe.itemNotes(id)).toContain(`ILL request ${id}`);
    expect(await h.ws.probe.holds(id)).toEqual([{ patronId: patron, pickupLocation: 'MAIN' }]);

    // Circulation staff: check in at the pickup library (hold shelf), then charge it to the patron.
    const checkIn = await h.ws.ws(
      'POST',
      '/circulation/circRecord/checkIn?includeFields=holdRecord{status}',
      { itemBarcode: id },
      { 'SD-Working-LibraryID': 'MAIN' },
    );
    expect(checkIn.body).toMatchObject({ currentStatus: 'ON_HOLD_SHELF', holdRecord: { fields: { status: 'BEING_HELD' } } });
    const charged = await h.ws.ws(
      'POST',
      '/circulation/circRecord/checkOut?includeFields=circRecord{dueDate}',
      { itemBarcode: id, patronBarcode: patron },
      { 'SD-Working-LibraryID': 'MAIN' },
    );
    // The lender's date less the return-shipping week, kept on the item by AcceptItem.
    expect(charged.body.circRecord.fields.dueDate.slice(0, 10)).toBe('2025-03-25');

    await h.api('POST', `/v1/requests/${id}/request-renewal`);
    await h.api('POST', `/v1/requests/${id}/renewal-approved`, { newDueDate: '2025-04-15' });
    await h.drain();
    expect((await h.ws.probe.loan(id))?.dueDate).toBe('2025-04-08');

    await h.ws.deskCheckIn(id);
    await h.api('POST', `/v1/requests/${id}/mark-returned`);
    await h.drain();
    expect(await h.ws.probe.countItems(id)).toBe(0);
    const texts = await h.history(id);
    expect(texts).toContain(`Temporary item record ${id} deleted.`);
    expect((await h.api('GET', `/v1/requests/${id}`)).needsAttention).toBe(false);
  });
});

describe('override prompts reach the circulation history', () => {
  it('stops a Web Services step at a CKOBLOCKS prompt as "needs staff", and overrides it once the library allows it', async () => {
    const h = await sirsiHarness('symphony');
    const symphony = demo.symphony;
    const blockedAccount = symphony.patrons.blocked.barcode;
    // Web Services only, and PARTNR's account is (wrongly) a blocked user.
    await h.api(
      'PATCH',
      `/v1/libraries/${h.library.symbol}`,
      { connection: { protocol: 'rest' }, settings: { lending: { borrowerIdentifiers: { map: { PARTNR: blockedAccount } } } } },
      demoAdminKey,
    );
    const item = symphony.lendableItems.filter((i) => i.library === 'MAIN')[1]!;
    const { id } = await h.api('POST', '/v1/requests', { role: 'lending', borrowingLibrary: 'PARTNR', title: item.title, itemBarcode: item.barcode });
    await h.drain();
    const stopped = await h.api('GET', `/v1/requests/${id}`);
    expect(stopped.needsAttention).toBe(true);
    expect(stopped.history.map((e: { text: string }) => e.text)).toContainEqual(
      expect.stringMatching(/^Hold on the requested item failed to place \(needs staff: User .* has blocks: Owes the library money\..*CKOBLOCKS/),
    );
    expect(await h.ws.probe.holds(item.barcode)).toEqual([]);

    await h.api(
      'PATCH',
      `/v1/libraries/${h.library.symbol}`,
      { connection: { overridePrompts: ['CKOBLOCKS'], credentials: { overrideCode: symphony.overrideCode } } },
      demoAdminKey,
    );
    const step = stopped.steps.find((s: { name: string }) => s.name === 'place-lending-hold');
    await h.api('POST', `/v1/requests/${id}/steps/${encodeURIComponent(step.key)}/retry`);
    await h.drain();
    expect(await h.ws.probe.holds(item.barcode)).toEqual([{ patronId: blockedAccount, pickupLocation: 'MAIN' }]);
    expect((await h.api('GET', `/v1/requests/${id}`)).needsAttention).toBe(false);
  });
});
