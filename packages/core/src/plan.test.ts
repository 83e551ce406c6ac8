import { describe, expect, it } from 'vitest';
import { decide, planOnCreate, type RequestCommand } from './decide.ts';
import { documentedCapabilities, ilsKinds } from './ils.ts';
import { outcomeText } from './history.ts';
import { type IlsStep, idempotencyKey, runStep } from './plan.ts';
import type { CirculationSystem } from './port.ts';
import { aRequest, context, settingsWith } from './test-fixtures.ts';
import type { IllRequest } from './workflow.ts';

const bools = [true, false] as const;
const names = (plan: IlsStep[]) => plan.map((s) => s.name);

function planOf(request: IllRequest, command: RequestCommand, ctx = context()) {
  const result = decide(request, command, ctx);
  if (!result.ok) throw new Error(result.error.message);
  return result.decision;
}

describe('plan on received (B4)', () => {
  describe.each(bools.flatMap((createItem) => bools.map((enabled) => ({ createItem, enabled }))))(
    'createItemOnReceived=$createItem enabled=$enabled',
    ({ createItem, enabled }) => {
      it('creates the temporary item, then the hold, only when both are on', () => {
        const settings = settingsWith({ enabled, borrowing: { createItemOnReceived: createItem } });
        const { plan } = planOf(aRequest('borrowing', 'in-transit'), { action: 'receive' }, context('alma', settings));
        expect(names(plan)).toEqual(createItem && enabled ? ['create-temporary-item', 'place-hold'] : []);
      });
    },
  );
  it('puts the request ID, lending library, ILL location and due date on the temporary item', () => {
    const settings = settingsWith({ borrowing: { illLocation: 'ILLSHELF', shelvingLocation: 'ILLHOLD' } });
    const request = aRequest('borrowing', 'in-transit', { lenderDueDate: '2026-12-15' });
    const { plan, request: next } = planOf(request, { action: 'receive' }, context('alma', settings));
    const [item, hold] = plan;
    expect(item).toMatchObject({
      name: 'create-temporary-item',
      key: '1000009:create-temporary-item:1000009',
      input: { barcode: '1000009', location: 'ILLSHELF', shelvingLocation: 'ILLHOLD', lendingLibrary: 'LENDA', dueDate: '2026-12-08' },
    });
    expect(item?.input).toHaveProperty('note', 'ILL request 1000009 from LENDA');
    expect(hold).toMatchObject({ name: 'place-hold', input: { patronId: 'P-1001', itemBarcode: '1000009', pickupLocation: 'MAIN' } });
    expect(next.patronDueDate).toBe('2026-12-08');
  });
  it.each([
    ['request-id', undefined, undefined, '1000009'],
    ['supplier-barcode', 'LEND-555', undefined, 'LEND-555'],
    ['supplier-barcode', undefined, undefined, '1000009'],
    ['request-id', 'LEND-555', 'STAFF-1', 'STAFF-1'],
  ] as const)('temporary barcode source %s (supplier %s, override %s) → %s', (source, supplier, override, expected) => {
    const settings = settingsWith({ borrowing: { temporaryBarcodeSource: source } });
    const { plan, request } = planOf(
      aRequest('borrowing', 'in-transit', { supplierItemBarcode: supplier }),
      { action: 'receive', temporaryBarcode: override },
      context('alma', settings),
    );
    expect(request.temporaryBarcode).toBe(expected);
    expect(plan.map((s) => s.key)).toEqual([`1000009:create-temporary-item:${expected}`, `1000009:place-hold:${expected}`]);
  });
  it('refuses an unusable override barcode and changes nothing', () => {
    expect(decide(aRequest('borrowing', 'in-transit'), { action: 'receive', temporaryBarcode: 'has space' }, context())).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });
  it('marks an in-library-use-only hold', () => {
    const { plan } = planOf(aRequest('borrowing', 'in-transit', { inLibraryUseOnly: true }), { action: 'receive' }, context());
    expect(plan[1]?.input).toMatchObject({ inLibraryUseOnly: true });
    expect(plan[0]?.input).toMatchObject({ note: expect.stringContaining('library use only') });
  });
  it('gives the temporary item the configured item policy, library use only its own', () => {
    const settings = settingsWith({ borrowing: { temporaryItemPolicy: 'ILL', libraryUseOnlyItemPolicy: 'LIBUSE' } });
    const loan = planOf(aRequest('borrowing', 'in-transit'), { action: 'receive' }, context('alma', settings));
    const libraryUse = planOf(aRequest('borrowing', 'in-transit', { inLibraryUseOnly: true }), { action: 'receive' }, context('alma', settings));
    expect(loan.plan[0]?.input).toMatchObject({ itemPolicy: 'ILL' });
    expect(libraryUse.plan[0]?.input).toMatchObject({ itemPolicy: 'LIBUSE' });
    expect(planOf(aRequest('borrowing', 'in-transit'), { action: 'receive' }, context()).plan[0]?.input).toMatchObject({ itemPolicy: undefined });
  });
  it('never creates a temporary item for a copy', () => {
    const { plan, request } = planOf(aRequest('borrowing', 'in-transit', { serviceType: 'copy' }), { action: 'receive' }, context());
    expect(plan).toEqual([]);
    expect(request.status).toBe('complete');
  });
});

