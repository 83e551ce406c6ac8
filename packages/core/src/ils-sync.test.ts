import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentedCapabilities } from './ils.ts';
import { type IlsObservation, lendingDueDateReport, noticeCirculation, syncTarget } from './ils-sync.ts';
import type { ItemCirculation } from './port.ts';
import type { OwnedRecord } from './records.ts';
import { aRequest, settingsWith } from './test-fixtures.ts';

const borrowing = aRequest('borrowing', 'received', { patronDueDate: '2026-12-20' });
const target = { itemBarcode: '1000009', patronId: 'P-1001', side: 'borrowing' as const };
const settings = settingsWith({});
const notice = (reading: ItemCirculation, previous?: IlsObservation, overrides: Partial<Parameters<typeof noticeCirculation>[0]> = {}) =>
  noticeCirculation({ request: borrowing, target, previous, reading, settings, capabilities: documentedCapabilities.alma, ...overrides });

const onLoan = (dueDate: string, toPatron = true): ItemCirculation => ({ exists: true, status: 'on-loan', loan: { toPatron, dueDate }, holdForPatron: 'none' });

describe('what the sync reads', () => {
  const temp: OwnedRecord = { kind: 'temporary-item', stepKey: 'k', barcode: '1000009', released: false };
  it('reads only the live temporary item or lending loan the request owns', () => {
    expect(syncTarget(borrowing, [temp])).toEqual(target);
    expect(syncTarget(borrowing, [{ ...temp, released: true }])).toBeUndefined();
    expect(syncTarget(aRequest('borrowing', 'returned'), [temp])).toBeUndefined();
    expect(syncTarget(aRequest('borrowing', 'received', { serviceType: 'copy' }), [temp])).toBeUndefined();
    const loan: OwnedRecord = { kind: 'loan', stepKey: 'l', barcode: '39000000001', patronId: 'ACCT', released: false };
    expect(syncTarget(aRequest('lending', 'shipped'), [loan])).toEqual({ itemBarcode: '39000000001', patronId: 'ACCT', side: 'lending' });
    expect(syncTarget(aRequest('lending', 'shipped'), [{ ...loan, released: true }])).toBeUndefined();
    // a record the request does not own is never a target
    expect(syncTarget(aRequest('lending', 'shipped'), [temp])).toBeUndefined();
  });
});

