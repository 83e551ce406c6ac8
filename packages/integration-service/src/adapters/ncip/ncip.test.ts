import type { Connection } from '@bookstrap/core';
import { createNcipResponder } from '@bookstrap/ils-simulators/ncip/index';
import { type NcipProfile, profiles } from '@bookstrap/ncip';
import { validateNcip2 } from '@bookstrap/ncip/validate';
import { afterAll, describe, expect, it } from 'vitest';
import { type ContractSubject, circulationSystemContract } from '../contract.ts';
import type { AdapterContext } from '../types.ts';
import { NcipAdapter, ncipAdapter, ncipCapabilities, ncipOptionsOf } from './ncip.ts';
import { alma, almaRestProbe, almaSim, host, type Recorded } from './test-support.ts';
import { almaContractFixture } from '../alma/test-support.ts';

/**
 * The generic NCIP adapter against a responder that offers every service, on the simulated Alma's
 * engine (so the Alma REST API can serve as the probe): once as an NCIP 2 ILS (Sierra's profile),
 * once as an NCIP 1 ILS (Horizon's). Every NCIP 2 message the adapter sends is schema-checked.
 */
const genericUrl = `${host}/ncip-responder`;
const lendable = alma.lendableItems.filter((item) => item.library === 'MAIN').map((item) => item.barcode);
const sentV2: string[] = [];

function connectionFor(ils: Connection['ils']): Connection {
  return { ils, protocol: 'ncip', ncipUrl: genericUrl, ncip: { toAgencyId: 'GENERIC', fromAgencyId: 'TULSA' }, credentials: {} };
}

function genericIls(ils: 'sierra' | 'horizon', profile: NcipProfile) {
  const { sim, context: simContext, traffic } = almaSim();
  const responder = createNcipResponder({
    profile,
    runtime: { engine: sim.engine },
    config: {
      agencyIds: ['GENERIC'],
      temporaryItems: { library: 'MAIN', location: alma.illLocation, policy: alma.itemPolicies.interlibraryLoan },
      circulation: { library: 'MAIN', desk: 'DEFAULT_CIRC_DESK' },
      fees: { ownerLibrary: 'MAIN', defaultType: alma.feeTypes.illFee },
    },
  });
  // The responder sits outside the simulator's fault injection: "down" is switched here.
  let down = false;
  const unavailable = () => new Response('<html><head><title>503 Service Unavailable</title></head></html>', { status: 503 });
  const context: AdapterContext = {
    ...simContext,
    fetch: (input, init) => (input !== genericUrl ? simContext.fetch(input, init) : down ? unavailable() : responder.app.request('/', init)),
    record: (exchange) => {
      traffic.push(exchange);
      if (profile.version === '2.02' && exchange.requestBody) sentV2.push(exchange.requestBody);
    },
  };
  const system = new NcipAdapter(ncipOptionsOf(connectionFor(ils), profile), context);
  const setDown = (value: boolean) => {
    down = value;
  };
  return { sim, system, traffic, rest: almaRestProbe(sim), setDown };
}

function subject(ils: 'sierra' | 'horizon', profile: NcipProfile) {
  return async (): Promise<ContractSubject> => {
    const { system, rest, setDown } = genericIls(ils, profile);
    return {
      system,
      probe: rest.probe,
      // the generic responder applies its own item policy: the contract asks for none
      fixture: { ...almaContractFixture, itemPolicy: undefined },
      ilsDown: async () => setDown(true),
      ilsUp: async () => setDown(false),
      deskCheckIn: rest.deskCheckIn,
    };
  };
}

// Declared gaps of NCIP itself: no service moves items between locations, and nothing reads a
// patron's fees back, so a repeated charge cannot be recognised.
circulationSystemContract('NCIP 2 (Sierra profile, full responder)', subject('sierra', profiles.sierra), {
  unsupported: ['temporary location and back', 'charge fee twice', 'lending hold'],
});
// Horizon: no fees (Tipasa), but the lending hold on the requested item. NCIP 1's LookupItem has
// no due date and RenewItem needs the borrower, so a due-date retry that does not name the patron
// cannot be recognised; the renewal itself is tested below.
circulationSystemContract('NCIP 1 (Horizon profile, full responder)', subject('horizon', profiles.horizon), {
  unsupported: ['temporary location and back', 'charge fee', 'charge fee twice', 'update due date'],
});

