import { describe, expect, it } from 'vitest';
import { createDemoEngine, days } from '../testing.ts';
import { createBib, createHolding, createItem, deleteItem, findTemporaryItems, updateItem } from './catalog.ts';
import { changeDueDate, checkIn, checkOut, computeDueDate, listLoans, recordInHouseUse, renewLoan } from './circulation.ts';
import { clearEngine, dumpState } from './engine.ts';
import { type EngineErrorCode, isEngineError } from './errors.ts';
import { createFee, disputeFee, listFees, payFee, restoreFee, waiveFee } from './fees.ts';
import { cancelHold, expireHoldShelf, listHolds, placeHold, placeInQueue, placeTitleHold } from './holds.ts';
import { findItem, findPatron, requireItemByBarcode, requireLibrary } from './lookup.ts';
import type { Engine } from './engine.ts';
import { seedEngine } from '../seed.ts';

function expectEngineError(action: () => unknown, code: EngineErrorCode) {
  try {
    action();
  } catch (error) {
    if (isEngineError(error, code)) return error;
    throw new Error(`expected ${code}, got ${String(error)}`);
  }
  throw new Error(`expected ${code}, but nothing was thrown`);
}

/** A temporary ILL item in MAIN's ILL location, as a receive step creates it. */
function temporaryItem(engine: Engine, barcode: string, policy = 'ILL') {
  const bib = createBib(engine, { title: 'The borrowed book', author: 'Lender, Some', otherSystemIds: ['ILL-4711'] });
  const holding = createHolding(engine, { bibId: bib.id, libraryCode: 'MAIN', locationCode: 'ILL' });
  return createItem(engine, {
    holdingId: holding.id,
    barcode,
    policy,
    internalNote1: 'ILL request 4711 from Partner University Library',
    temporary: true,
    illRequestId: '4711',
    lendingLibrary: 'Partner University Library',
  });
}

