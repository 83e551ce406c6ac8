import type { CirculationSystem, StepOutcome, TemporaryItemInput } from '@bookstrap/core';
import { describe, expect, it } from 'vitest';

/**
 * The shared behaviour every `CirculationSystem` adapter must show (drizzle-orm's integration-test
 * pattern): one suite, one thin file per ILS that supplies a system, a fixture of known ILS
 * records, and a probe that reads ILS state through the vendor's own API (never a simulator's
 * database), so the same suite can run against a real sandbox. Gaps are declared, not hidden.
 */
export interface ContractFixture {
  /** an active patron in good standing */
  patronId: string;
  /** an identifier no patron has */
  unknownPatronId: string;
  /** a blocked patron */
  blockedPatronId: string;
  /** a patron whose registration has expired (no block of its own) */
  expiredPatronId: string;
  /** an institutional (borrowing library) account lent items are checked out to */
  accountId: string;
  /** on-shelf, loanable items; each test takes its own */
  lendableBarcodes: string[];
  /** ILS code of a pickup library */
  pickupLocation: string;
  /** ILL location temporary items are created in */
  illLocation: string;
  /** temporary location lent items move to */
  temporaryLocation: string;
  /** a fee type the ILS accepts */
  feeType: string;
  /** the ILS's today, as the adapter sees it */
  today: string;
  /** a day some weeks ahead on which the library is open */
  futureDueDate: string;
  /** another open day after `futureDueDate` */
  laterDueDate: string;
  itemPolicy?: string | undefined;
}

export interface ContractProbe {
  countItems(barcode: string): Promise<number>;
  /** every note on the item, joined; undefined when there is no such item */
  itemNotes(barcode: string): Promise<string | undefined>;
  itemLocation(barcode: string): Promise<string | undefined>;
  holds(barcode: string): Promise<{ patronId: string; pickupLocation: string }[]>;
  loan(barcode: string): Promise<{ patronId: string; dueDate: string } | null>;
  fees(patronId: string): Promise<{ amount: number; feeType: string; comment: string }[]>;
  /** the temporary location code, or undefined when in the permanent location */
  temporaryLocation(barcode: string): Promise<string | undefined>;
}

export interface ContractSubject {
  system: CirculationSystem;
  fixture: ContractFixture;
  probe: ContractProbe;
  /** make the ILS unreachable / answer 503, and back */
  ilsDown(): Promise<void>;
  ilsUp(): Promise<void>;
  /** check an item in at a desk, as circulation staff would (outside the adapter) */
  deskCheckIn(barcode: string): Promise<void>;
}

export const contractCases = [
  'patron lookup',
  'unknown patron',
  'blocked patron',
  'expired patron',
  'create temporary item',
  'create temporary item twice',
  'barcode collision',
  'place hold',
  'place hold twice',
  'check out with due date',
  'check out by loan policy',
  'check out twice',
  'update due date',
  'check in twice',
  'check in after a desk check-in',
  'check in a temporary item still on loan',
  'delete temporary item twice',
  'charge fee',
  'charge fee twice',
  'remove fee',
  'temporary location and back',
  'hold for an unknown patron',
  'ILS down',
  'lending hold',
  'cancel the hold it placed',
  "cancel leaves another patron's hold alone",
] as const;
export type ContractCase = (typeof contractCases)[number];

const succeeded = (outcome: StepOutcome<unknown>) => outcome.kind === 'done' || outcome.kind === 'already-done';

function temporaryItem(requestId: string, barcode: string, fixture: ContractFixture): TemporaryItemInput {
  return {
    requestId,
    barcode,
    title: 'Contract test: The Name of the Rose',
    author: 'Eco, Umberto',
    note: `ILL request ${requestId} from LENDA`,
    lendingLibrary: 'LENDA',
    location: fixture.illLocation,
    inLibraryUseOnly: false,
    itemPolicy: fixture.itemPolicy,
  };
}