describe('plan on supplier shipped (B3): fee only where the ILS can charge on shipped', () => {
  it.each(ilsKinds.flatMap((ils) => bools.map((charge) => ({ ils, charge }))))('$ils chargePatronOnShipped=$charge', ({ ils, charge }) => {
    const settings = settingsWith({ borrowing: { chargePatronOnShipped: charge, illFee: { amount: 5, feeType: 'ILLFEE' } } });
    const { plan } = planOf(aRequest('borrowing', 'sent'), { action: 'supplier-shipped' }, context(ils, settings));
    const expected = charge && documentedCapabilities[ils].feesOnShipped;
    expect(names(plan)).toEqual(expected ? ['charge-fee'] : []);
    if (expected) expect(plan[0]?.input).toMatchObject({ amount: 5, feeType: 'ILLFEE', patronId: 'P-1001' });
  });
});

describe('plan on returned (B8)', () => {
  const combos = bools.flatMap((checkIn) => bools.map((del) => ({ checkIn, del })));
  it.each(combos)('alma checkIn=$checkIn delete=$del', ({ checkIn, del }) => {
    const settings = settingsWith({ borrowing: { checkInItemOnReturned: checkIn, deleteTemporaryItemOnReturn: del } });
    const { plan } = planOf(aRequest('borrowing', 'received'), { action: 'mark-returned' }, context('alma', settings));
    expect(names(plan)).toEqual([...(checkIn ? ['check-in'] : []), ...(checkIn && del ? ['delete-temporary-item'] : [])]);
  });
  it('keeps the temporary item on WMS and says so', () => {
    const { plan, notes } = planOf(aRequest('borrowing', 'received'), { action: 'mark-returned' }, context('wms'));
    expect(names(plan)).toEqual(['check-in']);
    expect(notes.join(' ')).toContain('kept in the ILS');
  });
  it('has nothing to check in when no temporary item was made', () => {
    const { plan } = planOf(aRequest('borrowing', 'received', { temporaryBarcode: undefined }), { action: 'mark-returned' }, context());
    expect(plan).toEqual([]);
  });
});

describe('plan on renewal approved (B7)', () => {
  it.each(bools)('updateDueDateOnRenewal=%s', (update) => {
    const settings = settingsWith({ borrowing: { updateDueDateOnRenewal: update } });
    const { plan } = planOf(aRequest('borrowing', 'received'), { action: 'renewal-approved', newDueDate: '2027-02-20' }, context('alma', settings));
    expect(names(plan)).toEqual(update ? ['update-due-date'] : []);
    if (update) expect(plan[0]).toMatchObject({ key: '1000009:update-due-date:1000009:2027-02-13', input: { dueDate: '2027-02-13' } });
  });
  it('changes nothing in the ILS when the renewal is denied', () => {
    expect(planOf(aRequest('borrowing', 'renewal-requested'), { action: 'renewal-denied' }).plan).toEqual([]);
  });
});

describe('plan on lost: two charges', () => {
  it('charges the replacement cost and the processing fee', () => {
    const settings = settingsWith({
      borrowing: {
        lostItemCharges: { replacementCost: 80, processingFee: 15, replacementFeeType: 'LOST', processingFeeType: 'PROC', removeWhenReturned: true },
      },
    });
    const { plan } = planOf(aRequest('borrowing', 'overdue'), { action: 'mark-lost' }, context('alma', settings));
    expect(plan.map((s) => [s.name, s.input])).toEqual([
      ['charge-fee', expect.objectContaining({ amount: 80, feeType: 'LOST' })],
      ['charge-fee', expect.objectContaining({ amount: 15, feeType: 'PROC' })],
    ]);
    expect(new Set(plan.map((s) => s.key)).size).toBe(2);
  });
});