describe('check-out', () => {
  it('applies the loan period of the user group and item policy, due at the end of the day', () => {
    const { engine, dataset } = createDemoEngine();
    const item = dataset.lendableItems[0]!;
    const loan = checkOut(engine, { patronId: dataset.patrons.good.id, itemId: item.itemId, libraryCode: 'MAIN', deskCode: 'DEFAULT_CIRC_DESK' });
    // Undergraduate + BOOK: 28 days from Wednesday 2025-03-12.
    expect(loan.dueDate.toISOString()).toBe('2025-04-09T23:59:00.000Z');
    expect(findItem(engine.db, item.itemId)?.status).toBe('checked_out');
    expect(findItem(engine.db, item.itemId)?.processType).toBe('LOAN');

    const facultyLoan = checkOut(engine, {
      patronId: dataset.patrons.faculty.id,
      itemId: dataset.lendableItems[1]!.itemId,
      libraryCode: 'MAIN',
    });
    expect(facultyLoan.dueDate.toISOString()).toBe('2025-06-10T23:59:00.000Z');
  });

  it('caps the due date at the patron expiry, then moves it off closed days', () => {
    const { engine, dataset } = createDemoEngine();
    // Expires 2025-03-22, a Saturday; SCI is closed on weekends → Friday.
    const sciItem = dataset.lendableItems.find((item) => item.library === 'SCI')!;
    const loan = checkOut(engine, { patronId: dataset.patrons.expiringSoon.id, itemId: sciItem.itemId, libraryCode: 'SCI' });
    expect(loan.dueDate.toISOString()).toBe('2025-03-21T23:59:00.000Z');
    // MAIN is open on Saturdays: the cap alone applies.
    const mainLoan = checkOut(engine, {
      patronId: dataset.patrons.expiringSoon.id,
      itemId: dataset.lendableItems[0]!.itemId,
      libraryCode: 'MAIN',
    });
    expect(mainLoan.dueDate.toISOString()).toBe('2025-03-22T23:59:00.000Z');
  });

  it('moves a policy due date that falls on a Sunday to Saturday', () => {
    // 2025-03-16 + 28 days = Sunday 2025-04-13.
    const { engine, dataset } = createDemoEngine('2025-03-16T09:00:00.000Z');
    const loan = checkOut(engine, { patronId: dataset.patrons.good.id, itemId: dataset.lendableItems[0]!.itemId, libraryCode: 'MAIN' });
    expect(loan.dueDate.toISOString()).toBe('2025-04-12T23:59:00.000Z');
  });

  it('accepts a forced due date (capped, kept even on a closed day) and refuses one in the past', () => {
    const { engine, dataset } = createDemoEngine();
    const forced = checkOut(engine, {
      patronId: dataset.patrons.good.id,
      itemId: dataset.lendableItems[0]!.itemId,
      libraryCode: 'MAIN',
      dueDate: new Date('2025-12-25T23:59:00.000Z'),
    });
    // Longer than the 28-day policy is honoured; the caller's date is not moved off Christmas.
    expect(forced.dueDate.toISOString()).toBe('2025-12-25T23:59:00.000Z');
    expectEngineError(
      () =>
        checkOut(engine, {
          patronId: dataset.patrons.good.id,
          itemId: dataset.lendableItems[1]!.itemId,
          libraryCode: 'MAIN',
          dueDate: new Date('2025-03-11T23:59:00.000Z'),
        }),
      'DUE_DATE_IN_PAST',
    );
    const institutional = dataset.institutionalPatrons.PARTNR!;
    const lent = checkOut(engine, {
      patronId: institutional.id,
      itemId: dataset.lendableItems[2]!.itemId,
      libraryCode: 'MAIN',
      dueDate: new Date('2031-01-01T23:59:00.000Z'),
    });
    // Capped at the account's expiry (three years after seeding).
    expect(lent.dueDate.toISOString()).toBe('2028-03-11T23:59:00.000Z');
  });

  it('refuses blocked, expired and unknown patrons, non-circulating and loaned items', () => {
    const { engine, dataset } = createDemoEngine();
    const itemId = dataset.lendableItems[0]!.itemId;
    expectEngineError(() => checkOut(engine, { patronId: dataset.patrons.blocked.id, itemId, libraryCode: 'MAIN' }), 'PATRON_BLOCKED');
    expectEngineError(() => checkOut(engine, { patronId: dataset.patrons.expired.id, itemId, libraryCode: 'MAIN' }), 'PATRON_EXPIRED');
    expectEngineError(() => checkOut(engine, { patronId: 9999, itemId, libraryCode: 'MAIN' }), 'PATRON_NOT_FOUND');
    expectEngineError(() => checkOut(engine, { patronId: dataset.patrons.good.id, itemId: 9999, libraryCode: 'MAIN' }), 'ITEM_NOT_FOUND');
    expectEngineError(
      () => checkOut(engine, { patronId: dataset.patrons.good.id, itemId: dataset.referenceItem.itemId, libraryCode: 'MAIN' }),
      'ITEM_NOT_LOANABLE',
    );
    expectEngineError(
      () => checkOut(engine, { patronId: dataset.patrons.good.id, itemId: dataset.checkedOutItem.itemId, libraryCode: 'MAIN' }),
      'ITEM_ALREADY_ON_LOAN',
    );
    expectEngineError(() => checkOut(engine, { patronId: dataset.patrons.good.id, itemId, libraryCode: 'MAIN', deskCode: 'NOPE' }), 'CIRC_DESK_NOT_FOUND');
    // Nothing was written by the refused attempts.
    expect(listLoans(engine, { patronId: dataset.patrons.good.id })).toHaveLength(0);
  });
});

