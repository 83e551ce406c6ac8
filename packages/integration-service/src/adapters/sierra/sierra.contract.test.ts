import { describe, expect, it } from 'vitest';
import { type ContractSubject, circulationSystemContract } from '../contract.ts';
import type { AdapterContext } from '../types.ts';
import { SierraRestAdapter, sierraOptions } from './sierra.ts';
import { host, sierra, sierraRestConnection, sierraRestProbe, sierraSim, sierraContractSubject } from './test-support.ts';

/**
 * The shared adapter contract against the simulated Sierra, in-process, over Sierra REST v6;
 * the probe reads state through the Sierra API with its own token.
 */

const sierraSubject = async () => sierraContractSubject((context) => new SierraRestAdapter(sierraOptions(sierraRestConnection), context));

const unsupported = [
  // Sierra's API has no due date on a check-out and no endpoint to change one (renewals take
  // the renewal rules' date): the adapter says so, tested below.
  'check out with due date',
  'check out twice',
  'update due date',
  // Sierra takes no hold on a requested item for lending (Tipasa: Horizon and Symphony only).
  'lending hold',
] as const;

circulationSystemContract('Sierra REST (simulated)', sierraSubject, { unsupported: [...unsupported] });

// Every step as on its first run (issue 14: the protocol minimum, look-ups only after a refusal):
// the same contract, repeats included — a repeat's refusal must still end already-done. Not the
// repeated charge: Sierra refuses no second manual charge, so only a later run (which a repeat
// is, never a first) finds the first one — tested below with the worker's flag as it is.
circulationSystemContract(
  'Sierra REST (simulated), each call as a first run',
  async () => sierraContractSubject((context) => new SierraRestAdapter(sierraOptions(sierraRestConnection), { ...context, firstRun: true })),
  { unsupported: [...unsupported, 'charge fee twice'] },
);

