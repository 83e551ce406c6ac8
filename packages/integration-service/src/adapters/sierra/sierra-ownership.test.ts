import type { TemporaryItemInput } from '@bookstrap/core';
import { describe, expect, it } from 'vitest';
import { SierraRestAdapter, sierraOptions } from './sierra.ts';
import { sierra, sierraContractSubject, sierraRestConnection } from './test-support.ts';

/**
 * Never touch what isn't yours: with an owner on the step, the Sierra REST adapter reads the
 * item's checkout and notes first and leaves a loan Bookstrap did not make alone.
 */

const subject = async () => sierraContractSubject((context) => new SierraRestAdapter(sierraOptions(sierraRestConnection), context));

const temporaryItem = (requestId: string, barcode: string): TemporaryItemInput => ({
  requestId,
  barcode,
  title: 'Ownership test: The Name of the Rose',
  note: `ILL request ${requestId} from LENDA`,
  lendingLibrary: 'LENDA',
  location: sierra.illLocation,
  inLibraryUseOnly: false,
  itemPolicy: String(sierra.itemTypes.ILL),
});

const checkIns = (traffic: { method: string; url: string }[]) => traffic.filter((t) => t.method === 'DELETE' && t.url.includes('/items/checkouts/'));

describe('Sierra REST adapter: only what Bookstrap made is changed', () => {
  it("leaves a lent item on loan to another patron alone (check-in, due date, location): needs staff, that patron's loan unchanged", async () => {
    const { system, fixture, probe, traffic } = await subject();
    const barcode = sierra.checkedOutItem.barcode;
    const before = await probe.loan(barcode);
    expect(before?.patronId).toBe(sierra.checkedOutItem.borrowerBarcode);
    const owner = { kind: 'lent-item' as const, requestId: '9400001', borrowerPatronId: fixture.accountId };

    const checkIn = await system.checkIn({ requestId: '9400001', itemBarcode: barcode, owner });
    expect(checkIn).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('Bookstrap did not make that loan, so it was left alone') });
    const dueDate = await system.updateDueDate({ requestId: '9400001', itemBarcode: barcode, dueDate: fixture.laterDueDate, owner });
    expect(dueDate).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('Bookstrap did not make that loan, so it was left alone') });
    const restore = await system.restorePermanentLocation({ requestId: '9400001', itemBarcode: barcode, owner });
    expect(restore).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('Bookstrap did not make that loan, so it was left alone') });

    expect(await probe.loan(barcode)).toEqual(before);
    expect(checkIns(traffic)).toHaveLength(0);
    expect(traffic.some((t) => t.method === 'POST' && t.url.includes('/renewal'))).toBe(false);
    expect(traffic.some((t) => t.method === 'PUT' && t.url.includes('/items/'))).toBe(false);
  });

  it("does not call another request's loan to the same account its own at check-out (needs staff, that loan and its due date unchanged)", async () => {
    const { system, fixture, probe } = await subject();
    const lent = fixture.lendableBarcodes[4] as string;
    // Sierra's API cannot set a due date: its loan rules give one.
    const first = await system.checkOut({ requestId: '9400010', patronId: fixture.accountId, itemBarcode: lent });
    expect(first).toMatchObject({ kind: 'done' });
    const before = await probe.loan(lent);
    const loanId = first.kind === 'done' ? (first.value.loanId as string) : '';
    const second = await system.checkOut({
      requestId: '9400011',
      patronId: fixture.accountId,
      itemBarcode: lent,
      heldForOtherRequests: [{ requestId: '9400010', loanId }],
    });
    expect(second).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining("that loan is request 9400010's, not this request's") });
    expect(await probe.loan(lent)).toEqual(before);
    // a loan ID another request recorded that is not this loan does not claim it (that loan is gone)
    const retry = await system.checkOut({
      requestId: '9400010',
      patronId: fixture.accountId,
      itemBarcode: lent,
      heldForOtherRequests: [{ requestId: '9300000', loanId: 'some-other-loan' }],
    });
    expect(retry.kind).toBe('already-done');
  });

  it('calls a lent item that is not on loan (the desk checked it in first) already done on check-in', async () => {
    const { system, fixture, probe, deskCheckIn } = await subject();
    const owner = { kind: 'lent-item' as const, requestId: '9400002', borrowerPatronId: fixture.accountId };
    // Never checked out.
    const shelved = fixture.lendableBarcodes[2] as string;
    expect(await system.checkIn({ requestId: '9400002', itemBarcode: shelved, owner })).toMatchObject({ kind: 'already-done' });
    // Checked out to the account, then checked in at the desk.
    const lent = fixture.lendableBarcodes[3] as string;
    expect((await system.checkOut({ requestId: '9400002', patronId: fixture.accountId, itemBarcode: lent })).kind).toBe('done');
    await deskCheckIn(lent);
    expect(await probe.loan(lent)).toBeNull();
    expect(await system.checkIn({ requestId: '9400002', itemBarcode: lent, owner })).toMatchObject({ kind: 'already-done' });
  });

  it('leaves an item whose notes do not carry the request ID alone: needs staff, its loan unchanged', async () => {
    const { system, fixture, probe, traffic } = await subject();
    // Another request's temporary item, on loan to the patron.
    expect((await system.createTemporaryItem(temporaryItem('9400003', 'OWN-9400003'))).kind).toBe('done');
    expect((await system.checkOut({ requestId: '9400003', patronId: fixture.patronId, itemBarcode: 'OWN-9400003' })).kind).toBe('done');
    const before = await probe.loan('OWN-9400003');
    const owner = { kind: 'temporary-item' as const, requestId: '9400004', patronId: fixture.patronId };
    const checkIn = await system.checkIn({ requestId: '9400004', itemBarcode: 'OWN-9400003', owner });
    expect(checkIn).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('Bookstrap did not create it, so it was left alone') });
    const dueDate = await system.updateDueDate({ requestId: '9400004', itemBarcode: 'OWN-9400003', dueDate: fixture.laterDueDate, owner });
    expect(dueDate).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('Bookstrap did not create it, so it was left alone') });
    // A library's own item on loan, named as a temporary item.
    const real = sierra.checkedOutItem.barcode;
    const realBefore = await probe.loan(real);
    const onReal = await system.checkIn({ requestId: '9400004', itemBarcode: real, owner });
    expect(onReal).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('Bookstrap did not create it, so it was left alone') });
    expect(await probe.loan('OWN-9400003')).toEqual(before);
    expect(await probe.loan(real)).toEqual(realBefore);
    expect(checkIns(traffic)).toHaveLength(0);
  });

  it("leaves a temporary item's due date alone when it is on loan to another patron than the request's", async () => {
    const { system, fixture, probe, traffic } = await subject();
    expect((await system.createTemporaryItem(temporaryItem('9400005', 'OWN-9400005'))).kind).toBe('done');
    expect((await system.checkOut({ requestId: '9400005', patronId: fixture.patronId, itemBarcode: 'OWN-9400005' })).kind).toBe('done');
    const before = await probe.loan('OWN-9400005');
    const outcome = await system.updateDueDate({
      requestId: '9400005',
      itemBarcode: 'OWN-9400005',
      dueDate: fixture.laterDueDate,
      owner: { kind: 'temporary-item', requestId: '9400005', patronId: sierra.checkedOutItem.borrowerBarcode },
    });
    expect(outcome).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('that loan was left alone') });
    expect(await probe.loan('OWN-9400005')).toEqual(before);
    expect(traffic.some((t) => t.method === 'POST' && t.url.includes('/renewal'))).toBe(false);
  });

  it("still checks in the request's own items: the lent item on the account's loan and the temporary item", async () => {
    const { system, fixture, probe } = await subject();
    const lent = fixture.lendableBarcodes[4] as string;
    expect((await system.checkOut({ requestId: '9400006', patronId: fixture.accountId, itemBarcode: lent })).kind).toBe('done');
    const lentOwner = { kind: 'lent-item' as const, requestId: '9400006', borrowerPatronId: fixture.accountId };
    expect((await system.checkIn({ requestId: '9400006', itemBarcode: lent, owner: lentOwner })).kind).toBe('done');
    expect(await probe.loan(lent)).toBeNull();

    expect((await system.createTemporaryItem(temporaryItem('9400007', 'OWN-9400007'))).kind).toBe('done');
    expect((await system.checkOut({ requestId: '9400007', patronId: fixture.patronId, itemBarcode: 'OWN-9400007' })).kind).toBe('done');
    const owner = { kind: 'temporary-item' as const, requestId: '9400007', patronId: fixture.patronId };
    expect((await system.checkIn({ requestId: '9400007', itemBarcode: 'OWN-9400007', owner })).kind).toBe('done');
    expect(await probe.loan('OWN-9400007')).toBeNull();
  });

  it('moves a lent item on the account back to its permanent location', async () => {
    const { system, fixture, probe } = await subject();
    const lent = fixture.lendableBarcodes[5] as string;
    expect(await system.checkOut({ requestId: '9400008', patronId: fixture.accountId, itemBarcode: lent })).toMatchObject({ kind: 'done' });
    expect((await system.moveToTemporaryLocation({ requestId: '9400008', itemBarcode: lent, location: fixture.temporaryLocation })).kind).toBe('done');
    expect(await probe.temporaryLocation(lent)).toBe(fixture.temporaryLocation);
    const owner = { kind: 'lent-item' as const, requestId: '9400008', borrowerPatronId: fixture.accountId };
    expect((await system.restorePermanentLocation({ requestId: '9400008', itemBarcode: lent, owner })).kind).toBe('done');
    expect(await probe.temporaryLocation(lent)).toBeUndefined();
  });
});