describe('check-in and holds', () => {
  it('routes a hold item: in transit when checked in elsewhere, hold shelf + pickup notice at the pickup library', () => {
    const { engine, dataset } = createDemoEngine();
    const item = temporaryItem(engine, '4711');
    const hold = placeHold(engine, { patronId: dataset.patrons.good.id, itemId: item.id, pickupLibraryCode: 'SCI' });
    expect(hold.status).toBe('pending');

    const atMain = checkIn(engine, { itemId: item.id, libraryCode: 'MAIN', deskCode: 'RS_DESK' });
    expect(atMain.outcome).toBe('transit_to_pickup');
    expect(atMain.item.status).toBe('in_transit');
    expect(atMain.item.processType).toBe('TRANSIT');
    expect(atMain.hold?.status).toBe('in_transit');
    expect(atMain.destinationLibrary.code).toBe('SCI');
    expect(atMain.pickupNotice).toBeUndefined();

    const atScience = checkIn(engine, { itemId: item.id, libraryCode: 'SCI', deskCode: 'DEFAULT_CIRC_DESK' });
    expect(atScience.outcome).toBe('hold_shelf');
    expect(atScience.item.processType).toBe('HOLDSHELF');
    expect(atScience.hold?.status).toBe('on_hold_shelf');
    expect(atScience.hold?.holdShelfExpiry).toBe('2025-03-17');
    expect(atScience.pickupNotice?.patronId).toBe(dataset.patrons.good.id);
    expect(dumpState(engine).pickupNotices).toHaveLength(1);

    // Scanning again changes nothing and sends no second notice.
    const again = checkIn(engine, { itemId: item.id, libraryCode: 'SCI' });
    expect(again.outcome).toBe('hold_shelf');
    expect(again.pickupNotice).toBeUndefined();
    expect(dumpState(engine).pickupNotices).toHaveLength(1);

    const loan = checkOut(engine, { patronId: dataset.patrons.good.id, itemId: item.id, libraryCode: 'SCI' });
    expect(loan.holdId).toBe(hold.id);
    // ILL policy: 21 days.
    expect(loan.dueDate.toISOString()).toBe('2025-04-02T23:59:00.000Z');
    expect(listHolds(engine, { patronId: dataset.patrons.good.id, state: 'history' })[0]?.status).toBe('fulfilled');
  });

  it('puts the item straight on the hold shelf when checked in at the pickup library', () => {
    const { engine, dataset } = createDemoEngine();
    const item = temporaryItem(engine, '4712');
    placeHold(engine, { patronId: dataset.patrons.good.id, itemId: item.id, pickupLibraryCode: 'MAIN', comment: 'ILL 4712' });
    const result = checkIn(engine, { itemId: item.id, libraryCode: 'MAIN' });
    expect(result.outcome).toBe('hold_shelf');
    expect(result.pickupNotice).toBeDefined();
  });

  it('closes the loan on check-in, then routes the item to a waiting hold', () => {
    const { engine, dataset } = createDemoEngine();
    const item = dataset.checkedOutItem;
    placeHold(engine, { patronId: dataset.patrons.good.id, itemId: item.itemId, pickupLibraryCode: 'MAIN' });
    const result = checkIn(engine, { itemId: item.itemId, libraryCode: 'MAIN' });
    expect(result.returnedLoan?.status).toBe('returned');
    expect(result.returnedLoan?.returnedAt?.toISOString()).toBe('2025-03-12T10:00:00.000Z');
    expect(result.outcome).toBe('hold_shelf');
    expect(listLoans(engine, { itemId: item.itemId, status: 'active' })).toHaveLength(0);
  });

  it('treats a check-in of an item not on loan as success; elsewhere it travels home', () => {
    const { engine, dataset } = createDemoEngine();
    const item = dataset.lendableItems[0]!;
    const home = checkIn(engine, { itemId: item.itemId, libraryCode: 'MAIN' });
    expect(home.outcome).toBe('reshelved');
    expect(home.returnedLoan).toBeUndefined();
    const away = checkIn(engine, { itemId: item.itemId, libraryCode: 'SCI' });
    expect(away.outcome).toBe('transit_home');
    expect(away.item.transitLibraryId).toBe(requireLibrary(engine.db, 'MAIN').id);
    expect(checkIn(engine, { itemId: item.itemId, libraryCode: 'MAIN' }).item.status).toBe('available');
  });

  it('sends an item in a temporary location back to the temporary library', () => {
    const { engine, dataset } = createDemoEngine();
    const item = dataset.lendableItems[0]!;
    updateItem(engine, item.itemId, { inTempLocation: true, tempLibraryCode: 'SCI', tempLocationCode: 'ILL' });
    expect(checkIn(engine, { itemId: item.itemId, libraryCode: 'MAIN' }).outcome).toBe('transit_home');
    updateItem(engine, item.itemId, { inTempLocation: false });
    expect(findItem(engine.db, item.itemId)?.tempLibraryId).toBeNull();
    expect(checkIn(engine, { itemId: item.itemId, libraryCode: 'MAIN' }).outcome).toBe('reshelved');
  });

  it('never checks out a library-use-only hold: in-house use is recorded instead', () => {
    const { engine, dataset } = createDemoEngine();
    const patronId = dataset.patrons.good.id;
    const itemId = dataset.libraryUseOnlyItem.itemId;
    const hold = placeHold(engine, { patronId, itemId, pickupLibraryCode: 'MAIN' });
    expect(hold.inLibraryUseOnly).toBe(true);
    checkIn(engine, { itemId, libraryCode: 'MAIN' });
    expectEngineError(() => checkOut(engine, { patronId, itemId, libraryCode: 'MAIN' }), 'ITEM_LIBRARY_USE_ONLY');

    const use = recordInHouseUse(engine, { itemId, libraryCode: 'MAIN' });
    expect(use.patronId).toBe(patronId);
    expect(use.holdId).toBe(hold.id);
    // The patron hands the book back at the desk: the scan counts as another in-house use.
    const scan = checkIn(engine, { itemId, libraryCode: 'MAIN', registerInHouseUse: true });
    expect(scan.outcome).toBe('hold_shelf');
    expect(scan.inHouseUse?.holdId).toBe(hold.id);
    expect(listLoans(engine, { patronId })).toHaveLength(0);
    expect(listHolds(engine, { patronId })[0]?.status).toBe('on_hold_shelf');

    // A flag on the hold does the same for an ordinary item.
    const other = dataset.lendableItems[3]!;
    placeHold(engine, { patronId, itemId: other.itemId, pickupLibraryCode: 'MAIN', inLibraryUseOnly: true });
    checkIn(engine, { itemId: other.itemId, libraryCode: 'MAIN' });
    expectEngineError(() => checkOut(engine, { patronId, itemId: other.itemId, libraryCode: 'MAIN' }), 'ITEM_LIBRARY_USE_ONLY');
  });

  it('refuses a second hold by the same patron and blocks others from a held item', () => {
    const { engine, dataset } = createDemoEngine();
    const itemId = dataset.lendableItems[0]!.itemId;
    placeHold(engine, { patronId: dataset.patrons.good.id, itemId, pickupLibraryCode: 'MAIN' });
    expectEngineError(() => placeHold(engine, { patronId: dataset.patrons.good.id, itemId, pickupLibraryCode: 'SCI' }), 'HOLD_EXISTS');
    expectEngineError(() => placeHold(engine, { patronId: dataset.patrons.blocked.id, itemId, pickupLibraryCode: 'MAIN' }), 'PATRON_BLOCKED');
    expectEngineError(() => placeHold(engine, { patronId: dataset.patrons.good.id, itemId: 9999, pickupLibraryCode: 'MAIN' }), 'ITEM_NOT_FOUND');
    expectEngineError(() => placeHold(engine, { patronId: dataset.patrons.faculty.id, itemId, pickupLibraryCode: 'NOWHERE' }), 'LIBRARY_NOT_FOUND');
    const second = placeHold(engine, { patronId: dataset.patrons.faculty.id, itemId, pickupLibraryCode: 'MAIN' });
    expect(placeInQueue(engine, second)).toBe(2);
    checkIn(engine, { itemId, libraryCode: 'MAIN' });
    expectEngineError(() => checkOut(engine, { patronId: dataset.patrons.faculty.id, itemId, libraryCode: 'MAIN' }), 'ITEM_HELD_FOR_ANOTHER_PATRON');
  });

  it('places a title-level hold on a free item of the title', () => {
    const { engine, dataset } = createDemoEngine();
    const hold = placeTitleHold(engine, { patronId: dataset.patrons.good.id, bibId: dataset.lendableItems[4]!.bibId, pickupLibraryCode: 'MAIN' });
    expect(hold.itemId).toBe(dataset.lendableItems[4]!.itemId);
    expectEngineError(
      () => placeTitleHold(engine, { patronId: dataset.patrons.faculty.id, bibId: dataset.lendableItems[4]!.bibId, pickupLibraryCode: 'MAIN' }),
      'NO_ITEM_AVAILABLE',
    );
  });

  it('expires a hold left on the shelf past its expiry day and sends the item home', () => {
    const { engine, clock, dataset } = createDemoEngine();
    const item = temporaryItem(engine, '4714');
    placeHold(engine, { patronId: dataset.patrons.good.id, itemId: item.id, pickupLibraryCode: 'SCI' });
    checkIn(engine, { itemId: item.id, libraryCode: 'SCI' });
    clock.advance(days(5));
    expect(expireHoldShelf(engine)).toHaveLength(0);
    clock.advance(days(1));
    const [expired] = expireHoldShelf(engine);
    expect(expired?.status).toBe('expired');
    // Picked up at SCI, home is MAIN's ILL office.
    expect(findItem(engine.db, item.id)?.status).toBe('in_transit');
  });

  it('cancels a hold on the shelf and frees the item', () => {
    const { engine, dataset } = createDemoEngine();
    const itemId = dataset.lendableItems[0]!.itemId;
    const hold = placeHold(engine, { patronId: dataset.patrons.good.id, itemId, pickupLibraryCode: 'MAIN' });
    checkIn(engine, { itemId, libraryCode: 'MAIN' });
    expect(cancelHold(engine, hold.id).status).toBe('cancelled');
    expect(findItem(engine.db, itemId)?.status).toBe('available');
    expectEngineError(() => cancelHold(engine, hold.id), 'HOLD_NOT_FOUND');
  });
});

