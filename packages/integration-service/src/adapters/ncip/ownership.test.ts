import type { Connection } from '@bookstrap/core';
import { createNcipResponder } from '@bookstrap/ils-simulators/ncip/index';
import { type NcipProfile, type NcipService, profiles } from '@bookstrap/ncip';
import { validateNcip2 } from '@bookstrap/ncip/validate';
import { afterAll, describe, expect, it } from 'vitest';
import type { AdapterContext } from '../types.ts';
import { ncipCall } from './exchange.ts';
import { NcipAdapter, ncipOptionsOf } from './ncip.ts';
import { alma, almaRestProbe, almaSim, host } from './test-support.ts';

/**
 * The core's ownership rule over NCIP: with `owner` on a step, the adapter checks through the ILS
 * (LookupItem, LookupUser's loaned items) that the loan or item is still the request's before it
 * changes anything. Every loan is read back through the simulated Alma's REST API, not its DB.
 */
const url = `${host}/ncip-responder`;
const lendable = alma.lendableItems.filter((item) => item.library === 'MAIN').map((item) => item.barcode);
const borrower = alma.institutionalPatrons.TULSA.primaryId; // the borrowing library's account
const other = alma.patrons.good.primaryId; // a local patron
const sentV2: string[] = [];

interface Options {
  /** rewrite the responder's answers (a responder that shows less) */
  rewrite?: (xml: string) => string;
  /** what the responder is configured to offer (default: every service) */
  services?: readonly NcipService[];
}

function ncipIls(ils: 'sierra' | 'horizon', profile: NcipProfile, options: Options = {}) {
  const { sim, context: simContext, traffic } = almaSim();
  const responder = createNcipResponder({
    profile,
    runtime: { engine: sim.engine },
    config: {
      agencyIds: ['GENERIC'],
      temporaryItems: { library: 'MAIN', location: alma.illLocation, policy: alma.itemPolicies.interlibraryLoan },
      circulation: { library: 'MAIN', desk: 'DEFAULT_CIRC_DESK' },
      fees: { ownerLibrary: 'MAIN', defaultType: alma.feeTypes.illFee },
    },
  });
  const answer = async (init: RequestInit | undefined) => {
    const response = await responder.app.request('/', init);
    if (!options.rewrite) return response;
    return new Response(options.rewrite(await response.text()), { status: response.status, headers: response.headers });
  };
  const context: AdapterContext = {
    ...simContext,
    fetch: (input, init) => (input !== url ? simContext.fetch(input, init) : answer(init)),
    record: (exchange) => {
      traffic.push(exchange);
      if (profile.version === '2.02' && exchange.requestBody) sentV2.push(exchange.requestBody);
    },
  };
  const connection: Connection = { ils, protocol: 'ncip', ncipUrl: url, ncip: { toAgencyId: 'GENERIC', fromAgencyId: 'TULSA' }, credentials: {} };
  const system = new NcipAdapter(ncipOptionsOf(connection, profile, options.services), context);
  /** A patron's loans as NCIP LookupUser lists them (LoanedItemsDesired), read apart from the adapter. */
  const loans = async (patronId: string) => {
    const reply = await ncipCall({ url, profile }, context, {
      service: 'LookupUser',
      header: { fromAgencyId: 'PROBE', toAgencyId: 'GENERIC' },
      userId: patronId,
      loanedItemsDesired: true,
    });
    if (!reply.ok) throw new Error(reply.message);
    return (reply.response.loanedItems ?? []).map((loan) => loan.itemId);
  };
  const services = () => traffic.map((t) => /<(?:ns\d+:)?(\w+)>\s*<(?:ns\d+:)?InitiationHeader/.exec(t.requestBody ?? '')?.[1] ?? '?');
  return { system, traffic, services, loans, rest: almaRestProbe(sim) };
}

afterAll(async () => {
  expect(sentV2.length).toBeGreaterThan(10);
  const { results } = await validateNcip2(sentV2);
  expect(results.flatMap((r, i) => (r.valid ? [] : [`${i}: ${r.errors.join('; ')}\n${sentV2[i]}`]))).toEqual([]);
});

const lentOwner = (requestId: string) => ({ kind: 'lent-item' as const, requestId, borrowerPatronId: borrower });