describe('Sierra REST adapter: what Sierra cannot do, said plainly', () => {
  it('checks out by the loan rules when no date is asked for, and reports the date', async () => {
    const { system, fixture, probe } = await sierraSubject();
    const barcode = fixture.lendableBarcodes[10] as string;
    // ILLPARTNER accounts get 42 days: Wednesday 2025-04-23.
    expect(await system.checkOut({ requestId: '9100001', patronId: fixture.accountId, itemBarcode: barcode })).toMatchObject({
      kind: 'done',
      value: { dueDate: '2025-04-23' },
    });
    expect(await probe.loan(barcode)).toEqual({ patronId: fixture.accountId, dueDate: '2025-04-23' });
  });

  it('checks out once: a repeat for the same account is already done', async () => {
    const { system, fixture, probe, traffic } = await sierraSubject();
    const barcode = fixture.lendableBarcodes[3] as string;
    const input = { requestId: '9100009', patronId: fixture.accountId, itemBarcode: barcode };
    expect((await system.checkOut(input)).kind).toBe('done');
    expect(await system.checkOut(input)).toMatchObject({ kind: 'already-done', value: { dueDate: '2025-04-23' } });
    expect(await probe.loan(barcode)).toEqual({ patronId: fixture.accountId, dueDate: '2025-04-23' });
    expect(traffic.filter((t) => t.method === 'POST' && t.url.endsWith('/patrons/checkout'))).toHaveLength(1);
    // Another account's loan is not this one's.
    expect((await system.checkOut({ ...input, patronId: sierra.institutionalPatrons.TULSA.barcode })).kind).toBe('needs-staff');
  });

  it("flags a check-out whose loan-rule date is not the lender's date (needs staff, both dates named), and stays so on retry", async () => {
    const { system, fixture, probe, traffic } = await sierraSubject();
    const barcode = fixture.lendableBarcodes[11] as string;
    const outcome = await system.checkOut({ requestId: '9100002', patronId: fixture.accountId, itemBarcode: barcode, dueDate: '2025-04-11' });
    expect(outcome).toMatchObject({
      kind: 'needs-staff',
      reason: expect.stringContaining('due 2025-04-23'),
      suggestion: expect.stringContaining('2025-04-11'),
    });
    expect(await probe.loan(barcode)).toEqual({ patronId: fixture.accountId, dueDate: '2025-04-23' });
    const again = await system.checkOut({ requestId: '9100002', patronId: fixture.accountId, itemBarcode: barcode, dueDate: '2025-04-11' });
    expect(again.kind).toBe('needs-staff');
    expect(await probe.loan(barcode)).toEqual({ patronId: fixture.accountId, dueDate: '2025-04-23' });
    // Only one check-out was made, and nothing tried to write a due date.
    expect(traffic.filter((t) => t.method === 'POST' && t.url.endsWith('/patrons/checkout'))).toHaveLength(1);
    expect(traffic.some((t) => t.method === 'PUT' && t.url.includes('/checkouts/'))).toBe(false);
  });

  it('changes a due date by renewing: done when the renewal gives the date, needs staff when it does not', async () => {
    const subject = await sierraSubject();
    const { system, fixture, probe, context } = subject;
    const barcode = fixture.lendableBarcodes[12] as string;
    // The good patron (UNDERGRAD): 28-day loans, 2 renewals of 28 days.
    await system.checkOut({ requestId: '9100003', patronId: fixture.patronId, itemBarcode: barcode });
    expect((await probe.loan(barcode))?.dueDate).toBe('2025-04-09');
    (context.clock as unknown as { advance(ms: number): void }).advance(7 * 86_400_000);
    // Renewed on 2025-03-19: due 2025-04-16, which is what was asked.
    expect(await system.updateDueDate({ requestId: '9100003', patronId: fixture.patronId, itemBarcode: barcode, dueDate: '2025-04-16' })).toMatchObject({
      kind: 'done',
      value: { dueDate: '2025-04-16' },
    });
    expect(await system.updateDueDate({ requestId: '9100003', itemBarcode: barcode, dueDate: '2025-04-16' })).toMatchObject({ kind: 'already-done' });
    (context.clock as unknown as { advance(ms: number): void }).advance(86_400_000);
    const other = await system.updateDueDate({ requestId: '9100003', patronId: fixture.patronId, itemBarcode: barcode, dueDate: '2025-05-30' });
    expect(other).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('due 2025-04-17') });
    expect((await probe.loan(barcode))?.dueDate).toBe('2025-04-17');
  });

  it('reports a refused renewal (XCirc TOO MANY RENEWALS) as needing staff', async () => {
    const { system, fixture, context } = await sierraSubject();
    const barcode = fixture.lendableBarcodes[13] as string;
    await system.checkOut({ requestId: '9100004', patronId: fixture.accountId, itemBarcode: barcode });
    (context.clock as unknown as { advance(ms: number): void }).advance(86_400_000);
    const outcome = await system.updateDueDate({ requestId: '9100004', patronId: fixture.accountId, itemBarcode: barcode, dueDate: '2025-05-30' });
    expect(outcome).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('TOO MANY RENEWALS') });
  });

  it("the sync reads a renewal done at the desk: the checkout's later dueDate and its numberOfRenewals", async () => {
    const { system, fixture, context, rest } = await sierraSubject();
    const barcode = fixture.lendableBarcodes[14] as string;
    // a patron's loan of a regular item (BOOK: 28 days, 2 renewals)
    await system.checkOut({ requestId: '9100014', patronId: fixture.patronId, itemBarcode: barcode });
    const before = await system.readItemCirculation!({ itemBarcode: barcode, patronId: fixture.patronId });
    expect(before).toMatchObject({ kind: 'done', value: { status: 'on-loan', loan: { toPatron: true, renewals: 0 } } });
    const due = before.kind === 'done' ? before.value?.loan?.dueDate : undefined;
    (context.clock as unknown as { advance(ms: number): void }).advance(3 * 86_400_000);
    const item = (await rest.get(`/items?barcode=${barcode}&fields=id`)).body.entries[0];
    const checkout = (await rest.get(`/items/${item.id}/checkouts`)).body.entries[0];
    expect((await rest.call('POST', `/patrons/checkouts/${String(checkout.id).split('/').pop()}/renewal`)).status).toBe(200);
    const after = await system.readItemCirculation!({ itemBarcode: barcode, patronId: fixture.patronId });
    expect(after).toMatchObject({ kind: 'done', value: { status: 'on-loan', loan: { toPatron: true, renewals: 1 } } });
    const renewed = after.kind === 'done' ? after.value?.loan?.dueDate : undefined;
    expect(renewed && due && renewed > due).toBe(true);
    expect(renewed).toBe((await rest.probe.loan(barcode))?.dueDate);
  });

  it('finds the hold it placed (204, no id) in the patron hold list', async () => {
    const { system, fixture, rest } = await sierraSubject();
    await system.createTemporaryItem({
      requestId: '9100005',
      barcode: 'CT-9100005',
      title: 'A borrowed book',
      note: 'ILL request 9100005 from LENDA',
      lendingLibrary: 'LENDA',
      location: fixture.illLocation,
      inLibraryUseOnly: false,
    });
    const outcome = await system.placeHold({
      requestId: '9100005',
      patronId: fixture.patronId,
      itemBarcode: 'CT-9100005',
      pickupLocation: 'main',
      inLibraryUseOnly: false,
    });
    expect(outcome.kind).toBe('done');
    const holdId = outcome.kind === 'done' ? outcome.value.holdId : undefined;
    expect(holdId).toMatch(/^\d+$/);
    expect((await rest.get(`/patrons/holds/${holdId}`)).body.note).toBe('ILL request 9100005');
  });

  it('refuses a hold for a blocked patron with XCirc words, needing staff', async () => {
    const { system, fixture } = await sierraSubject();
    await system.createTemporaryItem({
      requestId: '9100006',
      barcode: 'CT-9100006',
      title: 'Another book',
      note: 'ILL request 9100006 from LENDA',
      lendingLibrary: 'LENDA',
      location: fixture.illLocation,
      inLibraryUseOnly: false,
    });
    const outcome = await system.placeHold({
      requestId: '9100006',
      patronId: fixture.blockedPatronId,
      itemBarcode: 'CT-9100006',
      pickupLocation: 'main',
      inLibraryUseOnly: false,
    });
    expect(outcome).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('XCirc error') });
  });

  it('deletes a temporary item whose hold was never picked up (the hold goes first), and its brief bib', async () => {
    const { system, fixture, probe, rest } = await sierraSubject();
    const created = await system.createTemporaryItem({
      requestId: '9100007',
      barcode: 'CT-9100007',
      title: 'Never collected',
      note: 'ILL request 9100007 from LENDA',
      lendingLibrary: 'LENDA',
      location: fixture.illLocation,
      inLibraryUseOnly: false,
    });
    await system.placeHold({ requestId: '9100007', patronId: fixture.patronId, itemBarcode: 'CT-9100007', pickupLocation: 'main', inLibraryUseOnly: false });
    const item = (await rest.get('/items?barcode=CT-9100007&fields=bibIds')).body.entries[0];
    // A step planned before the delete named the patron: no hold can be shown to be ours, nothing goes.
    expect(await system.deleteTemporaryItem({ requestId: '9100007', itemBarcode: 'CT-9100007' })).toMatchObject({
      kind: 'needs-staff',
      reason: expect.stringContaining("does not name the request's patron"),
    });
    expect(await probe.holds('CT-9100007')).toHaveLength(1);
    expect((await system.deleteTemporaryItem({ requestId: '9100007', itemBarcode: 'CT-9100007', patronId: fixture.patronId })).kind).toBe('done');
    expect(await probe.countItems('CT-9100007')).toBe(0);
    expect((await rest.get(`/bibs/${item.bibIds[0]}`)).status).toBe(404);
    expect(created.kind).toBe('done');
  });

  it('gets a new token when the old one has expired (tokens live an hour)', async () => {
    const { system, fixture, context, traffic } = await sierraSubject();
    expect((await system.lookupPatron({ patronId: fixture.patronId })).kind).toBe('done');
    (context.clock as unknown as { advance(ms: number): void }).advance(2 * 3600_000);
    expect((await system.lookupPatron({ patronId: fixture.patronId })).kind).toBe('done');
    expect(traffic.filter((t) => t.url.endsWith('/token'))).toHaveLength(2);
    // The secret never reaches the protocol log.
    expect(traffic.every((t) => !JSON.stringify(t).includes(sierra.clientSecret))).toBe(true);
  });

  it('answers a refused client secret with a configuration error', async () => {
    const { context } = sierraSim();
    const system = new SierraRestAdapter(
      { baseUrl: `${host}/iii/sierra-api/v6`, clientKey: sierra.clientKey, clientSecret: 'wrong' },
      context as AdapterContext,
    );
    expect(await system.lookupPatron({ patronId: sierra.patrons.good.barcode })).toMatchObject({
      kind: 'configuration-error',
      reason: expect.stringContaining('123'),
    });
  });

  it('refuses a lending hold as a configuration error, never a fake success', async () => {
    const { system, fixture } = await sierraSubject();
    expect(system.capabilities).toMatchObject({ lendingHold: false, dueDateUpdate: 'renewal', temporaryLocation: true, fees: true, feesOnShipped: false });
    expect((await system.placeLendingHold({ requestId: '9100008', title: 'x', patronId: fixture.accountId })).kind).toBe('configuration-error');
  });
});
