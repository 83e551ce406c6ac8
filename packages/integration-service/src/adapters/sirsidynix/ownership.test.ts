import type { TemporaryItemInput } from '@bookstrap/core';
import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { horizonProduct, horizonWsPath } from '../horizon/horizon.ts';
import { symphonyProduct, symphonyWsPath } from '../symphony/symphony.ts';
import { SirsiDynixWsAdapter, type SirsiDynixProduct, sirsiDynixOptions } from './adapter.ts';
import { contractSubject, type Product, wsConnection, wsProbe } from './test-support.ts';

/**
 * Never touch what isn't yours: with an owner on the step, the Web Services adapter checks the
 * item's circ record and notes first and leaves a charge Bookstrap did not make alone.
 */

const products: [Product, SirsiDynixProduct, string][] = [
  ['symphony', symphonyProduct, symphonyWsPath],
  ['horizon', horizonProduct, horizonWsPath],
];

describe.each(products)('%s Web Services: only what Bookstrap made is changed', (product, setup, path) => {
  const d = demo[product];
  const subject = async () => {
    const made = contractSubject(product, (context) => new SirsiDynixWsAdapter(setup, sirsiDynixOptions(wsConnection(product), path), context));
    return { ...made, ws: wsProbe(made.sim, product) };
  };
  const temporaryItem = (requestId: string, barcode: string): TemporaryItemInput => ({
    requestId,
    barcode,
    title: 'Ownership test: The Name of the Rose',
    note: `ILL request ${requestId} from LENDA`,
    lendingLibrary: 'LENDA',
    location: d.illLocation,
    inLibraryUseOnly: false,
    itemPolicy: d.itemTypes.interlibraryLoan,
  });
  const writes = (traffic: { method: string; url: string }[]) =>
    traffic.filter((t) => (t.method === 'POST' && /circRecord\/(checkIn|renew)/.test(t.url)) || t.method === 'PUT');

  it("leaves a lent item charged to another user alone (check-in, due date, location): needs staff, that user's charge unchanged", async () => {
    const { system, fixture, probe, traffic } = await subject();
    const barcode = d.checkedOutItem.barcode;
    const before = await probe.loan(barcode);
    expect(before?.patronId).toBe(d.checkedOutItem.borrower);
    const owner = { kind: 'lent-item' as const, requestId: '9500001', borrowerPatronId: fixture.accountId };
    const left = { kind: 'needs-staff', reason: expect.stringContaining('Bookstrap did not make that loan, so it was left alone') };

    expect(await system.checkIn({ requestId: '9500001', itemBarcode: barcode, owner })).toMatchObject(left);
    expect(await system.updateDueDate({ requestId: '9500001', itemBarcode: barcode, dueDate: fixture.laterDueDate, owner })).toMatchObject(left);
    if (system.capabilities.temporaryLocation) {
      expect(await system.restorePermanentLocation({ requestId: '9500001', itemBarcode: barcode, owner })).toMatchObject(left);
    }
    expect(await probe.loan(barcode)).toEqual(before);
    expect(writes(traffic)).toHaveLength(0);
  });

  it("does not call another request's charge to the same account its own at check-out (needs staff, that charge unchanged)", async () => {
    const { system, fixture, probe } = await subject();
    const lent = fixture.lendableBarcodes[4] as string;
    expect((await system.checkOut({ requestId: '9500010', patronId: fixture.accountId, itemBarcode: lent, dueDate: fixture.futureDueDate })).kind).toBe('done');
    const before = await probe.loan(lent);
    const second = await system.checkOut({
      requestId: '9500011',
      patronId: fixture.accountId,
      itemBarcode: lent,
      dueDate: fixture.laterDueDate,
      heldForOtherRequests: [{ requestId: '9500010' }],
    });
    expect(second).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining("that loan is request 9500010's, not this request's") });
    expect(await probe.loan(lent)).toEqual(before);
  });

  it('calls a lent item that is not charged (the desk checked it in first) already done on check-in', async () => {
    const { system, fixture, probe, deskCheckIn } = await subject();
    const owner = { kind: 'lent-item' as const, requestId: '9500002', borrowerPatronId: fixture.accountId };
    const shelved = fixture.lendableBarcodes[2] as string;
    expect(await system.checkIn({ requestId: '9500002', itemBarcode: shelved, owner })).toMatchObject({ kind: 'already-done' });
    const lent = fixture.lendableBarcodes[3] as string;
    expect(await system.checkOut({ requestId: '9500002', patronId: fixture.accountId, itemBarcode: lent })).toMatchObject({ kind: 'done' });
    await deskCheckIn(lent);
    expect(await probe.loan(lent)).toBeNull();
    expect(await system.checkIn({ requestId: '9500002', itemBarcode: lent, owner })).toMatchObject({ kind: 'already-done' });
  });

  it('leaves an item whose notes do not carry the request ID alone: needs staff, its charge unchanged', async () => {
    const { system, fixture, probe, traffic } = await subject();
    expect(await system.createTemporaryItem(temporaryItem('9500003', 'OWN-9500003'))).toMatchObject({ kind: 'done' });
    expect(await system.checkOut({ requestId: '9500003', patronId: fixture.patronId, itemBarcode: 'OWN-9500003' })).toMatchObject({ kind: 'done' });
    const before = await probe.loan('OWN-9500003');
    const owner = { kind: 'temporary-item' as const, requestId: '9500004', patronId: fixture.patronId };
    const left = { kind: 'needs-staff', reason: expect.stringContaining('Bookstrap did not create it, so it was left alone') };
    expect(await system.checkIn({ requestId: '9500004', itemBarcode: 'OWN-9500003', owner })).toMatchObject(left);
    expect(await system.updateDueDate({ requestId: '9500004', itemBarcode: 'OWN-9500003', dueDate: fixture.laterDueDate, owner })).toMatchObject(left);
    // A library's own item on loan, named as a temporary item.
    const real = d.checkedOutItem.barcode;
    const realBefore = await probe.loan(real);
    expect(await system.checkIn({ requestId: '9500004', itemBarcode: real, owner })).toMatchObject(left);
    expect(await probe.loan('OWN-9500003')).toEqual(before);
    expect(await probe.loan(real)).toEqual(realBefore);
    expect(writes(traffic)).toHaveLength(0);
  });

  it("leaves a temporary item's due date alone when it is charged to another user than the request's", async () => {
    const { system, fixture, probe, traffic } = await subject();
    expect(await system.createTemporaryItem(temporaryItem('9500005', 'OWN-9500005'))).toMatchObject({ kind: 'done' });
    expect(await system.checkOut({ requestId: '9500005', patronId: fixture.patronId, itemBarcode: 'OWN-9500005' })).toMatchObject({ kind: 'done' });
    const before = await probe.loan('OWN-9500005');
    const outcome = await system.updateDueDate({
      requestId: '9500005',
      itemBarcode: 'OWN-9500005',
      dueDate: fixture.laterDueDate,
      owner: { kind: 'temporary-item', requestId: '9500005', patronId: d.checkedOutItem.borrower },
    });
    expect(outcome).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('that loan was left alone') });
    expect(await probe.loan('OWN-9500005')).toEqual(before);
    expect(writes(traffic)).toHaveLength(0);
  });

  /** The item's active holds, read through Web Services: key, user and comment. */
  const holdsOn = async (ws: Awaited<ReturnType<typeof subject>>['ws'], barcode: string) => {
    const found = await ws.ws('GET', `/catalog/item/barcode/${barcode}?includeFields=holdRecordList{status,comment,patron{barcode}}`);
    // biome-ignore lint/suspicious/noExplicitAny: Web Services bodies are read field by field
    return (found.body.fields.holdRecordList as any[])
      .filter((hold) => ['PLACED', 'BEING_HELD', 'TRANSIT'].includes(hold.fields.status))
      .map((hold) => ({ key: hold.key, patron: hold.fields.patron.fields.barcode, comment: hold.fields.comment }));
  };

  it("does not claim another request's lending hold of the same account on the item: needs staff, that hold kept and never cancelled", async () => {
    const { system, fixture, ws } = await subject();
    const item = fixture.lendableBarcodes[5] as string;
    const first = await system.placeLendingHold({ requestId: '9500020', itemBarcode: item, title: 'x', patronId: fixture.accountId });
    expect(first).toMatchObject({ kind: 'done', value: { holdId: expect.any(String) } });
    const before = await holdsOn(ws, item);
    expect(before).toEqual([{ key: (first as { value: { holdId: string } }).value.holdId, patron: fixture.accountId, comment: 'ILL lending 9500020' }]);

    // A second lending request of the same borrowing library for the same item.
    const second = await system.placeLendingHold({ requestId: '9500021', itemBarcode: item, title: 'x', patronId: fixture.accountId });
    expect(second).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('which request 9500021 did not place') });
    expect(second).not.toHaveProperty('value');
    // Its cancel (no hold recorded) finds no hold of its own and leaves request 9500020's alone.
    const cancel = await system.cancelHold({
      requestId: '9500021',
      patronId: fixture.accountId,
      itemBarcode: item,
      placedBy: 'x',
      reason: 'request-cancelled',
    });
    expect(cancel).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('was not placed by this request') });
    expect(await holdsOn(ws, item)).toEqual(before);

    // The first request's own retry still recognises its hold.
    expect(await system.placeLendingHold({ requestId: '9500020', itemBarcode: item, title: 'x', patronId: fixture.accountId })).toMatchObject({
      kind: 'already-done',
      value: { holdId: before[0]?.key },
    });
    expect(await holdsOn(ws, item)).toEqual(before);
  });

  it('does not claim a hold staff placed for the account: needs staff, the hold unchanged', async () => {
    const { system, fixture, ws } = await subject();
    const item = fixture.lendableBarcodes[6] as string;
    const desk = await ws.ws(
      'POST',
      '/circulation/holdRecord/placeHold',
      {
        itemBarcode: item,
        patronBarcode: fixture.accountId,
        pickupLibrary: { resource: '/policy/library', key: 'MAIN' },
        holdType: 'COPY',
        holdRange: 'SYSTEM',
        comment: 'placed at the desk',
      },
      { 'SD-Working-LibraryID': 'MAIN' },
    );
    expect(desk.status).toBe(200);
    const before = await holdsOn(ws, item);
    expect(before).toHaveLength(1);
    const placed = await system.placeLendingHold({ requestId: '9500022', itemBarcode: item, title: 'x', patronId: fixture.accountId });
    expect(placed).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('"placed at the desk"') });
    // A borrowing hold (placeHold) is judged the same way.
    const borrowing = await system.placeHold({
      requestId: '9500022',
      itemBarcode: item,
      patronId: fixture.accountId,
      pickupLocation: 'MAIN',
      inLibraryUseOnly: false,
    });
    expect(borrowing).toMatchObject({ kind: 'needs-staff' });
    expect(await holdsOn(ws, item)).toEqual(before);
  });

  it("deletes a temporary item only with nothing but the request's own hold on it: another user's hold keeps it (needs staff, every hold kept)", async () => {
    const { system, fixture, ws, probe } = await subject();
    for (const [requestId, barcode] of [
      ['9500030', 'DEL-9500030'],
      ['9500031', 'DEL-9500031'],
    ] as const) {
      expect(await system.createTemporaryItem(temporaryItem(requestId, barcode))).toMatchObject({ kind: 'done' });
      const hold = { requestId, itemBarcode: barcode, patronId: fixture.patronId, pickupLocation: 'MAIN', inLibraryUseOnly: true };
      expect(await system.placeHold(hold)).toMatchObject({ kind: 'done' });
    }
    // Another user (here the partner library's account) also waits for DEL-9500031.
    const other = await ws.ws(
      'POST',
      '/circulation/holdRecord/placeHold',
      {
        itemBarcode: 'DEL-9500031',
        patronBarcode: fixture.accountId,
        pickupLibrary: { resource: '/policy/library', key: 'MAIN' },
        holdType: 'COPY',
        holdRange: 'SYSTEM',
      },
      { 'SD-Working-LibraryID': 'MAIN' },
    );
    expect(other.status).toBe(200);
    const before = await holdsOn(ws, 'DEL-9500031');
    expect(before).toHaveLength(2);

    const kept = await system.deleteTemporaryItem({ requestId: '9500031', itemBarcode: 'DEL-9500031', patronId: fixture.patronId });
    expect(kept).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('has 1 hold(s) request 9500031 did not place') });
    expect(await probe.countItems('DEL-9500031')).toBe(1);
    expect(await holdsOn(ws, 'DEL-9500031')).toEqual(before);

    expect(await system.deleteTemporaryItem({ requestId: '9500030', itemBarcode: 'DEL-9500030', patronId: fixture.patronId })).toMatchObject({ kind: 'done' });
    expect(await probe.countItems('DEL-9500030')).toBe(0);
  });

  it("still changes the request's own items: due date and check-in of the temporary item, check-in of the lent item", async () => {
    const { system, fixture, probe } = await subject();
    expect(await system.createTemporaryItem(temporaryItem('9500006', 'OWN-9500006'))).toMatchObject({ kind: 'done' });
    expect(await system.checkOut({ requestId: '9500006', patronId: fixture.patronId, itemBarcode: 'OWN-9500006' })).toMatchObject({ kind: 'done' });
    const owner = { kind: 'temporary-item' as const, requestId: '9500006', patronId: fixture.patronId };
    expect(await system.updateDueDate({ requestId: '9500006', itemBarcode: 'OWN-9500006', dueDate: fixture.laterDueDate, owner })).toMatchObject({
      kind: 'done',
      value: { dueDate: fixture.laterDueDate },
    });
    expect(await system.checkIn({ requestId: '9500006', itemBarcode: 'OWN-9500006', owner })).toMatchObject({ kind: 'done' });
    expect(await probe.loan('OWN-9500006')).toBeNull();

    const lent = fixture.lendableBarcodes[4] as string;
    expect(await system.checkOut({ requestId: '9500007', patronId: fixture.accountId, itemBarcode: lent })).toMatchObject({ kind: 'done' });
    const lentOwner = { kind: 'lent-item' as const, requestId: '9500007', borrowerPatronId: fixture.accountId };
    expect(await system.checkIn({ requestId: '9500007', itemBarcode: lent, owner: lentOwner })).toMatchObject({ kind: 'done' });
    expect(await probe.loan(lent)).toBeNull();
    if (system.capabilities.temporaryLocation) {
      expect(await system.moveToTemporaryLocation({ requestId: '9500007', itemBarcode: lent, location: fixture.temporaryLocation })).toMatchObject({
        kind: 'done',
      });
      expect(await system.restorePermanentLocation({ requestId: '9500007', itemBarcode: lent, owner: lentOwner })).toMatchObject({ kind: 'done' });
      expect(await probe.temporaryLocation(lent)).toBeUndefined();
    }
  });
});