afterAll(async () => {
  // Every NCIP 2 request the adapter produced in this file is valid against ncip_v2_02.xsd.
  expect(sentV2.length).toBeGreaterThan(40);
  const { results } = await validateNcip2(sentV2);
  expect(results.flatMap((r, i) => (r.valid ? [] : [`${i}: ${r.errors.join('; ')}\n${sentV2[i]}`]))).toEqual([]);
});

describe('NCIP adapter behaviour', () => {
  it('places the hold with AcceptItem when the plan names the patron, then finds it already done', async () => {
    const { system, rest, traffic } = genericIls('sierra', profiles.sierra);
    const outcome = await system.createTemporaryItem({
      requestId: '9200001',
      barcode: '9200001',
      title: 'Middlemarch',
      note: 'ILL request 9200001 from LENDA',
      lendingLibrary: 'LENDA',
      location: 'ILL',
      inLibraryUseOnly: false,
      dueDate: '2025-04-09',
      patronId: alma.patrons.good.primaryId,
      pickupLocation: 'MAIN',
    });
    expect(outcome.kind).toBe('done');
    expect(traffic[0]?.requestBody).toContain('<PickupLocation>MAIN</PickupLocation>');
    expect(traffic[0]?.requestBody).toContain('<DateForReturn>2025-04-09T23:59:59Z</DateForReturn>');
    expect(await rest.probe.holds('9200001')).toEqual([{ patronId: alma.patrons.good.primaryId, pickupLocation: 'MAIN' }]);
    expect(await rest.probe.itemNotes('9200001')).toContain('ILL request 9200001 from LENDA');
    const hold = await system.placeHold({
      requestId: '9200001',
      patronId: alma.patrons.good.primaryId,
      itemBarcode: '9200001',
      pickupLocation: 'MAIN',
      inLibraryUseOnly: false,
    });
    expect(hold).toMatchObject({ kind: 'already-done', reason: expect.stringContaining('AcceptItem') });
    expect(await rest.probe.holds('9200001')).toHaveLength(1);
  });

  it('asks for a library-use-only item with ItemUseRestrictionType "In Library Use Only"', async () => {
    const { system, traffic } = genericIls('sierra', profiles.sierra);
    const item = { requestId: '9200005', barcode: '9200005', title: 'Folio', note: 'n', lendingLibrary: 'LENDA', location: 'ILL' };
    await system.createTemporaryItem({ ...item, inLibraryUseOnly: true });
    expect(traffic[0]?.requestBody).toContain('In Library Use Only</ItemUseRestrictionType>');
    await system.createTemporaryItem({ ...item, requestId: '9200006', barcode: '9200006', inLibraryUseOnly: false });
    expect(traffic[1]?.requestBody).not.toContain('ItemUseRestrictionType');
  });

  it('reads blocks and expiry from LookupUser', async () => {
    const { system } = genericIls('sierra', profiles.sierra);
    expect(await system.lookupPatron({ patronId: alma.patrons.expired.primaryId })).toMatchObject({ kind: 'done', value: { status: 'expired' } });
    const blocked = await system.lookupPatron({ patronId: alma.patrons.blocked.barcode });
    expect(blocked).toMatchObject({ kind: 'done', value: { status: 'blocked', blocks: expect.arrayContaining([expect.any(String)]) } });
    const good = await system.lookupPatron({ patronId: alma.patrons.good.primaryId });
    expect(good).toMatchObject({
      kind: 'done',
      value: { status: 'active', name: alma.patrons.good.name, expiryDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) },
    });
  });

  it('charges fees in minor units and returns the ILS reference', async () => {
    const { system, rest } = genericIls('sierra', profiles.sierra);
    const outcome = await system.chargeFee({
      requestId: '9200002',
      patronId: alma.patrons.good.primaryId,
      feeType: alma.feeTypes.illFee,
      amount: 12.5,
      comment: 'ILL fee 9200002',
    });
    expect(outcome).toMatchObject({ kind: 'done', value: { feeId: expect.any(String) } });
    expect(await rest.probe.fees(alma.patrons.good.primaryId)).toContainEqual({ amount: 12.5, feeType: alma.feeTypes.illFee, comment: 'ILL fee 9200002' });
  });

  it('declares what NCIP cannot do instead of faking it', async () => {
    const { system } = genericIls('sierra', profiles.sierra);
    expect(system.capabilities).toMatchObject({ temporaryLocation: false, dueDateUpdate: 'renewal', fees: true, deleteTemporaryItem: true });
    expect((await system.moveToTemporaryLocation({ requestId: '1', itemBarcode: 'x', location: 'ILL' })).kind).toBe('configuration-error');
    expect((await system.placeLendingHold({ requestId: '1', title: 't', patronId: 'p' })).kind).toBe('configuration-error');
    // A responder without DeleteItem (Alma's profile): the capability is off and the step says why.
    const { context } = almaSim();
    const limited = new NcipAdapter(ncipOptionsOf(connectionFor('alma'), profiles.alma, ['LookupUser', 'AcceptItem']), context);
    expect(limited.capabilities).toMatchObject({ deleteTemporaryItem: false, fees: false, dueDateUpdate: 'none' });
    expect(await limited.deleteTemporaryItem({ requestId: '1', itemBarcode: 'x' })).toMatchObject({
      kind: 'configuration-error',
      reason: expect.stringContaining('DeleteItem'),
    });
  });

  it('refuses to delete a real item and treats a gone one as already done', async () => {
    const { system, rest } = genericIls('sierra', profiles.sierra);
    const real = lendable[0] as string;
    expect((await system.deleteTemporaryItem({ requestId: '9200003', itemBarcode: real })).kind).toBe('needs-staff');
    expect(await rest.probe.countItems(real)).toBe(1);
    expect((await system.deleteTemporaryItem({ requestId: '9200003', itemBarcode: 'NO-SUCH-ITEM' })).kind).toBe('already-done');
  });

  it.each([
    ['sierra', profiles.sierra],
    ['horizon', profiles.horizon],
  ] as const)('%s: updates a due date with RenewItem and DesiredDateDue', async (ils, profile) => {
    const { system, rest, traffic } = genericIls(ils, profile);
    const barcode = lendable[11] as string;
    await system.checkOut({ requestId: '9200004', patronId: alma.institutionalPatrons.TULSA.primaryId, itemBarcode: barcode, dueDate: '2025-04-16' });
    const outcome = await system.updateDueDate({
      requestId: '9200004',
      patronId: alma.institutionalPatrons.TULSA.primaryId,
      itemBarcode: barcode,
      dueDate: '2025-05-14',
    });
    expect(outcome).toMatchObject({ kind: 'done', value: { dueDate: '2025-05-14' } });
    expect((await rest.probe.loan(barcode))?.dueDate).toBe('2025-05-14');
    expect(traffic.some((t) => t.requestBody?.includes('<DesiredDateDue>2025-05-14T23:59:59Z</DesiredDateDue>'))).toBe(true);
  });
});