describe('renewals and due-date changes', () => {
  it('renews from today by the renewal period, up to the limit', () => {
    const { engine, clock, dataset } = createDemoEngine();
    const loan = checkOut(engine, { patronId: dataset.patrons.good.id, itemId: dataset.lendableItems[0]!.itemId, libraryCode: 'MAIN' });
    // Renewing at once would not move the date.
    expectEngineError(() => renewLoan(engine, loan.id), 'NOT_RENEWABLE');
    clock.advance(days(10));
    const renewed = renewLoan(engine, loan.id);
    expect(renewed.renewals).toBe(1);
    expect(renewed.dueDate.toISOString()).toBe('2025-04-19T23:59:00.000Z');
    clock.advance(days(10));
    expect(renewLoan(engine, loan.id).renewals).toBe(2);
    clock.advance(days(10));
    const refused = expectEngineError(() => renewLoan(engine, loan.id), 'NOT_RENEWABLE');
    expect(refused.details.reason).toContain('limit');
  });

  it('refuses to renew a borrowed ILL item and an item someone else waits for', () => {
    const { engine, clock, dataset } = createDemoEngine();
    const item = temporaryItem(engine, '4713');
    const loan = checkOut(engine, { patronId: dataset.patrons.good.id, itemId: item.id, libraryCode: 'MAIN' });
    clock.advance(days(5));
    expectEngineError(() => renewLoan(engine, loan.id), 'NOT_RENEWABLE');

    const bookLoan = checkOut(engine, { patronId: dataset.patrons.good.id, itemId: dataset.lendableItems[1]!.itemId, libraryCode: 'MAIN' });
    placeHold(engine, { patronId: dataset.patrons.faculty.id, itemId: dataset.lendableItems[1]!.itemId, pickupLibraryCode: 'MAIN' });
    clock.advance(days(5));
    const refused = expectEngineError(() => renewLoan(engine, bookLoan.id), 'NOT_RENEWABLE');
    expect(refused.details.reason).toContain('requested');
  });

  it('sets a due date exactly, refusing the past and closed loans', () => {
    const { engine, dataset } = createDemoEngine();
    const itemId = dataset.lendableItems[0]!.itemId;
    const loan = checkOut(engine, { patronId: dataset.patrons.good.id, itemId, libraryCode: 'MAIN' });
    const changed = changeDueDate(engine, loan.id, new Date('2025-05-04T23:59:00.000Z'));
    expect(changed.dueDate.toISOString()).toBe('2025-05-04T23:59:00.000Z');
    expectEngineError(() => changeDueDate(engine, loan.id, new Date('2025-03-01T00:00:00.000Z')), 'DUE_DATE_IN_PAST');
    checkIn(engine, { itemId, libraryCode: 'MAIN' });
    expectEngineError(() => changeDueDate(engine, loan.id, new Date('2025-05-04T23:59:00.000Z')), 'LOAN_NOT_FOUND');
    expectEngineError(() => renewLoan(engine, 424242), 'LOAN_NOT_FOUND');
  });

  it('computes due dates without side effects', () => {
    const { engine, dataset } = createDemoEngine();
    const patron = findPatron(engine.db, dataset.patrons.good.primaryId)!;
    const due = computeDueDate(engine.db, { patron, itemPolicy: 'SHORT', library: requireLibrary(engine.db, 'MAIN'), now: engine.clock.now() });
    expect(due.toISOString()).toBe('2025-03-19T23:59:00.000Z');
  });
});

