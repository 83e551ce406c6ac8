import { adjustableClock, createSimulator, demo, fixedClock } from '@bookstrap/ils-simulators';
import { describe, expect, it, onTestFinished } from 'vitest';
import { almaRestAdapter } from '../adapters/alma/alma.ts';
import { almaNcipAdapter } from '../adapters/ncip/alma-ncip.ts';
import type { AdapterRegistry } from '../adapters/types.ts';
import { sierraRestAdapter } from '../adapters/sierra/sierra.ts';
import { sierraRestProbe } from '../adapters/sierra/test-support.ts';
import { defaultAdapterRegistry } from '../adapters/registry.ts';
import { almaNcipDemoLibrary, millenniumDemoLibrary, sierraDemoLibrary, sirsiDynixDemoLibrary, wmsDemoLibraries } from '../demo-libraries.ts';
import { symphonyRestAdapter } from '../adapters/symphony/symphony.ts';
import { allRows, tablesOf } from '../store/dialect.ts';
import { almaDesk } from '../testutil/alma-desk.ts';
import { almaHost, type Harness, useHarness } from '../testutil/harness.ts';
import { createLibrary } from '../workflow/libraries.ts';
import { createWorker } from '../worker/worker.ts';

/**
 * Each step at the protocol's minimum (issue 14), counted at the simulator through the service:
 * receiving a borrowed item (create the temporary item, place the patron's hold) costs Alma REST
 * four calls — bib, holding, item, request —, Sierra REST three — bib, item, hold on the patron
 * record the request's look-up found —, SirsiDynix Web Services two — the title POST, placeHold —
 * and every NCIP set-up one AcceptItem, which places the hold too. The lookups that protect
 * against a crashed earlier run happen only when there was one.
 */
const patron = demo.alma.patrons.good.primaryId;
const registry: AdapterRegistry = {
  'alma:rest': { ...almaRestAdapter, ratePerSecond: 10_000 },
  'alma:ncip': { ...almaNcipAdapter, ratePerSecond: 10_000 },
};

async function receivedRequest(h: Harness, key: string): Promise<string> {
  const { id } = await h.ok(201, 'POST', '/v1/requests', {
    key,
    body: { role: 'borrowing', title: 'Dracula', patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] },
  });
  await h.ok(200, 'POST', `/v1/requests/${id}/send`, { key });
  await h.ok(200, 'POST', `/v1/requests/${id}/supplier-shipped`, { key });
  await h.drain();
  await h.ok(200, 'POST', `/v1/requests/${id}/receive`, { key });
  return id;
}

async function callsOf(h: Harness, id: string, step: string): Promise<string[]> {
  const { db } = h.service.database;
  const { protocolLog } = tablesOf(db);
  return (
    await allRows(
      db.select({ method: protocolLog.method, url: protocolLog.url, stepKey: protocolLog.stepKey, body: protocolLog.requestBody }).from(protocolLog),
    )
  )
    .filter((row) => row.stepKey?.startsWith(`${id}:${step}`))
    .map(
      (row) =>
        `${row.method} ${new URL(row.url).pathname.replace(/^\/(almaws\/v1|iii\/sierra-api\/v6|symws)/, '')}${/<(?:\w+:)?AcceptItem\b/.test(row.body ?? '') ? ' AcceptItem' : ''}${/<(?:\w+:)?RequestItem\b/.test(row.body ?? '') ? ' RequestItem' : ''}`,
    );
}

