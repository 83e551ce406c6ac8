import type { Connection } from '@bookstrap/core';
import { adjustableClock, createSimulator, demo, fixedClock, type Simulator } from '@bookstrap/ils-simulators';
import { buildRequest, type NcipRequest, type NcipService, type NcipSuccessResponse, parseResponse, profiles } from '@bookstrap/ncip';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type ContractProbe, type ContractSubject, circulationSystemContract } from '../contract.ts';
import { NcipAdapter, ncipOptionsOf } from '../ncip/ncip.ts';
import { innovativeNcipServices } from '../sierra/sierra-ncip.ts';
import type { AdapterContext } from '../types.ts';
import { millenniumNcipAdapter } from './millennium.ts';

/**
 * The shared adapter contract against the simulated Millennium over NCIP. Millennium has no
 * REST API, so the probe reads state through NCIP too (LookupItem with the current borrower and
 * requesters, LookupUser with requested items) and the read-only Patron API.
 */
const millennium = demo.millennium;
const host = 'http://millennium.sim.test';
const lendable = millennium.lendableItems.filter((item) => item.library === 'MAIN').map((item) => item.barcode);

const connection: Connection = {
  ils: 'millennium',
  protocol: 'ncip',
  ncipUrl: `${host}${millennium.ncipPath}`,
  ncip: { toAgencyId: millennium.ncipAgencyId, fromAgencyId: 'TULSA' },
  credentials: {},
};

type ItemLookup = Extract<NcipSuccessResponse, { service: 'LookupItem' }> & {
  requestId?: string;
  itemTransaction?: { currentBorrower?: string; currentRequesters?: string[] };
};
type UserLookup = Extract<NcipSuccessResponse, { service: 'LookupUser' }> & { requestedItems?: { itemId?: string; pickupLocation?: string }[] };