export function circulationSystemContract(name: string, setup: () => Promise<ContractSubject>, options: { unsupported?: ContractCase[] } = {}): void {
  const unsupported = new Set(options.unsupported ?? []);
  const test = (title: ContractCase, body: (subject: ContractSubject) => Promise<void>) =>
    (unsupported.has(title) ? it.skip : it)(title, async () => {
      await body(await setup());
    });

  describe(`CirculationSystem contract: ${name}`, () => {
    // Patron verification at review (issue 13 §3): name, status, expiry and blocks as the ILS shows them.
    test('patron lookup', async ({ system, fixture }) => {
      const outcome = await system.lookupPatron({ patronId: fixture.patronId });
      expect(outcome.kind).toBe('done');
      if (outcome.kind !== 'done') return;
      expect(outcome.value).toMatchObject({ status: 'active', name: expect.stringMatching(/\S/), expiryDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
      expect(outcome.value.expiryDate! > fixture.today).toBe(true);
      expect(outcome.value.blocks ?? []).toEqual([]);
    });

    test('expired patron', async ({ system, fixture }) => {
      const outcome = await system.lookupPatron({ patronId: fixture.expiredPatronId });
      expect(outcome.kind).toBe('done');
      if (outcome.kind !== 'done') return;
      expect(outcome.value).toMatchObject({ status: 'expired', name: expect.stringMatching(/\S/) });
      expect(outcome.value.expiryDate! < fixture.today).toBe(true);
    });

    test('unknown patron', async ({ system, fixture }) => {
      const outcome = await system.lookupPatron({ patronId: fixture.unknownPatronId });
      expect(outcome).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('invalid patron id') });
    });

    test('blocked patron', async ({ system, fixture }) => {
      const outcome = await system.lookupPatron({ patronId: fixture.blockedPatronId });
      expect(outcome.kind).toBe('done');
      if (outcome.kind !== 'done') return;
      expect(outcome.value.status).toBe('blocked');
      expect(outcome.value.name).toMatch(/\S/);
      expect(outcome.value.blocks?.length ?? 0).toBeGreaterThan(0);
    });

    test('create temporary item', async ({ system, fixture, probe }) => {
      const outcome = await system.createTemporaryItem(temporaryItem('9000001', 'CT-9000001', fixture));
      expect(outcome.kind).toBe('done');
      expect(await probe.countItems('CT-9000001')).toBe(1);
      expect(await probe.itemNotes('CT-9000001')).toContain('ILL request 9000001 from LENDA');
      expect(await probe.itemLocation('CT-9000001')).toBe(fixture.illLocation);
    });

    test('create temporary item twice', async ({ system, fixture, probe }) => {
      const input = temporaryItem('9000002', 'CT-9000002', fixture);
      expect((await system.createTemporaryItem(input)).kind).toBe('done');
      expect((await system.createTemporaryItem(input)).kind).toBe('already-done');
      expect(await probe.countItems('CT-9000002')).toBe(1);
    });

    test('barcode collision', async ({ system, fixture, probe }) => {
      const taken = fixture.lendableBarcodes[0] as string;
      const before = await probe.itemNotes(taken);
      const outcome = await system.createTemporaryItem(temporaryItem('9000003', taken, fixture));
      expect(outcome).toMatchObject({ kind: 'needs-staff', suggestion: expect.stringContaining(taken) });
      expect(await probe.countItems(taken)).toBe(1);
      expect(await probe.itemNotes(taken)).toBe(before);
    });

    test('place hold', async ({ system, fixture, probe }) => {
      await system.createTemporaryItem(temporaryItem('9000004', 'CT-9000004', fixture));
      const outcome = await system.placeHold({
        requestId: '9000004',
        patronId: fixture.patronId,
        itemBarcode: 'CT-9000004',
        pickupLocation: fixture.pickupLocation,
        inLibraryUseOnly: false,
      });
      expect(outcome.kind).toBe('done');
      expect(await probe.holds('CT-9000004')).toEqual([{ patronId: fixture.patronId, pickupLocation: fixture.pickupLocation }]);
    });

    test('place hold twice', async ({ system, fixture, probe }) => {
      await system.createTemporaryItem(temporaryItem('9000005', 'CT-9000005', fixture));
      const hold = {
        requestId: '9000005',
        patronId: fixture.patronId,
        itemBarcode: 'CT-9000005',
        pickupLocation: fixture.pickupLocation,
        inLibraryUseOnly: false,
      };
      expect((await system.placeHold(hold)).kind).toBe('done');
      expect((await system.placeHold(hold)).kind).toBe('already-done');
      expect(await probe.holds('CT-9000005')).toHaveLength(1);
    });

    test('hold for an unknown patron', async ({ system, fixture }) => {
      await system.createTemporaryItem(temporaryItem('9000006', 'CT-9000006', fixture));
      const outcome = await system.placeHold({
        requestId: '9000006',
        patronId: fixture.unknownPatronId,
        itemBarcode: 'CT-9000006',
        pickupLocation: fixture.pickupLocation,
        inLibraryUseOnly: false,
      });
      expect(outcome).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('invalid patron id') });
    });

    test('check out with due date', async ({ system, fixture, probe }) => {
      const barcode = fixture.lendableBarcodes[1] as string;
      const outcome = await system.checkOut({ requestId: '9000007', patronId: fixture.accountId, itemBarcode: barcode, dueDate: fixture.futureDueDate });
      expect(outcome).toMatchObject({ kind: 'done', value: { dueDate: fixture.futureDueDate } });
      expect(await probe.loan(barcode)).toEqual({ patronId: fixture.accountId, dueDate: fixture.futureDueDate });
    });

    test('check out by loan policy', async ({ system, fixture, probe }) => {
      const barcode = fixture.lendableBarcodes[2] as string;
      const outcome = await system.checkOut({ requestId: '9000008', patronId: fixture.accountId, itemBarcode: barcode });
      expect(outcome.kind).toBe('done');
      const loan = await probe.loan(barcode);
      expect(loan?.patronId).toBe(fixture.accountId);
      expect((loan?.dueDate ?? '') > fixture.today).toBe(true);
    });

    test('check out twice', async ({ system, fixture, probe }) => {
      const barcode = fixture.lendableBarcodes[3] as string;
      const input = { requestId: '9000009', patronId: fixture.accountId, itemBarcode: barcode, dueDate: fixture.futureDueDate };
      expect((await system.checkOut(input)).kind).toBe('done');
      expect((await system.checkOut(input)).kind).toBe('already-done');
      expect(await probe.loan(barcode)).toEqual({ patronId: fixture.accountId, dueDate: fixture.futureDueDate });
    });

    test('update due date', async ({ system, fixture, probe }) => {
      const barcode = fixture.lendableBarcodes[4] as string;
      await system.checkOut({ requestId: '9000010', patronId: fixture.accountId, itemBarcode: barcode, dueDate: fixture.futureDueDate });
      const outcome = await system.updateDueDate({ requestId: '9000010', patronId: fixture.accountId, itemBarcode: barcode, dueDate: fixture.laterDueDate });
      expect(succeeded(outcome)).toBe(true);
      expect((await probe.loan(barcode))?.dueDate).toBe(fixture.laterDueDate);
      expect((await system.updateDueDate({ requestId: '9000010', itemBarcode: barcode, dueDate: fixture.laterDueDate })).kind).toBe('already-done');
    });

    test('check in twice', async ({ system, fixture, probe }) => {
      const barcode = fixture.lendableBarcodes[5] as string;
      await system.checkOut({ requestId: '9000011', patronId: fixture.accountId, itemBarcode: barcode });
      expect((await system.checkIn({ requestId: '9000011', itemBarcode: barcode })).kind).toBe('done');
      expect(await probe.loan(barcode)).toBeNull();
      expect((await system.checkIn({ requestId: '9000011', itemBarcode: barcode })).kind).toBe('already-done');
    });

    test('check in after a desk check-in', async ({ system, fixture, probe, deskCheckIn }) => {
      const barcode = fixture.lendableBarcodes[6] as string;
      await system.checkOut({ requestId: '9000012', patronId: fixture.accountId, itemBarcode: barcode });
      await deskCheckIn(barcode);
      expect(await probe.loan(barcode)).toBeNull();
      expect((await system.checkIn({ requestId: '9000012', itemBarcode: barcode })).kind).toBe('already-done');
    });

    // Returned straight to the ILL office (issue 13 §3): the temporary item is still on loan to the
    // patron; the check-in on Returned closes that loan and the item is cleaned up, while the same
    // patron's other loan, which is not the request's, stays exactly as it was.
    test('check in a temporary item still on loan', async ({ system, fixture, probe }) => {
      const barcode = 'CT-9000019';
      await system.createTemporaryItem({ ...temporaryItem('9000019', barcode, fixture), patronId: fixture.patronId, pickupLocation: fixture.pickupLocation });
      expect((await system.checkOut({ requestId: '9000019', patronId: fixture.patronId, itemBarcode: barcode })).kind).toBe('done');
      const other = fixture.lendableBarcodes[10] as string;
      expect((await system.checkOut({ requestId: '9000020', patronId: fixture.patronId, itemBarcode: other })).kind).toBe('done');
      const otherLoan = await probe.loan(other);
      expect((await probe.loan(barcode))?.patronId).toBe(fixture.patronId);

      const owner = { kind: 'temporary-item' as const, requestId: '9000019', patronId: fixture.patronId };
      expect((await system.checkIn({ requestId: '9000019', itemBarcode: barcode, owner })).kind).toBe('done');
      expect(await probe.loan(barcode)).toBeNull();
      if (system.capabilities.deleteTemporaryItem) {
        expect((await system.deleteTemporaryItem({ requestId: '9000019', itemBarcode: barcode })).kind).toBe('done');
        expect(await probe.countItems(barcode)).toBe(0);
      }
      expect(await probe.loan(other)).toEqual(otherLoan);
      expect(otherLoan?.patronId).toBe(fixture.patronId);
    });

    test('delete temporary item twice', async ({ system, fixture, probe }) => {
      await system.createTemporaryItem(temporaryItem('9000013', 'CT-9000013', fixture));
      expect((await system.deleteTemporaryItem({ requestId: '9000013', itemBarcode: 'CT-9000013' })).kind).toBe('done');
      expect(await probe.countItems('CT-9000013')).toBe(0);
      expect((await system.deleteTemporaryItem({ requestId: '9000013', itemBarcode: 'CT-9000013' })).kind).toBe('already-done');
      // a real item that happens to carry a request's barcode is never deleted
      const real = fixture.lendableBarcodes[7] as string;
      expect((await system.deleteTemporaryItem({ requestId: '9000013', itemBarcode: real })).kind).toBe('needs-staff');
      expect(await probe.countItems(real)).toBe(1);
    });

    test('charge fee', async ({ system, fixture, probe }) => {
      const outcome = await system.chargeFee({
        requestId: '9000014',
        patronId: fixture.patronId,
        feeType: fixture.feeType,
        amount: 7.5,
        comment: 'ILL fee for request 9000014',
      });
      expect(outcome.kind).toBe('done');
      expect(await probe.fees(fixture.patronId)).toContainEqual({ amount: 7.5, feeType: fixture.feeType, comment: 'ILL fee for request 9000014' });
    });

    test('charge fee twice', async ({ system, fixture, probe }) => {
      const fee = { requestId: '9000015', patronId: fixture.patronId, feeType: fixture.feeType, amount: 3, comment: 'ILL fee for request 9000015' };
      expect((await system.chargeFee(fee)).kind).toBe('done');
      expect((await system.chargeFee(fee)).kind).toBe('already-done');
      expect((await probe.fees(fixture.patronId)).filter((f) => f.comment === fee.comment)).toHaveLength(1);
    });

    // The lost item came back (issue 13 §3): the request's own charge is waived by the id its charge
    // recorded; a fee of the same patron, type and amount that is another request's stays.
    test('remove fee', async ({ system, fixture, probe }) => {
      const charge = (requestId: string) => ({
        requestId,
        patronId: fixture.patronId,
        feeType: fixture.feeType,
        amount: 30,
        comment: `Processing fee for lost ILL item, request ${requestId}`,
      });
      const removal = (requestId: string, feeId: string | undefined) => ({
        requestId,
        patronId: fixture.patronId,
        chargeKey: `${requestId}:charge-fee:-:lost-processing`,
        feeType: fixture.feeType,
        comment: charge(requestId).comment,
        reason: 'the lost item came back',
        feeId,
      });
      const mine = await system.chargeFee(charge('9000021'));
      const theirs = await system.chargeFee(charge('9000022'));
      if (!system.capabilities.feeRemoval) {
        // declared, not faked: the step is never planned, and the adapter would not pretend
        if (system.removeFee) expect((await system.removeFee(removal('9000021', 'x'))).kind).toBe('configuration-error');
        return;
      }
      const feeId = mine.kind === 'done' ? mine.value.feeId : undefined;
      const otherId = theirs.kind === 'done' ? theirs.value.feeId : undefined;
      expect(feeId).toBeTruthy();
      // the other request's fee id with this request's comment: not this request's, left alone
      expect((await system.removeFee!(removal('9000021', otherId))).kind).toBe('needs-staff');
      expect((await system.removeFee!(removal('9000021', undefined))).kind).toBe('needs-staff');
      expect((await probe.fees(fixture.patronId)).filter((f) => f.amount === 30)).toHaveLength(2);

      expect((await system.removeFee!(removal('9000021', feeId))).kind).toBe('done');
      expect((await system.removeFee!(removal('9000021', feeId))).kind).toBe('already-done');
      const left = await probe.fees(fixture.patronId);
      expect(left.some((f) => f.comment === charge('9000021').comment)).toBe(false);
      expect(left).toContainEqual({ amount: 30, feeType: fixture.feeType, comment: charge('9000022').comment });
    });

    test('temporary location and back', async ({ system, fixture, probe }) => {
      const barcode = fixture.lendableBarcodes[8] as string;
      const move = { requestId: '9000016', itemBarcode: barcode, location: fixture.temporaryLocation };
      expect((await system.moveToTemporaryLocation(move)).kind).toBe('done');
      expect(await probe.temporaryLocation(barcode)).toBe(fixture.temporaryLocation);
      expect((await system.moveToTemporaryLocation(move)).kind).toBe('already-done');
      expect((await system.restorePermanentLocation({ requestId: '9000016', itemBarcode: barcode })).kind).toBe('done');
      expect(await probe.temporaryLocation(barcode)).toBeUndefined();
      expect((await system.restorePermanentLocation({ requestId: '9000016', itemBarcode: barcode })).kind).toBe('already-done');
    });

    test('ILS down', async ({ system, fixture, probe, ilsDown, ilsUp }) => {
      await ilsDown();
      const input = temporaryItem('9000017', 'CT-9000017', fixture);
      expect((await system.createTemporaryItem(input)).kind).toBe('retryable');
      expect((await system.lookupPatron({ patronId: fixture.patronId })).kind).toBe('retryable');
      await ilsUp();
      expect((await system.createTemporaryItem(input)).kind).toBe('done');
      expect(await probe.countItems('CT-9000017')).toBe(1);
    });

    test('cancel the hold it placed', async ({ system, fixture, probe }) => {
      await system.createTemporaryItem(temporaryItem('9000021', 'CT-9000021', fixture));
      const placed = await system.placeHold({
        requestId: '9000021',
        patronId: fixture.patronId,
        itemBarcode: 'CT-9000021',
        pickupLocation: fixture.pickupLocation,
        inLibraryUseOnly: false,
      });
      expect(succeeded(placed)).toBe(true);
      const holdId = succeeded(placed) ? (placed as { value?: { holdId?: string } }).value?.holdId : undefined;
      const cancel = {
        requestId: '9000021',
        patronId: fixture.patronId,
        itemBarcode: 'CT-9000021',
        holdId,
        placedBy: '9000021:place-hold:CT-9000021',
        reason: 'patron-corrected' as const,
      };
      expect((await system.cancelHold(cancel)).kind).toBe('done');
      expect(await probe.holds('CT-9000021')).toEqual([]);
      // The retry after the cancel went through: already done, because the ILS shows it gone.
      expect(await system.cancelHold(cancel)).toMatchObject({ kind: 'already-done' });
      expect(await probe.holds('CT-9000021')).toEqual([]);
    });

    test("cancel leaves another patron's hold alone", async ({ system, fixture, probe }) => {
      await system.createTemporaryItem(temporaryItem('9000022', 'CT-9000022', fixture));
      // The desk places a hold for someone else on the item; Bookstrap's recorded hold is not it.
      const desk = await system.placeHold({
        requestId: '9000099',
        patronId: fixture.accountId,
        itemBarcode: 'CT-9000022',
        pickupLocation: fixture.pickupLocation,
        inLibraryUseOnly: false,
      });
      expect(succeeded(desk)).toBe(true);
      const deskHoldId = (desk as { value?: { holdId?: string } }).value?.holdId;
      const before = await probe.holds('CT-9000022');
      expect(before).toEqual([{ patronId: fixture.accountId, pickupLocation: fixture.pickupLocation }]);
      for (const holdId of [deskHoldId, undefined]) {
        const outcome = await system.cancelHold({
          requestId: '9000022',
          patronId: fixture.patronId,
          itemBarcode: 'CT-9000022',
          holdId,
          placedBy: '9000022:place-hold:CT-9000022',
          reason: 'patron-corrected',
        });
        expect(outcome.kind).not.toBe('done');
        expect(await probe.holds('CT-9000022')).toEqual(before);
      }
    });

    test('lending hold', async ({ system, fixture }) => {
      const outcome = await system.placeLendingHold({
        requestId: '9000018',
        itemBarcode: fixture.lendableBarcodes[9],
        title: 'x',
        patronId: fixture.accountId,
      });
      expect(outcome.kind).toBe('done');
    });
  });
}