describe('round trips per step, at the protocol minimum', () => {
  it('Alma REST receive: bib, holding, item, hold — four calls; the hold lands on the item just made', async () => {
    const h = await useHarness({ registry });
    const id = await receivedRequest(h, h.keys.TULSA);
    await h.drain();
    const create = await callsOf(h, id, 'create-temporary-item');
    const hold = await callsOf(h, id, 'place-hold');
    expect(create).toEqual([
      expect.stringMatching(/^POST \/bibs$/),
      expect.stringMatching(/^POST \/bibs\/\d+\/holdings$/),
      expect.stringMatching(/^POST \/bibs\/\d+\/holdings\/\d+\/items$/),
    ]);
    expect(hold).toEqual([expect.stringMatching(/^POST \/users\/.+\/requests$/)]);
    expect(await almaDesk(h).countItems(id)).toBe(1);
    expect(await almaDesk(h).holds(id)).toEqual([{ patronId: patron, status: expect.any(String), pickup: 'MAIN' }]);
  });

  it('Alma REST: a barcode another item already has costs the long way only then, and changes nothing', async () => {
    const h = await useHarness({ registry });
    const taken = demo.alma.lendableItems[0]!.barcode;
    const before = await h.alma('GET', `/items?item_barcode=${taken}`);
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'borrowing', title: 'Emma', patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] },
    });
    for (const action of ['send', 'supplier-shipped']) await h.ok(200, 'POST', `/v1/requests/${id}/${action}`);
    await h.ok(200, 'POST', `/v1/requests/${id}/receive`, { body: { temporaryBarcode: taken } });
    await h.drain();
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(request.attention).toMatchObject({ step: 'create-temporary-item', suggestion: expect.stringContaining('use barcode') });
    // The short way's bib and holding were removed again; the other item is as it was.
    const after = await h.alma('GET', `/items?item_barcode=${taken}`);
    expect(after.body).toEqual(before.body);
    expect(await almaDesk(h).countItems(id)).toBe(0);
  });

  it('Alma REST: a create step whose first run died after the bib looks first on its next run: no second bib', async () => {
    const h = await useHarness({ registry });
    const id = await receivedRequest(h, h.keys.TULSA);
    // The first run's connection drops right after Alma made the bib.
    let cut = true;
    const dying = createWorker({
      db: h.service.database.db,
      clock: h.clock,
      registry: h.service.registry,
      fetch: async (input, init) => {
        if (cut && init?.method === 'POST' && /\/holdings$/.test(new URL(input).pathname)) {
          cut = false;
          throw new TypeError('fetch failed');
        }
        return h.fetch(input, init);
      },
    });
    await dying.runUntilIdle();
    h.clock.advance(10 * 60_000);
    await h.drain();
    const marker = `(BOOKSTRAP)${id}-${id}`;
    const bibs = await h.alma('GET', `/bibs?other_system_id=${encodeURIComponent(marker)}&view=brief`);
    expect(bibs.body.total_record_count).toBe(1);
    expect(await almaDesk(h).countItems(id)).toBe(1);
    expect((await callsOf(h, id, 'create-temporary-item')).filter((call) => call === 'POST /bibs')).toHaveLength(1);
  });

  it('Alma NCIP receive: one AcceptItem makes the item and the hold; no RequestItem after it', async () => {
    const h = await useHarness({ registry });
    const library = almaNcipDemoLibrary(demo.alma, almaHost);
    await createLibrary({ db: h.service.database.db, clock: h.clock, registry: h.service.registry }, library, library.apiKey);
    const id = await receivedRequest(h, library.apiKey);
    await h.drain();
    expect(await callsOf(h, id, 'create-temporary-item')).toEqual(['POST /view/NCIPServlet AcceptItem']);
    expect(await callsOf(h, id, 'place-hold')).toEqual([]);
    expect(await almaDesk(h).holds(id)).toEqual([{ patronId: patron, status: expect.any(String), pickup: 'MAIN' }]);
  });

  /** A vendor's demo library on its simulator, through the service: REST / Web Services, or its NCIP set-up. */
  async function vendorHarness(vendor: 'sierra' | 'symphony' | 'horizon' | 'wms' | 'millennium', protocol: 'rest' | 'ncip' = 'rest') {
    const host = `http://${vendor}.sim.test`;
    const clock = adjustableClock(fixedClock('2025-03-12T10:00:00.000Z'));
    const sim = createSimulator({ vendor, clock });
    onTestFinished(() => sim.close());
    const h = await useHarness({
      sim,
      host,
      clock,
      noLibraries: true,
      registry: {
        ...defaultAdapterRegistry,
        'sierra:rest': { ...sierraRestAdapter, ratePerSecond: 10_000 },
        'symphony:rest': { ...symphonyRestAdapter, ratePerSecond: 10_000 },
      },
    });
    const demoLibrary =
      vendor === 'sierra'
        ? sierraDemoLibrary(demo.sierra, host)
        : vendor === 'wms'
          ? wmsDemoLibraries(demo.wms, host)[0]!
          : vendor === 'millennium'
            ? millenniumDemoLibrary(demo.millennium, host)
            : sirsiDynixDemoLibrary(demo[vendor], host);
    const { ncipUrl: _url, ncip: _ncip, ...connection } = demoLibrary.connection;
    const library = protocol === 'ncip' ? demoLibrary : { ...demoLibrary, connection: { ...connection, protocol: 'rest' as const } };
    await createLibrary({ db: h.service.database.db, clock: h.clock, registry: h.service.registry }, library, library.apiKey);
    return { h, key: library.apiKey };
  }

  async function receivedAt(h: Harness, key: string, patronId: string, pickupLocation: string): Promise<string> {
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      key,
      body: { role: 'borrowing', title: 'Dracula', patronId, pickupLocation, lenders: ['LENDA'] },
    });
    await h.ok(200, 'POST', `/v1/requests/${id}/send`, { key });
    await h.ok(200, 'POST', `/v1/requests/${id}/supplier-shipped`, { key });
    await h.drain();
    await h.ok(200, 'POST', `/v1/requests/${id}/receive`, { key });
    await h.drain();
    return id;
  }

  it("Sierra REST receive: bib, item, hold on the patron record the request's look-up found — three calls", async () => {
    const { h, key } = await vendorHarness('sierra');
    const patronId = demo.sierra.patrons.good.barcode;
    const id = await receivedAt(h, key, patronId, 'MAIN');
    expect(await callsOf(h, id, 'lookup-patron')).toEqual(['POST /token', 'GET /patrons/find']);
    expect(await callsOf(h, id, 'create-temporary-item')).toEqual(['POST /bibs', 'POST /items']);
    expect(await callsOf(h, id, 'place-hold')).toEqual([expect.stringMatching(/^POST \/patrons\/\d+\/holds\/requests$/)]);
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`, { key });
    expect(request.status).toBe('received');
  });

  it('Symphony Web Services receive: one title POST, one placeHold — two calls', async () => {
    const { h, key } = await vendorHarness('symphony');
    const id = await receivedAt(h, key, demo.symphony.patrons.good.barcode, 'MAIN');
    expect(await callsOf(h, id, 'create-temporary-item')).toEqual(['POST /catalog/bib']);
    expect(await callsOf(h, id, 'place-hold')).toEqual(['POST /circulation/holdRecord/placeHold']);
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`, { key });
    expect(request.status).toBe('received');
  });

  it("Sierra REST: a patron corrected before the receive gets the hold on the corrected patron's record, from that patron's own look-up", async () => {
    const { h, key } = await vendorHarness('sierra');
    const first = demo.sierra.otherPatrons[1]!;
    const corrected = demo.sierra.patrons.good;
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      key,
      body: { role: 'borrowing', title: 'Dracula', patronId: first.barcode, pickupLocation: 'MAIN', lenders: ['LENDA'] },
    });
    await h.drain();
    await h.ok(200, 'PATCH', `/v1/requests/${id}`, { key, body: { patronId: corrected.barcode, note: 'typo at the desk' } });
    await h.ok(200, 'POST', `/v1/requests/${id}/send`, { key });
    await h.ok(200, 'POST', `/v1/requests/${id}/supplier-shipped`, { key });
    await h.drain();
    await h.ok(200, 'POST', `/v1/requests/${id}/receive`, { key });
    await h.drain();
    // both look-ups ran; the hold went on the corrected patron's record, found by its own look-up
    expect(await callsOf(h, id, `lookup-patron:${first.barcode}`)).toContain('GET /patrons/find');
    expect(await callsOf(h, id, `lookup-patron:${corrected.barcode}`)).toContain('GET /patrons/find');
    expect(await callsOf(h, id, 'place-hold')).toEqual([`POST /patrons/${corrected.id}/holds/requests`]);
    expect(corrected.id).not.toBe(first.id);
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`, { key });
    expect(await sierraRestProbe(h.sim).probe.holds(request.temporaryBarcode)).toEqual([{ patronId: corrected.barcode, pickupLocation: 'main' }]);
  });

  it.each(['sierra', 'symphony', 'horizon', 'wms', 'millennium'] as const)('%s NCIP receive: one AcceptItem, no RequestItem after it', async (vendor) => {
    const { h, key } = await vendorHarness(vendor, 'ncip');
    const patronId = demo[vendor].patrons.good.barcode;
    const id = await receivedAt(h, key, patronId, vendor === 'wms' ? demo.wms.branches.find((b) => b.code === 'MAIN')!.branchId : 'MAIN');
    expect(await callsOf(h, id, 'create-temporary-item')).toEqual([expect.stringMatching(/^POST \S+ AcceptItem$/)]);
    expect(await callsOf(h, id, 'place-hold')).toEqual([]);
  });
});
