import { describe, expect, it } from 'vitest';
import { alreadyDone, done, needsStaff } from './outcome.ts';
import { type IlsStep, step } from './plan.ts';
import { ownedRecords } from './records.ts';

const create = step(
  'create-temporary-item',
  { requestId: 'R1', barcode: 'T1', title: 'Emma', note: 'ILL request R1', lendingLibrary: 'L', location: 'ILL', inLibraryUseOnly: false },
  'T1',
);
const hold = step('place-hold', { requestId: 'R1', patronId: 'P1', itemBarcode: 'T1', pickupLocation: 'MAIN', inLibraryUseOnly: false }, 'T1');
const remove = step('delete-temporary-item', { requestId: 'R1', itemBarcode: 'T1' }, 'T1');
const lend = step('check-out-to-borrowing-library', { requestId: 'R2', patronId: 'ACC', itemBarcode: 'B1' }, 'B1');
const checkIn = step('check-in', { requestId: 'R2', itemBarcode: 'B1' }, 'B1');
const settled = (s: IlsStep, outcome = done({}), succeeded = true) => ({ step: s, outcome, succeeded });

describe('ownedRecords: what the request owns in the ILS, from its steps’ outcomes', () => {
  it('records the temporary item and hold with their ILS IDs; a failed step owns nothing', () => {
    expect(ownedRecords([settled(create, done({ itemId: 'I9' }, 'T1')), settled(hold, done({ holdId: 'H4' }, 'H4'))])).toEqual([
      { kind: 'temporary-item', stepKey: create.key, barcode: 'T1', ilsId: 'I9', released: false },
      { kind: 'hold', stepKey: hold.key, barcode: 'T1', patronId: 'P1', ilsId: 'H4', released: false },
    ]);
    expect(ownedRecords([settled(create, needsStaff('barcode in use'), false), settled(hold, undefined, false)])).toEqual([]);
  });

  it('marks the temporary item released once its delete succeeded, the lending loan once checked in', () => {
    const records = ownedRecords([settled(create), settled(remove, alreadyDone('gone')), settled(lend, done({ loanId: 'L7' })), settled(checkIn)]);
    expect(records.map((r) => [r.kind, r.released, r.ilsId])).toEqual([
      ['temporary-item', true, undefined],
      ['loan', true, 'L7'],
    ]);
  });

  it('a step staff resolved by hand owns its record without an ILS ID', () => {
    expect(ownedRecords([{ step: lend, succeeded: true }])).toEqual([{ kind: 'loan', stepKey: lend.key, barcode: 'B1', patronId: 'ACC', released: false }]);
  });
});