describe('the lost item comes back: its charges are taken back, no others', () => {
  const lost = aRequest('borrowing', 'lost', { temporaryBarcode: '1000009' });
  const charges = [
    { key: '1000009:charge-fee:-:lost-replacement', patronId: 'P-1001', feeType: 'LOST', comment: 'Replacement cost of lost ILL item, request 1000009' },
    { key: '1000009:charge-fee:-:lost-processing', patronId: 'P-1001', feeType: 'PROC', comment: 'Processing fee for lost ILL item, request 1000009' },
  ];
  it('checks the temporary item in, deletes it and removes each charge once its own charge step succeeded', () => {
    const decision = planOf(lost, { action: 'lost-item-returned' }, { ...context('alma'), lostCharges: charges });
    expect(decision.request.status).toBe('returned');
    expect(names(decision.plan)).toEqual(['check-in', 'delete-temporary-item', 'remove-fee', 'remove-fee']);
    const removals = decision.plan.filter((s) => s.name === 'remove-fee');
    expect(removals.map((s) => [s.key, s.requires])).toEqual([
      ['1000009:remove-fee:-:lost-replacement', ['1000009:charge-fee:-:lost-replacement']],
      ['1000009:remove-fee:-:lost-processing', ['1000009:charge-fee:-:lost-processing']],
    ]);
    expect(removals[0]?.input).toMatchObject({ patronId: 'P-1001', chargeKey: charges[0]?.key, comment: charges[0]?.comment });
    expect(removals[0]?.input).not.toHaveProperty('feeId'); // filled in by the service when the step runs
  });
  it('plans no removal when nothing was charged, or the library keeps the charges', () => {
    expect(names(planOf(lost, { action: 'lost-item-returned' }, context('alma')).plan)).toEqual(['check-in', 'delete-temporary-item']);
    const keep = settingsWith({
      borrowing: {
        lostItemCharges: { replacementCost: 0, processingFee: 30, replacementFeeType: 'LOST', processingFeeType: 'PROC', removeWhenReturned: false },
      },
    });
    expect(names(planOf(lost, { action: 'lost-item-returned' }, { ...context('alma', keep), lostCharges: charges }).plan)).not.toContain('remove-fee');
  });
  it('tells staff to remove the charges by hand where the ILS cannot take a fee back', () => {
    const decision = planOf(lost, { action: 'lost-item-returned' }, { ...context('sierra'), lostCharges: charges });
    expect(names(decision.plan)).toEqual(['check-in', 'delete-temporary-item']);
    expect(decision.notes.join(' ')).toContain('remove its charges (LOST, PROC) for patron P-1001 in the ILS by hand');
  });
  it('is refused unless the request is lost', () => {
    expect(decide(aRequest('borrowing', 'received'), { action: 'lost-item-returned' }, context()).ok).toBe(false);
  });
});