describe("Sierra REST delete-temporary-item: only the request's own hold goes with the item", () => {
  const setUp = async (requestId: string, barcode: string) => {
    const made = await subject();
    expect(await made.system.createTemporaryItem(temporaryItem(requestId, barcode))).toMatchObject({ kind: 'done' });
    const itemId = String((await made.rest.get(`/items?barcode=${barcode}&fields=id`)).body.entries[0].id);
    /** Every active hold on the item (staff's view, through Sierra's API): holder's record and note. */
    const holdsOnItem = async () => {
      const all = await made.rest.get('/patrons/holds?limit=2000&fields=id,record,patron,note');
      return (all.body.entries as { id: string; record: string; patron: string; note?: string }[])
        .filter((hold) => hold.record.endsWith(`/${itemId}`))
        .map((hold) => ({ id: hold.id.split('/').pop(), patron: hold.patron.split('/').pop(), note: hold.note ?? '' }));
    };
    const hold = (patronRecord: number, note: string) =>
      made.rest.call('POST', `/patrons/${patronRecord}/holds/requests`, { recordType: 'i', recordNumber: Number(itemId), pickupLocation: 'main', note });
    return { ...made, itemId, holdsOnItem, hold };
  };
  const good = sierra.patrons.good;
  const other = sierra.patrons.faculty;

  it("cancels the request's own hold (found among its patron's holds, never everyone's) and deletes the item", async () => {
    const { system, holdsOnItem, probe, traffic, rest } = await setUp('9400030', 'DEL-9400030');
    const placed = await system.placeHold({
      requestId: '9400030',
      patronId: good.barcode,
      itemBarcode: 'DEL-9400030',
      pickupLocation: 'main',
      inLibraryUseOnly: true,
    });
    expect(placed.kind).toBe('done');
    expect(await holdsOnItem()).toEqual([{ id: expect.any(String), patron: String(good.id), note: 'ILL request 9400030 (library use only)' }]);
    // A hold of the same patron on another item is not touched.
    const elsewhere = sierra.lendableItems[5];
    const kept = await rest.call('POST', `/patrons/${good.id}/holds/requests`, {
      recordType: 'i',
      recordNumber: Number(elsewhere?.id),
      pickupLocation: 'main',
    });
    expect(kept.status).toBe(204);
    const patronHoldsBefore = (await rest.get(`/patrons/${good.id}/holds`)).body.entries.length;
    traffic.length = 0;

    const deleted = await system.deleteTemporaryItem({ requestId: '9400030', itemBarcode: 'DEL-9400030', patronId: good.barcode });
    expect(deleted).toMatchObject({ kind: 'done' });
    expect(await probe.countItems('DEL-9400030')).toBe(0);
    expect((await rest.get(`/patrons/${good.id}/holds`)).body.entries.length).toBe(patronHoldsBefore - 1);
    expect(traffic.some((t) => t.method === 'GET' && /\/patrons\/holds(\?|$)/.test(t.url))).toBe(false);
  });

  it("leaves another patron's hold and a hold the request did not place alone: needs staff, the item and every hold kept", async () => {
    const { system, holdsOnItem, probe, hold, traffic } = await setUp('9400031', 'DEL-9400031');
    expect(
      (await system.placeHold({ requestId: '9400031', patronId: good.barcode, itemBarcode: 'DEL-9400031', pickupLocation: 'main', inLibraryUseOnly: false }))
        .kind,
    ).toBe('done');
    expect((await hold(other.id, 'wants it next')).status).toBe(204);
    const before = await holdsOnItem();
    expect(before).toHaveLength(2);
    traffic.length = 0;
    const outcome = await system.deleteTemporaryItem({ requestId: '9400031', itemBarcode: 'DEL-9400031', patronId: good.barcode });
    expect(outcome).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('has 1 hold(s) request 9400031 did not place') });
    expect(await probe.countItems('DEL-9400031')).toBe(1);
    expect(await holdsOnItem()).toEqual(before);
    expect(traffic.filter((t) => t.method === 'DELETE')).toEqual([]);
  });

  it("leaves the patron's own hold that carries no request note alone (the desk's): needs staff, nothing deleted", async () => {
    const { system, holdsOnItem, probe, hold } = await setUp('9400032', 'DEL-9400032');
    expect((await hold(good.id, '')).status).toBe(204);
    const before = await holdsOnItem();
    const outcome = await system.deleteTemporaryItem({ requestId: '9400032', itemBarcode: 'DEL-9400032', patronId: good.barcode });
    expect(outcome).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('did not place') });
    expect(await probe.countItems('DEL-9400032')).toBe(1);
    expect(await holdsOnItem()).toEqual(before);
  });
});