describe('inventory', () => {
  it('refuses a barcode already in use and suggests a free one', () => {
    const { engine, dataset } = createDemoEngine();
    temporaryItem(engine, '5000');
    const error = expectEngineError(() => temporaryItem(engine, '5000'), 'BARCODE_IN_USE');
    expect(error.details.suggestedBarcode).toBe('5000-1');
    expectEngineError(() => updateItem(engine, dataset.lendableItems[0]!.itemId, { barcode: '5000' }), 'BARCODE_IN_USE');
  });

  it('deletes an item only with override while it circulates, freeing the barcode', () => {
    const { engine, dataset } = createDemoEngine();
    const item = temporaryItem(engine, '6000');
    checkOut(engine, { patronId: dataset.patrons.good.id, itemId: item.id, libraryCode: 'MAIN' });
    expectEngineError(() => deleteItem(engine, item.id), 'ITEM_HAS_ACTIVITY');
    deleteItem(engine, item.id, { override: true, holdings: 'delete' });
    expect(findItem(engine.db, item.id)).toBeUndefined();
    expectEngineError(() => requireItemByBarcode(engine.db, '6000'), 'ITEM_NOT_FOUND');
    expect(temporaryItem(engine, '6000').barcode).toBe('6000');
  });

  it('finds temporary items by title for staff without the strap', () => {
    const { engine } = createDemoEngine();
    temporaryItem(engine, '7000');
    expect(findTemporaryItems(engine, 'borrowed').map((item) => item.barcode)).toEqual(['7000']);
    expect(findTemporaryItems(engine, 'Pride')).toEqual([]);
  });
});