function millenniumProbe(sim: Simulator) {
  const send = async (request: { service: NcipService } & Record<string, unknown>, fromAgencyId = 'PROBE') => {
    const response = await sim.app.request(`${host}${millennium.ncipPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: buildRequest({ ...request, header: { fromAgencyId, toAgencyId: millennium.ncipAgencyId } } as unknown as NcipRequest, profiles.millennium),
    });
    return parseResponse(await response.text(), request.service);
  };
  const item = async (barcode: string, elements: string[], extra: Record<string, unknown> = {}) => {
    const reply = await send({ service: 'LookupItem', itemId: barcode, itemElementTypes: elements, ...extra });
    return reply.ok ? (reply.response as ItemLookup) : undefined;
  };
  const locationCode = (names: { value: string }[] | undefined) => millennium.locations.find((l) => names?.some((n) => n.value === l.name))?.code;
  const probe: ContractProbe = {
    countItems: async (barcode) => ((await item(barcode, ['Circulation Status'])) ? 1 : 0),
    itemNotes: async (barcode) => {
      const found = await item(barcode, ['Bibliographic Description']);
      if (!found) return undefined;
      const publisher = found.item.bibliographicDescription?.publisher;
      return [found.requestId ? `ILL request ${found.requestId}` : '', publisher ? `from ${publisher}` : ''].filter(Boolean).join(' ');
    },
    itemLocation: async (barcode) => locationCode((await item(barcode, ['Location']))?.item.locations?.[0]?.names),
    holds: async (barcode) => {
      const found = await item(barcode, ['Circulation Status'], { currentRequestersDesired: true });
      const holds = [];
      for (const requester of found?.itemTransaction?.currentRequesters ?? []) {
        const user = await send({ service: 'LookupUser', userId: requester, requestedItemsDesired: true });
        const requested = user.ok ? (user.response as UserLookup).requestedItems?.find((r) => r.itemId === barcode) : undefined;
        holds.push({ patronId: requester, pickupLocation: requested?.pickupLocation ?? '' });
      }
      return holds;
    },
    loan: async (barcode) => {
      const found = await item(barcode, ['Date Due'], { currentBorrowerDesired: true });
      const borrower = found?.itemTransaction?.currentBorrower;
      return borrower && found?.item.dateDue ? { patronId: borrower, dueDate: found.item.dateDue.slice(0, 10) } : null;
    },
    // The Patron API shows the total owed only; Millennium charges nothing over NCIP anyway.
    fees: async () => [],
    temporaryLocation: async () => undefined,
  };
  return { probe, send };
}

async function subject(): Promise<ContractSubject & { sim: Simulator }> {
  const clock = adjustableClock(fixedClock('2025-03-12T10:00:00.000Z'));
  const sim = createSimulator({ vendor: 'millennium', clock });
  onTestFinished(() => sim.close());
  const context: AdapterContext = {
    fetch: (input, init) => sim.app.request(input, init),
    timeoutMs: 5_000,
    clock,
    record: () => {},
    throttle: async () => {},
    backOff: () => {},
  };
  const { probe, send } = millenniumProbe(sim);
  const faults = async (body: unknown) => {
    await sim.app.request(`${host}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  };
  return {
    sim,
    system: new NcipAdapter(ncipOptionsOf(connection, profiles.millennium, innovativeNcipServices), context),
    probe,
    fixture: {
      patronId: millennium.patrons.good.barcode,
      unknownPatronId: '23999999999999',
      blockedPatronId: millennium.patrons.blocked.barcode,
      expiredPatronId: millennium.patrons.expired.barcode,
      accountId: millennium.institutionalPatrons.PARTNR.barcode,
      lendableBarcodes: lendable,
      pickupLocation: 'main',
      illLocation: millennium.illLocation,
      temporaryLocation: millennium.illLocation,
      feeType: 'ILL',
      today: '2025-03-12',
      futureDueDate: '2025-04-16',
      laterDueDate: '2025-04-30',
    },
    ilsDown: () => faults({ down: true }),
    ilsUp: () => faults({}),
    // Circulation staff discharge through the responder too: Millennium has no other door.
    deskCheckIn: async (barcode) => {
      await send({ service: 'CheckInItem', itemId: barcode });
    },
  };
}

circulationSystemContract('Millennium NCIP (simulated)', subject, {
  unsupported: [
    // Millennium's NCIP responder has no fiscal transactions.
    'charge fee',
    'charge fee twice',
    // No message moves an item: the responder shelves what it lends at check-out (tested below).
    'temporary location and back',
    // Lending holds: Horizon and Symphony only.
    'lending hold',
  ],
});

describe('Millennium over NCIP: declared gaps', () => {
  it('offers what Innovative’s responder offers, no more', () => {
    expect(millenniumNcipAdapter.capabilities).toEqual({
      feesOnShipped: false,
      fees: false,
      feeRemoval: false,
      lendingHold: false,
      dueDateUpdate: 'renewal',
      // the responder's own ILL check-out location, verified over LookupItem
      temporaryLocation: true,
      deleteTemporaryItem: true,
      patronLookup: true,
      cancelHold: true,
    });
  });

  it('refuses fees as a configuration error, never a fake success', async () => {
    const { system, fixture } = await subject();
    expect((await system.chargeFee({ requestId: '9300001', patronId: fixture.patronId, feeType: 'ILL', amount: 1, comment: 'x' })).kind).toBe(
      'configuration-error',
    );
  });

  it('a lent item is shelved in the ILL location by the responder at check-out and back at check-in; the step verifies, never fakes', async () => {
    const { system, fixture } = await subject();
    const barcode = fixture.lendableBarcodes[0] as string;
    const move = { requestId: '9300002', itemBarcode: barcode, location: 'ILL' };
    // not checked out: the responder has not moved it, and the step says so instead of pretending
    expect(await system.moveToTemporaryLocation(move)).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('did not shelve it') });
    expect((await system.checkOut({ requestId: '9300002', patronId: fixture.accountId, itemBarcode: barcode })).kind).toBe('done');
    expect(await system.moveToTemporaryLocation(move)).toMatchObject({ kind: 'done', value: { temporaryLocation: expect.stringContaining('/') } });
    expect(await system.restorePermanentLocation({ requestId: '9300002', itemBarcode: barcode })).toMatchObject({ kind: 'needs-staff' });
    expect((await system.checkIn({ requestId: '9300002', itemBarcode: barcode })).kind).toBe('done');
    expect((await system.restorePermanentLocation({ requestId: '9300002', itemBarcode: barcode })).kind).toBe('done');
  });

  it('a desk loan to a local patron is not moved to the ILL location', async () => {
    const { system, fixture } = await subject();
    const barcode = fixture.lendableBarcodes[1] as string;
    expect((await system.checkOut({ requestId: '9300003', patronId: fixture.patronId, itemBarcode: barcode })).kind).toBe('done');
    expect((await system.moveToTemporaryLocation({ requestId: '9300003', itemBarcode: barcode, location: 'ILL' })).kind).toBe('needs-staff');
  });
});