describe('borrowing findings', () => {
  it('sees the pickup check-in, then the check-out with the ILS date, and puts the strap date back', () => {
    const ready = notice({ exists: true, status: 'hold-shelf', holdForPatron: 'ready' }, { state: 'awaiting-pickup-check-in' });
    expect(ready.findings.map((f) => f.kind)).toEqual(['hold-ready']);
    const out = notice(onLoan('2026-12-13'), ready.observation);
    expect(out.findings.map((f) => f.kind)).toEqual(['picked-up', 'strap-date-set']);
    expect(out.plan).toHaveLength(1);
    expect(out.plan[0]).toMatchObject({ name: 'update-due-date', input: { dueDate: '2026-12-20', itemBarcode: '1000009' } });
    expect(out.observation).toEqual({ state: 'on-loan', loanDueDate: '2026-12-13' });
  });
  it('only reports the ILS date when the library keeps it, or the ILS cannot change dates', () => {
    const kept = notice(onLoan('2026-12-13'), { state: 'hold-ready' }, { settings: settingsWith({ borrowing: { setStrapDateAtCheckOut: false } }) });
    expect(kept.plan).toEqual([]);
    expect(kept.findings[1]).toMatchObject({ kind: 'policy-due-date', needsIllStaff: true });
    const none = notice(onLoan('2026-12-13'), { state: 'hold-ready' }, { capabilities: { ...documentedCapabilities.alma, dueDateUpdate: 'none' } });
    expect(none.plan).toEqual([]);
  });
  it('a check-out on the strap date needs nothing', () => {
    const out = notice(onLoan('2026-12-20'), { state: 'hold-ready' });
    expect(out.findings.map((f) => f.kind)).toEqual(['picked-up']);
    expect(out.plan).toEqual([]);
  });
  it('flags a circulation-side renewal and reverts it only when configured', () => {
    const previous = { state: 'on-loan' as const, loanDueDate: '2026-12-20' };
    const flagged = notice(onLoan('2027-01-17'), previous);
    expect(flagged.findings).toMatchObject([{ kind: 'circulation-renewal', needsIllStaff: true }]);
    expect(flagged.plan).toEqual([]);
    const reverted = notice(onLoan('2027-01-17'), previous, { settings: settingsWith({ borrowing: { revertCirculationRenewal: true } }) });
    expect(reverted.plan[0]).toMatchObject({ name: 'update-due-date', input: { dueDate: '2026-12-20' } });
    // our own change to the strap date is not a renewal
    expect(notice(onLoan('2026-12-20'), { state: 'on-loan', loanDueDate: '2026-12-13' }).findings).toEqual([]);
  });
  it('sees a desk check-in before ILL marked it returned, and a hold that expired', () => {
    const back = notice({ exists: true, status: 'in-transit', holdForPatron: 'none' }, { state: 'on-loan', loanDueDate: '2026-12-20' });
    expect(back.findings).toMatchObject([{ kind: 'checked-in-at-desk', needsIllStaff: true, nextAction: expect.stringContaining('returned') }]);
    const lapsed = notice({ exists: true, status: 'in-transit', holdForPatron: 'none' }, { state: 'hold-ready' });
    expect(lapsed.findings).toMatchObject([{ kind: 'hold-expired' }]);
    expect(lapsed.observation.state).toBe('hold-expired');
  });
  it('tells a pickup and return between two reads from an expired hold by the loan history, where the ILS shows one', () => {
    const gone: ItemCirculation = { exists: true, status: 'on-shelf', holdForPatron: 'none' };
    const returned = notice({ ...gone, lastLoanToPatron: true }, { state: 'hold-ready' });
    expect(returned.observation.state).toBe('checked-in');
    expect(returned.findings.map((f) => [f.kind, f.needsIllStaff])).toEqual([
      ['picked-up', false],
      ['checked-in-at-desk', true],
    ]);
    expect(returned.findings[0]?.text).toContain('returned before the sync read it again');
    const expired = notice({ ...gone, lastLoanToPatron: false }, { state: 'hold-ready' });
    expect(expired.findings).toMatchObject([{ kind: 'hold-expired', text: 'ILS: the hold on 1000009 expired; the patron did not pick it up.' }]);
    // no loan history in the API: said as it is, not claimed
    const unknown = notice(gone, { state: 'hold-ready' });
    expect(unknown.findings).toMatchObject([{ kind: 'hold-expired', text: expect.stringContaining('shows no loan history to tell') }]);
    fc.assert(
      fc.property(
        fc.constantFrom<IlsObservation['state']>('hold-ready', 'hold-in-transit', 'awaiting-pickup-check-in'),
        fc.constantFrom<ItemCirculation['status']>('on-shelf', 'in-transit', 'other'),
        (was, status) => {
          const out = notice({ exists: true, status, holdForPatron: 'none', lastLoanToPatron: true }, { state: was });
          expect(out.observation.state).toBe('checked-in');
          expect(out.findings.map((f) => f.kind)).not.toContain('hold-expired');
          expect(out.findings.map((f) => f.kind)).toContain('checked-in-at-desk');
          // read again, nothing new
          expect(notice({ exists: true, status, holdForPatron: 'none', lastLoanToPatron: true }, out.observation).findings).toEqual([]);
        },
      ),
      { seed: 13_003, numRuns: 50 },
    );
  });
  it('leaves a loan to another patron alone', () => {
    const other = notice(onLoan('2026-12-13', false), { state: 'hold-ready' });
    expect(other.findings).toMatchObject([{ kind: 'loan-elsewhere', needsIllStaff: true }]);
    expect(other.plan).toEqual([]);
  });
  it('says each thing once: the same reading twice finds nothing new (property)', () => {
    const reading = fc.record({
      exists: fc.boolean(),
      status: fc.constantFrom('on-shelf', 'hold-shelf', 'in-transit', 'on-loan', 'other') as fc.Arbitrary<ItemCirculation['status']>,
      holdForPatron: fc.constantFrom(undefined, 'pending', 'ready', 'in-transit', 'none') as fc.Arbitrary<ItemCirculation['holdForPatron']>,
      loan: fc.option(
        fc.record({ toPatron: fc.option(fc.boolean(), { nil: undefined }), dueDate: fc.constantFrom('2026-12-13', '2026-12-20', '2027-01-17') }),
        {
          nil: undefined,
        },
      ),
    });
    fc.assert(
      fc.property(
        reading,
        fc.constantFrom(undefined, 'hold-ready', 'on-loan', 'awaiting-pickup-check-in') as fc.Arbitrary<IlsObservation['state'] | undefined>,
        (r, was) => {
          const first = notice(r, was ? { state: was } : undefined);
          const again = notice(r, first.observation);
          expect(again.findings).toEqual([]);
          expect(again.plan).toEqual([]);
          // nothing is ever planned but the strap date, on the request's own temporary item
          for (const planned of first.plan)
            expect(planned).toMatchObject({ name: 'update-due-date', input: { itemBarcode: '1000009', dueDate: '2026-12-20' } });
        },
      ),
      { numRuns: 500, seed: 1313 },
    );
  });
});

describe('lending findings', () => {
  const lending = aRequest('lending', 'shipped', { dueDate: '2027-01-10' });
  const lendTarget = { itemBarcode: '39000000001', patronId: 'ACCT', side: 'lending' as const };
  const read = (reading: ItemCirculation, previous?: IlsObservation) =>
    noticeCirculation({ request: lending, target: lendTarget, previous, reading, settings, capabilities: documentedCapabilities.alma });
  it('sees the lent item checked in before ILL completed it', () => {
    const lent = read(onLoan('2027-01-10'));
    expect(lent.findings).toEqual([]);
    const back = read({ exists: true, status: 'on-shelf' }, lent.observation);
    expect(back.findings).toMatchObject([{ kind: 'lent-item-checked-in', nextAction: expect.stringContaining('Complete') }]);
    expect(read({ exists: true, status: 'on-shelf' }, back.observation).findings).toEqual([]);
  });
  it('reports the expiry cap of a lending loan', () => {
    expect(lendingDueDateReport('2027-01-10', '2026-12-31', 'ACCT')).toMatch(/capped .* 2026-12-31, before the request's 2027-01-10/);
    expect(lendingDueDateReport('2027-01-10', '2027-01-10', 'ACCT')).toBeUndefined();
    expect(lendingDueDateReport(undefined, '2026-12-01', 'ACCT')).toMatch(/ILS loan policy/);
  });
});