describe.each([
  ['sierra', profiles.sierra],
  ['horizon', profiles.horizon],
] as const)('%s: the lent item', (ils, profile) => {
  it('on loan to another patron: check-in and due date need staff, and that loan is left as it was', async () => {
    const { system, rest, loans } = ncipIls(ils, profile);
    const barcode = lendable[3] as string;
    expect((await system.checkOut({ requestId: 'local', patronId: other, itemBarcode: barcode, dueDate: '2025-04-16' })).kind).toBe('done');

    const checkIn = await system.checkIn({ requestId: '9300001', itemBarcode: barcode, owner: lentOwner('9300001') });
    expect(checkIn).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('Bookstrap did not make that loan, so it was left alone') });
    expect(checkIn).toMatchObject({ reason: expect.stringContaining(`on loan to another patron, not to ${borrower}`) });

    const due = await system.updateDueDate({
      requestId: '9300001',
      patronId: borrower,
      itemBarcode: barcode,
      dueDate: '2025-05-14',
      owner: lentOwner('9300001'),
    });
    expect(due).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('Bookstrap did not make that loan, so it was left alone') });

    // the other patron's loan, read through Alma's REST API and through NCIP LookupUser
    expect(await rest.probe.loan(barcode)).toEqual({ patronId: other, dueDate: '2025-04-16' });
    expect(await loans(other)).toContain(barcode);
  });

  it('already on loan to the account for another request: check-out needs staff, not already done; that loan unchanged', async () => {
    const { system, rest } = ncipIls(ils, profile);
    const barcode = lendable[6] as string;
    expect((await system.checkOut({ requestId: '9300010', patronId: borrower, itemBarcode: barcode, dueDate: '2025-04-16' })).kind).toBe('done');
    const second = await system.checkOut({
      requestId: '9300011',
      patronId: borrower,
      itemBarcode: barcode,
      dueDate: '2025-05-20',
      heldForOtherRequests: [{ requestId: '9300010' }],
    });
    expect(second).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining("that loan is request 9300010's, not this request's") });
    expect(await rest.probe.loan(barcode)).toEqual({ patronId: borrower, dueDate: '2025-04-16' });
    // the same request's retry after a lost answer is still already done
    expect((await system.checkOut({ requestId: '9300010', patronId: borrower, itemBarcode: barcode, dueDate: '2025-04-16' })).kind).toBe('already-done');
  });

  it('the ILS sync reads the loan and whose it is, with LookupItem and LookupUser only', async () => {
    const { system, services, rest } = ncipIls(ils, profile);
    const barcode = lendable[7] as string;
    expect(await system.readItemCirculation({ itemBarcode: barcode, patronId: borrower })).toMatchObject({
      kind: 'done',
      value: { exists: true, status: 'on-shelf', holdForPatron: 'none' },
    });
    expect((await system.checkOut({ requestId: '9300020', patronId: borrower, itemBarcode: barcode, dueDate: '2025-04-16' })).kind).toBe('done');
    const before = services().length;
    const lent = await system.readItemCirculation({ itemBarcode: barcode, patronId: borrower });
    expect(lent).toMatchObject({ kind: 'done', value: { exists: true, status: 'on-loan', loan: { toPatron: true, dueDate: '2025-04-16' } } });
    // the same loan, asked for another patron: not theirs
    expect(await system.readItemCirculation({ itemBarcode: barcode, patronId: other })).toMatchObject({ value: { loan: { toPatron: false } } });
    expect(await system.readItemCirculation({ itemBarcode: 'NO-SUCH-ITEM', patronId: borrower })).toMatchObject({ kind: 'done', value: { exists: false } });
    // reads only, and the loan is as it was
    expect(new Set(services().slice(before))).toEqual(new Set(['LookupItem', 'LookupUser']));
    expect(await rest.probe.loan(barcode)).toEqual({ patronId: borrower, dueDate: '2025-04-16' });
  });

  it('not on loan at all: check-in is already done, without a CheckInItem', async () => {
    const { system, services, rest } = ncipIls(ils, profile);
    const barcode = lendable[4] as string;
    const outcome = await system.checkIn({ requestId: '9300002', itemBarcode: barcode, owner: lentOwner('9300002') });
    expect(outcome.kind).toBe('already-done');
    expect(services()).not.toContain('CheckInItem');
    expect(await rest.probe.loan(barcode)).toBeNull();
  });

  it('on loan to the borrowing library: the due date changes and the check-in is done', async () => {
    const { system, rest } = ncipIls(ils, profile);
    const barcode = lendable[5] as string;
    expect((await system.checkOut({ requestId: '9300003', patronId: borrower, itemBarcode: barcode, dueDate: '2025-04-16' })).kind).toBe('done');
    const due = await system.updateDueDate({
      requestId: '9300003',
      patronId: borrower,
      itemBarcode: barcode,
      dueDate: '2025-05-14',
      owner: lentOwner('9300003'),
    });
    expect(due).toMatchObject({ kind: 'done', value: { dueDate: '2025-05-14' } });
    expect(await rest.probe.loan(barcode)).toEqual({ patronId: borrower, dueDate: '2025-05-14' });
    expect((await system.checkIn({ requestId: '9300003', itemBarcode: barcode, owner: lentOwner('9300003') })).kind).toBe('done');
    expect(await rest.probe.loan(barcode)).toBeNull();
  });
});

