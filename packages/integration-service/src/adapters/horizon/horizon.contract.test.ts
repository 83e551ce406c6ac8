import { demo } from '@bookstrap/ils-simulators';
import { profiles } from '@bookstrap/ncip';
import { describe, expect, it } from 'vitest';
import { circulationSystemContract } from '../contract.ts';
import { SirsiDynixWsAdapter, sirsiDynixOptions } from '../sirsidynix/adapter.ts';
import { SirsiDynixNcipAdapter } from '../sirsidynix/ncip.ts';
import { contractSubject, ncipConnection, wsConnection } from '../sirsidynix/test-support.ts';
import { horizonNcipAdapter, horizonProduct, horizonRestAdapter, horizonWsPath } from './horizon.ts';

/**
 * The shared adapter contract against the simulated Horizon: Web Services only, and NCIP 1.0
 * (the default) with Web Services alongside. The probe reads through Horizon Web Services only,
 * naming every expanded field because Horizon's ROA ignores `{*}` inside a relation.
 */
const horizon = demo.horizon;
const wsSubject = async () =>
  contractSubject('horizon', (context) => new SirsiDynixWsAdapter(horizonProduct, sirsiDynixOptions(wsConnection('horizon'), horizonWsPath), context));
const ncipSubject = async () => contractSubject('horizon', (context) => horizonNcipAdapter.create(ncipConnection('horizon'), context));

// Horizon: no bill creation over either protocol; no message moves an item (over NCIP the server
// shelves what it lends at check-out, tested below).
const gaps = ['charge fee', 'charge fee twice', 'temporary location and back'] as const;
circulationSystemContract('Horizon Web Services (simulated)', wsSubject, { unsupported: [...gaps] });
circulationSystemContract('Horizon NCIP 1.0 + Web Services (simulated)', ncipSubject, { unsupported: [...gaps] });
// Every Web Services step as on its first run (issue 14; see the Symphony contract test).
circulationSystemContract(
  'Horizon Web Services (simulated), each call as a first run',
  async () =>
    contractSubject(
      'horizon',
      (context) => new SirsiDynixWsAdapter(horizonProduct, sirsiDynixOptions(wsConnection('horizon'), horizonWsPath), { ...context, firstRun: true }),
    ),
  { unsupported: [...gaps] },
);

describe('Horizon adapters: declared gaps and what differs from Symphony', () => {
  it('over NCIP, the server shelves a lent item in the ILL location at check-out and back at check-in; the step verifies it', async () => {
    const { system, fixture, probe } = await ncipSubject();
    const barcode = fixture.lendableBarcodes[0] as string;
    expect(system.capabilities.temporaryLocation).toBe(true);
    expect((await system.moveToTemporaryLocation({ requestId: '1', itemBarcode: barcode, location: 'ILL' })).kind).toBe('needs-staff');
    expect((await system.checkOut({ requestId: '1', patronId: fixture.accountId, itemBarcode: barcode })).kind).toBe('done');
    expect(await probe.temporaryLocation(barcode)).toBe(horizon.illLocation);
    expect((await system.moveToTemporaryLocation({ requestId: '1', itemBarcode: barcode, location: 'ILL' })).kind).toBe('done');
    expect((await system.checkIn({ requestId: '1', itemBarcode: barcode })).kind).toBe('done');
    expect(await probe.temporaryLocation(barcode)).toBeUndefined();
    expect((await system.restorePermanentLocation({ requestId: '1', itemBarcode: barcode })).kind).toBe('done');
  });

  it('Web Services declare no temporary location and no fees, and refuse them as configuration errors', async () => {
    for (const subject of [await wsSubject()]) {
      expect(subject.system.capabilities).toMatchObject({ fees: false, temporaryLocation: false, lendingHold: true, deleteTemporaryItem: true });
      const move = await subject.system.moveToTemporaryLocation({
        requestId: '1',
        itemBarcode: subject.fixture.lendableBarcodes[0] as string,
        location: 'ILL',
      });
      expect(move.kind).toBe('configuration-error');
      expect(await subject.probe.temporaryLocation(subject.fixture.lendableBarcodes[0] as string)).toBeUndefined();
    }
    expect(horizonRestAdapter.capabilities).toMatchObject({ temporaryLocation: false, fees: false });
    expect(horizonNcipAdapter.capabilities).toMatchObject({ temporaryLocation: true, lendingHold: true, dueDateUpdate: 'renewal' });
  });

  it('reads a blocked Horizon patron from the block list (Horizon shows no standing)', async () => {
    const subject = await wsSubject();
    const outcome = await subject.system.lookupPatron({ patronId: horizon.patrons.blocked.barcode });
    expect(outcome).toMatchObject({ kind: 'done', value: { status: 'blocked', blocks: ['Owes the library money'] } });
    const reads = subject.traffic.filter((t) => t.url.includes('/user/patron/barcode/'));
    expect(reads[0]?.url).not.toContain('standing');
  });

  it('places the lending hold on the requested item over NCIP RequestItem; a Duplicate Request is never claimed (NCIP cannot show whose it is)', async () => {
    const subject = await ncipSubject();
    const item = subject.fixture.lendableBarcodes[15] as string;
    const input = { requestId: '9400001', itemBarcode: item, title: 'x', patronId: subject.fixture.accountId };
    expect((await subject.system.placeLendingHold(input)).kind).toBe('done');
    const held = [{ patronId: subject.fixture.accountId, pickupLocation: 'MAIN' }];
    expect(await subject.probe.holds(item)).toEqual(held);
    // The same request again, and a second lending request of the same library for the item: the
    // account's hold may be either's, so neither claims it (a claimed hold is one cancel-hold ends).
    for (const requestId of ['9400001', '9400003'])
      expect(await subject.system.placeLendingHold({ ...input, requestId })).toMatchObject({
        kind: 'needs-staff',
        reason: expect.stringContaining(`NCIP cannot show whether request ${requestId} placed it`),
      });
    expect(await subject.probe.holds(item)).toEqual(held);
    expect(subject.traffic.filter((t) => t.url.endsWith('/ncip'))).toHaveLength(3);
  });

  it('without Web Services, NCIP alone still changes a due date when the borrower is named', async () => {
    const subject = contractSubject(
      'horizon',
      (context) =>
        new SirsiDynixNcipAdapter(
          { product: horizonProduct, profile: profiles.horizon, services: ['CheckOutItem', 'RenewItem', 'LookupItem'], wsPath: horizonWsPath },
          { ...ncipConnection('horizon'), baseUrl: undefined, credentials: {} },
          context,
        ),
    );
    const barcode = subject.fixture.lendableBarcodes[16] as string;
    await subject.system.checkOut({ requestId: '9400002', patronId: subject.fixture.accountId, itemBarcode: barcode, dueDate: '2025-04-16' });
    const changed = await subject.system.updateDueDate({
      requestId: '9400002',
      patronId: subject.fixture.accountId,
      itemBarcode: barcode,
      dueDate: '2025-04-30',
    });
    expect(changed.kind).toBe('done');
    expect((await subject.probe.loan(barcode))?.dueDate).toBe('2025-04-30');
    expect(subject.traffic.every((t) => t.url.endsWith('/ncip'))).toBe(true);
  });
});