describe("Sierra REST place-hold: a hold is the request's only when its note names the request", () => {
  it("does not claim the patron's hold on the item that it did not place (the desk's, another request's): needs staff, the hold unchanged", async () => {
    const { system, rest } = await subject();
    const item = sierra.lendableItems[6];
    const patron = sierra.patrons.good;
    const holds = async () =>
      ((await rest.get(`/patrons/${patron.id}/holds?fields=id,record,note`)).body.entries as { id: string; record: string; note?: string }[]).map((h) => ({
        id: h.id,
        record: h.record.split('/').pop(),
        note: h.note ?? '',
      }));
    expect(
      (
        await rest.call('POST', `/patrons/${patron.id}/holds/requests`, {
          recordType: 'i',
          recordNumber: Number(item?.id),
          pickupLocation: 'main',
          note: 'ILL request 9400041',
        })
      ).status,
    ).toBe(204);
    const before = await holds();
    const input = { requestId: '9400040', patronId: patron.barcode, itemBarcode: item?.barcode ?? '', pickupLocation: 'main', inLibraryUseOnly: false };
    expect(await system.placeHold(input)).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('which request 9400040 did not place') });
    expect(await holds()).toEqual(before);
    // The other request's own retry recognises it.
    expect(await system.placeHold({ ...input, requestId: '9400041' })).toMatchObject({
      kind: 'already-done',
      value: { holdId: before[0]?.id.split('/').pop() },
    });
    expect(await holds()).toEqual(before);
  });
});