describe('NCIP transport', () => {
  const adapterWith = (fetch: AdapterContext['fetch'], overrides: Partial<AdapterContext> = {}) => {
    const traffic: Recorded[] = [];
    const context: AdapterContext = {
      fetch,
      timeoutMs: 5_000,
      clock: { now: () => new Date('2025-03-12T10:00:00Z') },
      record: (exchange) => {
        traffic.push(exchange);
      },
      throttle: async () => {},
      backOff: () => {},
      ...overrides,
    };
    const connection: Connection = { ...connectionFor('sierra'), credentials: { password: 'agency-secret' } };
    return { system: new NcipAdapter(ncipOptionsOf(connection, profiles.sierra), context), traffic };
  };

  it('masks FromAgencyAuthentication in the protocol log and keeps the exchange', async () => {
    const { system, traffic } = adapterWith(async () => new Response('<html><head><title>503 Service Unavailable</title></head></html>', { status: 503 }));
    expect(await system.lookupPatron({ patronId: 'P1' })).toMatchObject({ kind: 'retryable' });
    expect(traffic).toHaveLength(1);
    expect(traffic[0]).toMatchObject({ method: 'POST', url: genericUrl, status: 503 });
    expect(traffic[0]?.requestBody).toContain('<FromAgencyAuthentication>****</FromAgencyAuthentication>');
    expect(JSON.stringify(traffic)).not.toContain('agency-secret');
  });

  it('a wrong address (404 page) is a configuration error; no answer in time is retryable', async () => {
    const notFound = adapterWith(async () => new Response('<html><title>Not Found</title></html>', { status: 404 }));
    expect(await notFound.system.checkIn({ requestId: '1', itemBarcode: 'B1' })).toMatchObject({ kind: 'configuration-error' });
    const hung = adapterWith(() => new Promise<Response>(() => {}), { timeoutMs: 30 });
    expect(await hung.system.checkIn({ requestId: '1', itemBarcode: 'B1' })).toMatchObject({ kind: 'retryable' });
    expect(hung.traffic[0]?.error).toBeDefined();
    const refused = adapterWith(async () => {
      throw new TypeError('fetch failed');
    });
    expect(await refused.system.checkIn({ requestId: '1', itemBarcode: 'B1' })).toMatchObject({ kind: 'retryable' });
  });

  it('a rate limit (429) backs the library off and is retried', async () => {
    const backOffs: number[] = [];
    const { system } = adapterWith(async () => new Response('', { status: 429 }), { backOff: (ms) => void backOffs.push(ms) });
    expect((await system.checkIn({ requestId: '1', itemBarcode: 'B1' })).kind).toBe('retryable');
    // Sent three times within the step (a short 429 goes again after the pause), then retryable.
    expect(backOffs).toEqual([1000, 1000, 1000]);
  });

  it('a 429 that clears within the step does not surface', async () => {
    const backOffs: number[] = [];
    let sent = 0;
    const { system } = adapterWith(
      async () => {
        sent += 1;
        return sent === 1
          ? new Response('', { status: 429, headers: { 'retry-after': '1' } })
          : new Response(
              '<?xml version="1.0"?><NCIPMessage xmlns="http://www.niso.org/2008/ncip" version="http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd"><CheckInItemResponse><ItemId><ItemIdentifierValue>B1</ItemIdentifierValue></ItemId></CheckInItemResponse></NCIPMessage>',
              { status: 200, headers: { 'content-type': 'application/xml' } },
            );
      },
      { backOff: (ms) => void backOffs.push(ms) },
    );
    expect((await system.checkIn({ requestId: '1', itemBarcode: 'B1' })).kind).not.toBe('retryable');
    expect(sent).toBe(2);
    expect(backOffs).toEqual([1000]);
  });
});

describe('ncipAdapter registry rows', () => {
  it('derive capabilities from the ILS and the services its responder offers', () => {
    expect(ncipAdapter('symphony', profiles.symphony).capabilities).toMatchObject({ lendingHold: true, fees: false, temporaryLocation: false });
    expect(ncipCapabilities('sierra', ['LookupUser', 'AcceptItem', 'CheckOutItem', 'CheckInItem'])).toMatchObject({
      dueDateUpdate: 'none',
      deleteTemporaryItem: false,
    });
  });

  it('checks agency ids against the profile at configuration time', () => {
    const wms = ncipAdapter('wms', profiles.wms);
    const problems = wms.checkConnection?.({ ...connectionFor('wms'), ncip: { toAgencyId: 'not-a-registry-id' } });
    expect(problems).toEqual([expect.objectContaining({ path: 'connection.ncip.toAgencyId' })]);
  });
});