describe('the temporary item', () => {
  const accept = (system: NcipAdapter, requestId: string) =>
    system.createTemporaryItem({
      requestId,
      barcode: requestId,
      title: 'Middlemarch',
      note: `ILL request ${requestId} from LENDA`,
      lendingLibrary: 'LENDA',
      location: 'ILL',
      inLibraryUseOnly: false,
    });
  const temporaryOwner = (requestId: string, patronId = other) => ({ kind: 'temporary-item' as const, requestId, patronId });

  it('another request’s item (LookupItem answers with its RequestId) is left alone', async () => {
    const { system, rest } = ncipIls('sierra', profiles.sierra);
    await accept(system, '9300010');
    await system.checkOut({ requestId: '9300010', patronId: other, itemBarcode: '9300010', dueDate: '2025-04-16' });
    const outcome = await system.checkIn({ requestId: '9300011', itemBarcode: '9300010', owner: temporaryOwner('9300011') });
    expect(outcome).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('Bookstrap did not create it, so it was left alone') });
    expect(await rest.probe.loan('9300010')).toEqual({ patronId: other, dueDate: '2025-04-16' });
  });

  it('another request’s item is not deleted; the request’s own is, and a second delete is already done', async () => {
    const { system, rest } = ncipIls('sierra', profiles.sierra);
    await accept(system, '9300014');
    const foreign = await system.deleteTemporaryItem({ requestId: '9300015', itemBarcode: '9300014' });
    expect(foreign).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('Bookstrap did not create it, so it was left alone') });
    expect(await rest.probe.countItems('9300014')).toBe(1);
    expect((await system.deleteTemporaryItem({ requestId: '9300014', itemBarcode: '9300014' })).kind).toBe('done');
    expect(await rest.probe.countItems('9300014')).toBe(0);
    expect((await system.deleteTemporaryItem({ requestId: '9300014', itemBarcode: '9300014' })).kind).toBe('already-done');
  });

  it('a responder without LookupItem cannot show who else holds the item: not deleted, needs staff', async () => {
    const { system, rest, services } = ncipIls('sierra', profiles.sierra, { services: ['LookupUser', 'AcceptItem', 'CheckOutItem', 'DeleteItem'] });
    await accept(system, '9300016');
    const outcome = await system.deleteTemporaryItem({ requestId: '9300016', itemBarcode: '9300016', patronId: other });
    expect(outcome).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('offers no LookupItem') });
    expect(await rest.probe.countItems('9300016')).toBe(1);
    expect(services()).not.toContain('DeleteItem');
  });

  it('its due date is changed only on the loan to the request’s patron', async () => {
    const { system, rest } = ncipIls('sierra', profiles.sierra);
    await accept(system, '9300012');
    await system.checkOut({ requestId: '9300012', patronId: other, itemBarcode: '9300012', dueDate: '2025-04-16' });
    const wrong = await system.updateDueDate({
      requestId: '9300012',
      patronId: borrower,
      itemBarcode: '9300012',
      dueDate: '2025-05-14',
      owner: temporaryOwner('9300012', borrower),
    });
    expect(wrong).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining(`on loan to another patron than ${borrower}`) });
    expect((await rest.probe.loan('9300012'))?.dueDate).toBe('2025-04-16');
    const right = await system.updateDueDate({
      requestId: '9300012',
      patronId: other,
      itemBarcode: '9300012',
      dueDate: '2025-05-14',
      owner: temporaryOwner('9300012'),
    });
    expect(right).toMatchObject({ kind: 'done', value: { dueDate: '2025-05-14' } });
    expect((await system.checkIn({ requestId: '9300012', itemBarcode: '9300012', owner: temporaryOwner('9300012') })).kind).toBe('done');
    expect(await rest.probe.loan('9300012')).toBeNull();
  });

  it('a responder that shows no RequestId: the loan to the request’s patron is what identifies it', async () => {
    const hideRequestId = (xml: string) => xml.replace(/<(ns\d+:)?RequestId>[\s\S]*?<\/(ns\d+:)?RequestId>/g, '');
    const { system, rest, services } = ncipIls('sierra', profiles.sierra, { rewrite: hideRequestId });
    await accept(system, '9300013');
    await system.checkOut({ requestId: '9300013', patronId: other, itemBarcode: '9300013', dueDate: '2025-04-16' });
    const foreign = await system.checkIn({ requestId: '9300013', itemBarcode: '9300013', owner: temporaryOwner('9300013', borrower) });
    expect(foreign).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('Bookstrap did not create it, so it was left alone') });
    expect(await rest.probe.loan('9300013')).toEqual({ patronId: other, dueDate: '2025-04-16' });
    expect(services()).toContain('LookupUser');
    expect((await system.checkIn({ requestId: '9300013', itemBarcode: '9300013', owner: temporaryOwner('9300013') })).kind).toBe('done');
    expect(await rest.probe.loan('9300013')).toBeNull();
  });
});

describe('without an owner', () => {
  it('no extra round trip: check-in is one CheckInItem', async () => {
    const { system, services } = ncipIls('sierra', profiles.sierra);
    const barcode = lendable[7] as string;
    await system.checkOut({ requestId: '9300020', patronId: borrower, itemBarcode: barcode });
    const before = services().length;
    expect((await system.checkIn({ requestId: '9300020', itemBarcode: barcode })).kind).toBe('done');
    expect(services().slice(before)).toEqual(['CheckInItem']);
  });
});