describe('plan on lending ship (L2) and check-in (L4)', () => {
  const combos = bools.flatMap((checkOut) => [undefined, 'ILLOUT'].map((temp) => ({ checkOut, temp })));
  it.each(combos)('checkOutOnShipped=$checkOut illTemporaryLocation=$temp', ({ checkOut, temp }) => {
    const settings = settingsWith({ lending: { checkOutOnShipped: checkOut, illTemporaryLocation: temp, borrowerIdentifiers: { map: { BORRW: 'INST-42' } } } });
    const { plan } = planOf(
      aRequest('lending', 'can-you-supply'),
      { action: 'ship', itemBarcode: '39000000001', dueDate: '2027-01-05' },
      context('alma', settings),
    );
    expect(names(plan)).toEqual(checkOut ? ['check-out-to-borrowing-library', ...(temp ? ['move-to-temporary-location'] : [])] : []);
    if (checkOut) expect(plan[0]?.input).toMatchObject({ patronId: 'INST-42', itemBarcode: '39000000001', dueDate: '2027-01-05' });
  });
  it('checks out to the default account, then the symbol, when no account is mapped', () => {
    const withDefault = settingsWith({ lending: { borrowerIdentifiers: { map: {}, defaultId: 'ILL-DEFAULT' } } });
    expect(planOf(aRequest('lending', 'can-you-supply'), { action: 'ship' }, context('alma', withDefault)).plan[0]?.input).toMatchObject({
      patronId: 'ILL-DEFAULT',
    });
    expect(planOf(aRequest('lending', 'can-you-supply'), { action: 'ship' }, context()).plan[0]?.input).toMatchObject({ patronId: 'BORRW' });
  });
  it('leaves the due date to the ILS loan policy when none is given', () => {
    const { plan } = planOf(aRequest('lending', 'can-you-supply'), { action: 'ship' }, context());
    expect(plan[0]?.input).toMatchObject({ dueDate: undefined });
  });
  it.each(bools.flatMap((checkIn) => [undefined, 'ILLOUT'].map((temp) => ({ checkIn, temp }))))(
    'check-in checkInOnComplete=$checkIn temp=$temp',
    ({ checkIn, temp }) => {
      const settings = settingsWith({ lending: { checkInOnComplete: checkIn, illTemporaryLocation: temp } });
      const { plan } = planOf(aRequest('lending', 'returned'), { action: 'check-in' }, context('alma', settings));
      expect(names(plan)).toEqual(checkIn ? ['check-in', ...(temp ? ['restore-permanent-location'] : [])] : []);
    },
  );
  it('does not move items on an ILS without temporary locations', () => {
    const settings = settingsWith({ lending: { illTemporaryLocation: 'ILLOUT' } });
    // an adapter that declares none (WMS over its circ-ILL NCIP, Horizon over Web Services)
    const without = { ...context('wms', settings), capabilities: { ...documentedCapabilities.wms, temporaryLocation: false } };
    expect(names(planOf(aRequest('lending', 'can-you-supply'), { action: 'ship' }, without).plan)).toEqual(['check-out-to-borrowing-library']);
  });
});

describe('plan on create', () => {
  it.each(bools)('borrowing verifyPatronOnRequest=%s', (verify) => {
    const settings = settingsWith({ borrowing: { verifyPatronOnRequest: verify } });
    expect(names(planOnCreate(aRequest('borrowing', 'new-for-review'), context('alma', settings)))).toEqual(verify ? ['lookup-patron'] : []);
  });
  it.each(ilsKinds.flatMap((ils) => bools.map((hold) => ({ ils, hold }))))('lending hold on $ils placeHoldOnRequestedItem=$hold', ({ ils, hold }) => {
    const settings = settingsWith({ lending: { placeHoldOnRequestedItem: hold } });
    const plan = planOnCreate(aRequest('lending', 'can-you-supply'), context(ils, settings));
    expect(names(plan)).toEqual(hold && documentedCapabilities[ils].lendingHold ? ['place-lending-hold'] : []);
  });
});

describe('idempotency keys', () => {
  it('are stable and distinguish item and occurrence', () => {
    expect(idempotencyKey('1', 'check-in', 'B1')).toBe('1:check-in:B1');
    expect(idempotencyKey('1', 'check-in', 'B1')).not.toBe(idempotencyKey('1', 'check-in', 'B2'));
    expect(idempotencyKey('1', 'update-due-date', 'B1', '2027-01-01')).not.toBe(idempotencyKey('1', 'update-due-date', 'B1', '2027-02-01'));
  });
  it('are the same when the same action is planned again (a retry cannot do it twice)', () => {
    const a = planOf(aRequest('borrowing', 'in-transit'), { action: 'receive' }).plan.map((s) => s.key);
    const b = planOf(aRequest('borrowing', 'in-transit'), { action: 'receive' }).plan.map((s) => s.key);
    expect(a).toEqual(b);
  });
});