describe('fees', () => {
  it('pays part, then the rest, closing the fee', () => {
    const { engine, dataset } = createDemoEngine();
    const fee = createFee(engine, {
      patronId: dataset.patrons.good.id,
      type: 'LOSTITEMREPLACEMENTFEE',
      amountCents: 10000,
      ownerLibraryCode: 'MAIN',
      itemId: dataset.lendableItems[0]!.itemId,
    });
    expect(fee.itemTitle).toBe(dataset.lendableItems[0]!.title);
    expect(payFee(engine, fee.id, { amountCents: 2500, method: 'CASH' }).balanceCents).toBe(7500);
    const closed = payFee(engine, fee.id, { method: 'CASH' });
    expect(closed.balanceCents).toBe(0);
    expect(closed.status).toBe('closed');
    expect(
      isEngineError(
        catchError(() => payFee(engine, fee.id, { method: 'CASH' })),
        'FEE_NOT_ACTIVE',
      ),
    ).toBe(true);
  });

  it('waives, disputes and restores; refuses bad amounts', () => {
    const { engine, dataset } = createDemoEngine();
    const patronId = dataset.patrons.good.id;
    const fee = createFee(engine, { patronId, type: 'LOSTITEMPROCESSFEE', amountCents: 1500, ownerLibraryCode: 'MAIN' });
    expectEngineError(() => payFee(engine, fee.id, { amountCents: 2000, method: 'CASH' }), 'INVALID_AMOUNT');
    expect(disputeFee(engine, fee.id).status).toBe('in_dispute');
    expect(restoreFee(engine, fee.id).status).toBe('active');
    expect(waiveFee(engine, fee.id, { reason: 'ILL_FEE_WAIVED' }).status).toBe('closed');
    expectEngineError(() => createFee(engine, { patronId, type: 'X', amountCents: 0, ownerLibraryCode: 'MAIN' }), 'INVALID_AMOUNT');
    expectEngineError(() => waiveFee(engine, 99999), 'FEE_NOT_FOUND');
    expect(listFees(engine, { patronId, status: 'active' })).toHaveLength(0);
    expect(listFees(engine, { patronId })).toHaveLength(1);
  });
});

describe('seed and reset', () => {
  it('reseeds to identical ids and rows after clearing', () => {
    const { engine, dataset } = createDemoEngine();
    const before = dumpState(engine);
    temporaryItem(engine, '8000');
    clearEngine(engine);
    expect(dumpState(engine).items).toHaveLength(0);
    seedEngine(engine, dataset);
    expect(dumpState(engine)).toEqual(before);
  });

  it('matches the dataset the demo description is built from', () => {
    const { engine, dataset } = createDemoEngine();
    expect(dataset.lendableItems.length).toBeGreaterThanOrEqual(20);
    for (const demoItem of dataset.lendableItems) {
      const item = requireItemByBarcode(engine.db, demoItem.barcode);
      expect(item.id).toBe(demoItem.itemId);
      expect(item.status).toBe('available');
    }
    const good = findPatron(engine.db, dataset.patrons.good.barcode)!;
    expect(good.primaryId).toBe(dataset.patrons.good.primaryId);
    expect(good.expiryDate).toBe('2028-03-11');
    expect(findPatron(engine.db, dataset.patrons.expired.primaryId)?.expiryDate).toBe('2025-02-10');
  });
});

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}