describe('runStep', () => {
  const system = (overrides: Partial<CirculationSystem>): CirculationSystem =>
    ({
      ils: 'alma',
      capabilities: documentedCapabilities.alma,
      ...overrides,
    }) as CirculationSystem;
  const lookup: IlsStep = { name: 'lookup-patron', key: 'k', input: { requestId: '1', patronId: 'P1' } };
  it('turns a blocked patron into needs-staff with the block', async () => {
    const outcome = await runStep(
      system({ lookupPatron: async () => ({ kind: 'done', value: { patronId: 'P1', status: 'blocked', blocks: ['Owes fines'] } }) }),
      lookup,
    );
    expect(outcome).toEqual({
      kind: 'needs-staff',
      reason: 'patron P1 is blocked: Owes fines',
      found: { patronId: 'P1', status: 'blocked', blocks: ['Owes fines'] },
    });
  });
  it('keeps what the ILS showed of an expired patron, with the date the registration ran out', async () => {
    const patron = { patronId: 'P2', name: 'Ada Reader', status: 'expired' as const, expiryDate: '2025-02-10' };
    const outcome = await runStep(system({ lookupPatron: async () => ({ kind: 'done', value: patron }) }), lookup);
    expect(outcome).toEqual({ kind: 'needs-staff', reason: 'patron P1 is expired (registration expired 2025-02-10)', found: patron });
    expect(outcomeText(lookup, outcome)).toBe(
      'Patron P1 could not be verified (patron P1 is expired (registration expired 2025-02-10)). The circulation system shows: Ada Reader, expired, expired 2025-02-10.',
    );
  });
  it('says who the ILS shows for a verified patron', () => {
    const value = { patronId: 'P1', name: 'Ada Reader', status: 'active', expiryDate: '2028-03-12', blocks: [] };
    expect(outcomeText(lookup, { kind: 'done', value })).toBe('Patron P1 verified in the circulation system: Ada Reader, active, expires 2028-03-12.');
    expect(outcomeText(lookup, { kind: 'done', value: {} })).toBe('Patron P1 verified in the circulation system.');
  });
  it('classifies a network failure as retryable and a bug as needs-staff', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    expect((await runStep(system({ lookupPatron: async () => Promise.reject(refused) }), lookup)).kind).toBe('retryable');
    expect((await runStep(system({ lookupPatron: async () => Promise.reject(new Error('boom')) }), lookup)).kind).toBe('needs-staff');
  });
  it('dispatches each step to its port method', async () => {
    const calls: string[] = [];
    const record = (name: string) => async () => {
      calls.push(name);
      return { kind: 'done' as const, value: {} };
    };
    const sys = system({
      createTemporaryItem: record('createTemporaryItem') as unknown as CirculationSystem['createTemporaryItem'],
      placeHold: record('placeHold'),
      checkIn: record('checkIn'),
      deleteTemporaryItem: record('deleteTemporaryItem'),
    });
    const { plan } = planOf(aRequest('borrowing', 'in-transit'), { action: 'receive' });
    for (const s of plan) await runStep(sys, s);
    for (const s of planOf(aRequest('borrowing', 'received'), { action: 'mark-returned' }).plan) await runStep(sys, s);
    expect(calls).toEqual(['createTemporaryItem', 'placeHold', 'checkIn', 'deleteTemporaryItem']);
  });
});

describe('pickup notice (SPEC §4: pickup notice delay)', () => {
  it('leaves the notice to the ILS by default', () => {
    expect(planOf(aRequest('borrowing', 'in-transit'), { action: 'receive' }).notices).toEqual([]);
  });
  it('queues a "loan available for pickup" notice after the configured delay when Bookstrap sends it', () => {
    const settings = settingsWith({ borrowing: { pickupNoticeFrom: 'bookstrap', pickupNoticeDelayMinutes: 90 } });
    const { notices } = planOf(aRequest('borrowing', 'in-transit', { lenderDueDate: '2026-12-15' }), { action: 'receive' }, context('alma', settings));
    expect(notices).toEqual([
      {
        kind: 'loan-available-for-pickup',
        patronId: 'P-1001',
        delayMinutes: 90,
        subject: 'Your interlibrary loan "The Name of the Rose" is ready for pickup',
        text: expect.stringContaining('"The Name of the Rose" is available for pickup at MAIN; due 2026-12-08.'),
      },
    ]);
  });
  it('is for loans only (a copy is not picked up), and only on receive', () => {
    const settings = settingsWith({ borrowing: { pickupNoticeFrom: 'bookstrap' } });
    expect(planOf(aRequest('borrowing', 'in-transit', { serviceType: 'copy' }), { action: 'receive' }, context('alma', settings)).notices).toEqual([]);
    expect(planOf(aRequest('borrowing', 'received'), { action: 'mark-returned' }, context('alma', settings)).notices).toEqual([]);
  });
});
