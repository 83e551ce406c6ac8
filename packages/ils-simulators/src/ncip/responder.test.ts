import {
  type AcceptItemRequest,
  buildRequest,
  type InitiationHeader,
  type NcipProfile,
  type NcipRequest,
  type NcipSuccessResponse,
  parseResponse,
  profiles,
} from '@bookstrap/ncip';
import { validateNcip2 } from '@bookstrap/ncip/validate';
import { describe, expect, it, onTestFinished } from 'vitest';
import { listFees } from '../engine/fees.ts';
import { listHolds } from '../engine/holds.ts';
import { activeLoanForItem, findItemByBarcode, findPatron } from '../engine/lookup.ts';
import { createDemoEngine, days } from '../testing.ts';
import { createNcipResponder, type NcipResponderConfig } from './responder.ts';

/** A neutral ILS: no partner codes, every service, NCIP 2 (and 1 when asked). */
const config: NcipResponderConfig = {
  agencyIds: ['SIMLIB', 'US-SIM'],
  temporaryItems: { library: 'MAIN', location: 'ILL', policy: 'ILL' },
  circulation: { library: 'MAIN', desk: 'RS_DESK' },
  pickupLocations: { SCIENCE: 'SCI' },
  fees: { ownerLibrary: 'MAIN', defaultType: 'OTHER', types: { 'ILL-fee': 'DOCUMENTDELIVERYSERVICE' } },
};
const header: InitiationHeader = { fromAgencyId: 'BOOKSTRAP', toAgencyId: 'SIMLIB' };

function setup(overrides: Partial<NcipResponderConfig> = {}, profile: NcipProfile = profiles.alma) {
  const demo = createDemoEngine();
  const responder = createNcipResponder({ profile, runtime: demo, config: { ...config, ...overrides } });
  const answers: string[] = [];
  const send = (request: NcipRequest, as: NcipProfile = profile) => {
    const xml = responder.respond(buildRequest(request, as));
    answers.push(xml);
    return { xml, ...parseResponse(xml, request.service) };
  };
  const ok = <T extends NcipSuccessResponse['service']>(request: NcipRequest & { service: T }) => {
    const answer = send(request);
    if (!answer.ok) throw new Error(`${request.service}: ${answer.error.message}\n${answer.xml}`);
    return answer.response as Extract<NcipSuccessResponse, { service: T }>;
  };
  const problem = (request: NcipRequest) => {
    const answer = send(request);
    if (answer.ok) throw new Error(`${request.service} succeeded: ${answer.xml}`);
    return answer.error.problems?.[0];
  };
  // Every NCIP 2 answer a test provoked must be schema-valid, results and Problems alike.
  onTestFinished(async () => {
    const { results } = await validateNcip2(answers.filter((a) => a.includes('http://www.niso.org/2008/ncip')));
    expect(results.flatMap((r, i) => (r.valid ? [] : [`${i}: ${r.errors.join('; ')}\n${answers[i]}`]))).toEqual([]);
  });
  return { ...demo, responder, send, ok, problem };
}

const accept = (overrides: Partial<AcceptItemRequest> = {}): AcceptItemRequest => ({
  service: 'AcceptItem',
  header,
  requestId: '7001234',
  requestedActionType: 'Hold For Pickup And Notify',
  dateForReturn: '2025-04-30T23:59:59Z',
  bibliographicDescription: { title: 'Der Zauberberg', author: 'Mann, Thomas', publisher: 'LENDA' },
  pickupLocation: 'MAIN',
  ...overrides,
});

describe('NCIP responder: header rules are configuration', () => {
  it('answers a message to another agency with Unknown Agency, and accepts any configured alias', async () => {
    const t = setup();
    const good = t.dataset.patrons.good.barcode;
    expect(t.problem({ service: 'LookupUser', header: { ...header, toAgencyId: 'ELSEWHERE' }, userId: good })).toMatchObject({
      problemType: 'Unknown Agency',
      element: 'ToAgencyId',
      value: 'ELSEWHERE',
      kind: 'configuration-error',
    });
    expect(t.ok({ service: 'LookupUser', header: { ...header, toAgencyId: 'us-sim' }, userId: good }).userId).toBe(good);
  });

  it('refuses an unknown application profile with the configured Problem; the partner code may ride in FromAgencyAuthentication for LookupUser', async () => {
    const t = setup({ applicationProfiles: { codes: ['RSPARTNER'], problemType: 'Unknown partner' } });
    const good = t.dataset.patrons.good.barcode;
    expect(t.problem({ service: 'LookupUser', header: { ...header, applicationProfileType: 'OTHER' }, userId: good })).toMatchObject({
      problemType: 'Unknown partner',
      element: 'ApplicationProfileType',
      value: 'OTHER',
      kind: 'configuration-error',
    });
    expect(t.problem({ service: 'LookupUser', header, userId: good })?.problemType).toBe('Unknown partner');
    expect(t.ok({ service: 'LookupUser', header: { ...header, applicationProfileType: 'RSPARTNER' }, userId: good }).userId).toBe(good);
    expect(t.ok({ service: 'LookupUser', header: { ...header, fromAgencyAuthentication: 'RSPARTNER' }, userId: good }).userId).toBe(good);
  });

  it('answers services the ILS does not offer with Unsupported Service', async () => {
    const t = setup({ services: ['LookupUser'] });
    expect(t.problem({ service: 'DeleteItem', header, itemId: 'X' })).toMatchObject({ problemType: 'Unsupported Service', kind: 'configuration-error' });
  });
});

describe('NCIP responder: LookupUser', () => {
  it('describes a patron in good standing: name, e-mail, STATUS OK until the expiry date, profile, ids', async () => {
    const t = setup();
    const p = t.dataset.patrons.good;
    const user = t.ok({
      service: 'LookupUser',
      header,
      userId: p.barcode,
      userIdentifierType: 'Barcode Id',
      userElementTypes: ['Name Information', 'User Address Information', 'User Privilege', 'User Id'],
    });
    expect(user.userId).toBe(p.barcode);
    expect(user.user.name).toEqual({ givenName: p.firstName, surname: p.lastName });
    expect(user.user.addresses).toEqual([{ role: 'Home', electronic: { type: 'mailto', data: p.email } }]);
    expect(user.user.privileges?.[0]).toMatchObject({ type: 'STATUS', status: 'OK', agencyId: 'SIMLIB' });
    expect(user.user.privileges?.[1]).toMatchObject({ type: 'PROFILE', status: p.userGroup });
    expect(user.user.userIds).toContainEqual({ value: p.primaryId, type: 'Institution Id Number' });
  });

  it('shows blocks (STATUS BLOCKED and the block itself) and expiry, and only the elements asked for', async () => {
    const t = setup();
    const blocked = t.ok({ service: 'LookupUser', header, userId: t.dataset.patrons.blocked.primaryId });
    expect(blocked.user.privileges?.[0]?.status).toBe('BLOCKED');
    expect(blocked.user.blocks).toEqual([{ agencyId: 'SIMLIB', type: 'Owes the library money' }]);
    const expired = t.ok({ service: 'LookupUser', header, userId: t.dataset.patrons.expired.barcode, userElementTypes: ['User Privilege'] });
    expect(expired.user.privileges?.[0]).toMatchObject({ status: 'EXPIRED', validTo: expect.stringMatching(/^2025-02-/) });
    expect(expired.user.name).toBeUndefined();
  });

  it('finds the user by AuthenticationInput, checks a PIN, and says Unknown User for strangers', async () => {
    const t = setup();
    const p = t.dataset.patrons.good;
    const byAuth = t.ok({
      service: 'LookupUser',
      header,
      authentication: [
        { data: p.barcode, inputType: 'Barcode Id' },
        { data: p.barcode.slice(-4), inputType: 'PIN' },
      ],
    });
    expect(byAuth.userId).toBe(p.barcode);
    expect(t.problem({ service: 'LookupUser', header, userId: p.barcode, authentication: [{ data: '0000', inputType: 'PIN' }] })).toMatchObject({
      problemType: 'User Authentication Failed',
    });
    expect(t.problem({ service: 'LookupUser', header, userId: 'nobody-here' })).toMatchObject({
      problemType: 'Unknown User',
      value: 'nobody-here',
      kind: 'needs-staff',
    });
  });

  it('with barcode-only lookups, a primary id is a stranger', () => {
    const t = setup({ userIdentifier: 'barcode' });
    expect(t.problem({ service: 'LookupUser', header, userId: t.dataset.patrons.good.primaryId })?.problemType).toBe('Unknown User');
  });
});

describe('NCIP responder: AcceptItem', () => {
  it('creates a suppressed bib, a temporary item in the ILL location with the request and lender as notes, and an item-level hold at the pickup library', async () => {
    const t = setup();
    const p = t.dataset.patrons.good;
    const answer = t.ok(accept({ userId: p.barcode, pickupLocation: 'SCIENCE' }));
    expect(answer).toMatchObject({ requestId: '7001234', itemId: '7001234' });
    const item = findItemByBarcode(t.engine.db, '7001234');
    expect(item).toMatchObject({
      temporary: true,
      illRequestId: '7001234',
      lendingLibrary: 'LENDA',
      policy: 'ILL',
      fulfillmentNote: 'ILL request 7001234 from LENDA',
      internalNote1: 'ILL request 7001234',
      internalNote3: 'Return to lender by 2025-04-30T23:59:59Z',
      dueBackAt: new Date('2025-04-30T23:59:59Z'),
    });
    const holds = listHolds(t.engine, { itemId: item?.id ?? 0 });
    expect(holds).toHaveLength(1);
    expect(holds[0]).toMatchObject({ patronId: p.id, comment: 'ILL request 7001234', status: 'pending' });
  });

  it('takes the note staff see from Ext/ItemNote when the client sends one', () => {
    const t = setup();
    t.ok(accept({ userId: t.dataset.patrons.good.barcode, itemNote: 'ILL request 7001234 from Partner University (library use only)' }));
    expect(findItemByBarcode(t.engine.db, '7001234')?.fulfillmentNote).toBe('ILL request 7001234 from Partner University (library use only)');
  });

  it('uses the ItemId as barcode when one is given; a taken barcode is a Duplicate Item with a suggestion, and nothing is left behind', async () => {
    const t = setup();
    const p = t.dataset.patrons.good;
    expect(t.ok(accept({ userId: p.barcode, itemId: 'LENDA-555' })).itemId).toBe('LENDA-555');
    const taken = t.dataset.lendableItems[0]?.barcode ?? '';
    const clash = t.problem(accept({ requestId: '7009999', userId: p.barcode, itemId: taken }));
    expect(clash).toMatchObject({ problemType: 'Duplicate Item', value: taken, kind: 'needs-staff' });
    expect(clash?.detail).toContain(`${taken}-1`);
    expect(t.engine.sqlite.prepare("select count(*) as n from bibs where title = 'Der Zauberberg'").get()).toEqual({ n: 1 });
  });

  it('a second AcceptItem for the same request is a Duplicate Request (already done for a client), never a second item or hold', () => {
    const t = setup();
    const p = t.dataset.patrons.good;
    t.ok(accept({ userId: p.barcode }));
    expect(t.problem(accept({ userId: p.barcode }))).toMatchObject({ problemType: 'Duplicate Request', kind: 'already-done' });
    expect(listHolds(t.engine, { patronId: p.id })).toHaveLength(1);
  });

  it('refuses blocked and unknown users and unknown pickup locations without creating anything', async () => {
    const t = setup();
    expect(t.problem(accept({ userId: t.dataset.patrons.blocked.barcode }))).toMatchObject({ problemType: 'User Blocked' });
    expect(t.problem(accept({ userId: 'nobody' }))?.problemType).toBe('Unknown User');
    expect(t.problem(accept({ userId: t.dataset.patrons.good.barcode, pickupLocation: 'MOON' }))).toMatchObject({ problemType: 'Unknown Location' });
    expect(findItemByBarcode(t.engine.db, '7001234')).toBeUndefined();
  });

  it('without a UserId creates the item only; a RequestItem then holds it, and a second one is a Duplicate Request', () => {
    const t = setup();
    const p = t.dataset.patrons.good;
    t.ok(accept({ userId: undefined }));
    const item = findItemByBarcode(t.engine.db, '7001234');
    expect(listHolds(t.engine, { itemId: item?.id ?? 0 })).toEqual([]);
    const hold = {
      service: 'RequestItem',
      header,
      userId: p.barcode,
      itemId: '7001234',
      requestId: '7001234',
      requestType: 'Hold',
      requestScopeType: 'Item',
      pickupLocation: 'MAIN',
    } as const;
    t.ok(hold);
    expect(t.problem(hold)).toMatchObject({ problemType: 'Duplicate Request', kind: 'already-done' });
    expect(listHolds(t.engine, { itemId: item?.id ?? 0 })).toEqual([expect.objectContaining({ patronId: p.id, comment: 'ILL request 7001234' })]);
  });
});

describe('NCIP responder: loans', () => {
  it('CheckOutItem with DesiredDateDue answers DateDue; the policy applies without one; a second check-out says who has it', async () => {
    const t = setup();
    const account = t.dataset.institutionalPatrons.PARTNR?.barcode ?? '';
    const [a, b] = t.dataset.lendableItems;
    const forced = t.ok({ service: 'CheckOutItem', header, userId: account, itemId: a?.barcode ?? '', desiredDateDue: '2025-04-16T23:59:00Z' });
    expect(forced.dateDue).toBe('2025-04-16T23:59:00Z');
    const byPolicy = t.ok({ service: 'CheckOutItem', header, userId: account, itemId: b?.barcode ?? '' });
    expect(Date.parse(byPolicy.dateDue ?? '')).toBeGreaterThan(t.clock.now().getTime() + days(7));
    expect(t.problem({ service: 'CheckOutItem', header, userId: account, itemId: a?.barcode ?? '' })).toMatchObject({
      problemType: 'Item Already Checked Out To This User',
    });
    expect(t.problem({ service: 'CheckOutItem', header, userId: t.dataset.patrons.good.barcode, itemId: a?.barcode ?? '' })?.problemType).toBe(
      'Item Already Checked Out',
    );
    expect(t.problem({ service: 'CheckOutItem', header, userId: account, itemId: t.dataset.referenceItem.barcode })?.problemType).toBe(
      'Item Does Not Circulate',
    );
    expect(t.problem({ service: 'CheckOutItem', header, userId: account, itemId: 'no-such-item' })).toMatchObject({ problemType: 'Unknown Item' });
  });

  it("caps the patron's loan of a temporary item at the lender's DateForReturn, by policy and by DesiredDateDue", () => {
    const t = setup();
    const p = t.dataset.patrons.good;
    t.ok(accept({ userId: p.barcode, dateForReturn: '2025-03-20T23:59:59Z' }));
    const loan = t.ok({ service: 'CheckOutItem', header, userId: p.barcode, itemId: '7001234', desiredDateDue: '2025-06-01T00:00:00Z' });
    expect(loan.dateDue).toBe('2025-03-20T23:59:59Z');
    t.ok({ service: 'CheckInItem', header, itemId: '7001234' });
    const again = t.ok({ service: 'CheckOutItem', header, userId: p.barcode, itemId: '7001234' });
    expect(again.dateDue).toBe('2025-03-20T23:59:59Z');
  });

  it("RenewItem with DesiredDateDue on a borrowed item moves the lender's date with the loan (the lender renewed)", () => {
    const t = setup();
    const p = t.dataset.patrons.good;
    t.ok(accept({ userId: p.barcode, dateForReturn: '2025-03-25T23:59:00Z' }));
    expect(t.ok({ service: 'CheckOutItem', header, userId: p.barcode, itemId: '7001234' }).dateDue).toBe('2025-03-25T23:59:00Z');
    expect(t.ok({ service: 'RenewItem', header, userId: p.barcode, itemId: '7001234', desiredDateDue: '2025-04-15T23:59:00Z' }).dateDue).toBe(
      '2025-04-15T23:59:00Z',
    );
    expect(findItemByBarcode(t.engine.db, '7001234')?.dueBackAt?.toISOString()).toBe('2025-04-15T23:59:00.000Z');
  });

  it('RenewItem with DesiredDateDue sets the date the lender granted; without it the loan policy decides', async () => {
    const t = setup();
    const account = t.dataset.institutionalPatrons.PARTNR?.barcode ?? '';
    const item = t.dataset.lendableItems[2]?.barcode ?? '';
    t.ok({ service: 'CheckOutItem', header, userId: account, itemId: item, desiredDateDue: '2025-04-16T23:59:00Z' });
    const renewed = t.ok({ service: 'RenewItem', header, userId: account, itemId: item, desiredDateDue: '2025-04-30T23:59:00Z' });
    expect(renewed).toMatchObject({ dateDue: '2025-04-30T23:59:00Z', renewalCount: 1 });
    expect(activeLoanForItem(t.engine.db, findItemByBarcode(t.engine.db, item)?.id ?? 0)?.dueDate.toISOString()).toBe('2025-04-30T23:59:00.000Z');
    expect(t.problem({ service: 'RenewItem', header, userId: t.dataset.patrons.good.barcode, itemId: item })?.problemType).toBe(
      'Item Not Checked Out To This User',
    );
    expect(t.problem({ service: 'RenewItem', header, userId: account, itemId: t.dataset.lendableItems[3]?.barcode ?? '' })?.problemType).toBe(
      'Item Not Checked Out',
    );
    expect(t.problem({ service: 'RenewItem', header, userId: account, itemId: item, desiredDateDue: '2020-01-01T00:00:00Z' })?.problemType).toBe(
      'Invalid Date',
    );
  });

  it('CheckInItem closes the loan and routes the item; an item not on loan is "Item Not Checked Out" (already done), an unknown one "Unknown Item"', async () => {
    const t = setup();
    const account = t.dataset.institutionalPatrons.PARTNR;
    const item = t.dataset.lendableItems[4]?.barcode ?? '';
    t.ok({ service: 'CheckOutItem', header, userId: account?.barcode ?? '', itemId: item });
    const checkedIn = t.ok({ service: 'CheckInItem', header, itemId: item, itemElementTypes: ['Bibliographic Description'] });
    expect(checkedIn).toMatchObject({ itemId: item, userId: account?.primaryId, routing: { instructions: 'Reshelve at Main Library' } });
    expect(checkedIn.item?.bibliographicDescription?.title).toBe(t.dataset.lendableItems[4]?.title);
    expect(t.problem({ service: 'CheckInItem', header, itemId: item })).toMatchObject({ problemType: 'Item Not Checked Out', kind: 'already-done' });
    expect(t.problem({ service: 'CheckInItem', header, itemId: 'gone' })).toMatchObject({ problemType: 'Unknown Item', kind: 'already-done' });
  });
});

describe('NCIP responder: requests, items and fees', () => {
  it('RequestItem holds an item or a title for a user; CancelRequestItem finds it by our id or the ILL request id', async () => {
    const t = setup();
    const account = t.dataset.institutionalPatrons.PARTNR;
    const wanted = t.dataset.lendableItems[5];
    const held = t.ok({
      service: 'RequestItem',
      header,
      userId: account?.barcode ?? '',
      itemId: wanted?.barcode ?? '',
      requestId: 'ILL-1',
      requestType: 'Hold',
      requestScopeType: 'Item',
    });
    expect(held).toMatchObject({ itemId: wanted?.barcode, requestType: 'Hold', requestScopeType: 'Item' });
    expect(
      t.problem({
        service: 'RequestItem',
        header,
        userId: account?.barcode ?? '',
        itemId: wanted?.barcode ?? '',
        requestType: 'Hold',
        requestScopeType: 'Item',
      }),
    ).toMatchObject({
      problemType: 'Duplicate Request',
      kind: 'already-done',
    });
    const title = t.ok({
      service: 'RequestItem',
      header,
      userId: account?.barcode ?? '',
      bibliographicId: { identifier: String(t.dataset.lendableItems[6]?.bibId) },
      requestId: 'ILL-2',
      requestType: 'Hold',
      requestScopeType: 'Title',
    });
    expect(title.itemId).toBe(t.dataset.lendableItems[6]?.barcode);

    const byOwnId = t.ok({ service: 'CancelRequestItem', header, userId: account?.barcode ?? '', requestId: held.requestId ?? '' });
    expect(byOwnId.requestId).toBe(held.requestId);
    t.ok({ service: 'CancelRequestItem', header, userId: account?.barcode ?? '', requestId: 'ILL-2' });
    expect(listHolds(t.engine, { patronId: account?.id ?? 0 })).toEqual([]);
    expect(t.problem({ service: 'CancelRequestItem', header, userId: account?.barcode ?? '', requestId: 'ILL-2' })).toMatchObject({
      problemType: 'Unknown Request',
      kind: 'already-done',
    });
  });

  it('LookupItem describes an item by barcode or by the ILL request it was accepted for', async () => {
    const t = setup();
    t.ok(accept({ userId: t.dataset.patrons.good.barcode }));
    const byRequest = t.ok({ service: 'LookupItem', header, requestId: '7001234' });
    expect(byRequest.item).toMatchObject({
      circulationStatus: 'Available On Shelf',
      holdQueueLength: 1,
      bibliographicDescription: { title: 'Der Zauberberg' },
    });
    const shelf = t.ok({ service: 'LookupItem', header, itemId: t.dataset.checkedOutItem.barcode });
    expect(shelf.item.circulationStatus).toBe('On Loan');
    expect(shelf.item.dateDue).toMatch(/^2025-/);
  });

  it('DeleteItem removes a temporary item with its bib; real items and items on loan are refused; unknown is Unknown Item (already done)', async () => {
    const t = setup();
    const p = t.dataset.patrons.good;
    t.ok(accept({ userId: p.barcode }));
    t.ok({ service: 'CheckOutItem', header, userId: p.barcode, itemId: '7001234' });
    expect(t.problem({ service: 'DeleteItem', header, itemId: '7001234' })?.problemType).toBe('Item Cannot Be Deleted');
    t.ok({ service: 'CheckInItem', header, itemId: '7001234' });
    expect(t.ok({ service: 'DeleteItem', header, itemId: '7001234' }).itemId).toBe('7001234');
    expect(findItemByBarcode(t.engine.db, '7001234')).toBeUndefined();
    expect(t.engine.sqlite.prepare("select count(*) as n from bibs where title = 'Der Zauberberg'").get()).toEqual({ n: 0 });
    expect(t.problem({ service: 'DeleteItem', header, itemId: '7001234' })).toMatchObject({ problemType: 'Unknown Item', kind: 'already-done' });
    const real = t.dataset.lendableItems[7]?.barcode ?? '';
    expect(t.problem({ service: 'DeleteItem', header, itemId: real })).toMatchObject({ problemType: 'Item Cannot Be Deleted', kind: 'needs-staff' });
    expect(findItemByBarcode(t.engine.db, real)).toBeDefined();
  });

  it('CreateUserFiscalTransaction charges the fee (minor units, type by FiscalTransactionType) and returns its reference', async () => {
    const t = setup();
    const p = t.dataset.patrons.good;
    const charged = t.ok({
      service: 'CreateUserFiscalTransaction',
      header,
      userId: p.barcode,
      fiscalTransaction: { actionType: 'Assess', transactionType: 'ILL-fee', amount: { monetaryValue: 750 }, description: 'ILL fee for request 7001234' },
    });
    const fees = listFees(t.engine, { patronId: findPatron(t.engine.db, p.barcode)?.id ?? 0 });
    expect(fees).toHaveLength(1);
    expect(fees[0]).toMatchObject({ type: 'DOCUMENTDELIVERYSERVICE', originalAmountCents: 750, comment: 'ILL fee for request 7001234' });
    expect(charged.fiscalTransactionReferenceId).toBe(String(fees[0]?.id));
    expect(
      t.problem({
        service: 'CreateUserFiscalTransaction',
        header,
        userId: p.barcode,
        fiscalTransaction: { actionType: 'Assess', transactionType: 'x', amount: { monetaryValue: 0 } },
      })?.problemType,
    ).toBe('Invalid Amount');
  });
});

describe('NCIP responder: versions and the wire', () => {
  it('answers NCIP 1 requests in NCIP 1 when configured for both, and refuses a version it does not speak', () => {
    const t = setup({ versions: ['2.02', '1.0'] });
    const v1 = { ...profiles.horizon, agencyIdScheme: profiles.horizon.agencyIdScheme };
    const answer = t.send({ service: 'LookupUser', header, userId: t.dataset.patrons.good.barcode }, v1);
    expect(answer.ok).toBe(true);
    expect(answer.xml).toContain('ncip_v1_0.dtd');
    expect(answer.xml).toContain('UniqueUserId');
    const only2 = setup();
    const refused = only2.send({ service: 'LookupUser', header, userId: only2.dataset.patrons.good.barcode }, v1);
    expect(refused).toMatchObject({ ok: false, error: { problems: [{ problemType: 'Unknown Version' }] } });
    expect(refused.xml).toContain('http://www.niso.org/2008/ncip');
  });

  it('an NCIP 1 responder (Horizon-style profile) answers in NCIP 1', () => {
    const t = setup({}, profiles.horizon);
    const answer = t.send({ service: 'LookupUser', header, userId: t.dataset.patrons.blocked.barcode }, profiles.horizon);
    expect(answer).toMatchObject({ ok: true, version: '1.0' });
  });

  it('over HTTP: POST answers XML with 200 even for garbage; other methods get 405; oversize bodies are refused unread', async () => {
    const t = setup();
    const ok = await t.responder.app.request('/', {
      method: 'POST',
      body: buildRequest({ service: 'LookupUser', header, userId: t.dataset.patrons.good.barcode }, profiles.alma),
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('application/xml');
    expect(await ok.text()).toContain('LookupUserResponse');
    const garbage = await t.responder.app.request('/', { method: 'POST', body: '{"hello":' });
    expect(garbage.status).toBe(200);
    expect(await garbage.text()).toContain('Invalid Message Syntax Error');
    expect((await t.responder.app.request('/', { method: 'GET' })).status).toBe(405);
    const big = `<NCIPMessage>${'x'.repeat(1024 * 1024 + 10)}</NCIPMessage>`;
    const huge = await t.responder.app.request('/', { method: 'POST', body: big });
    expect(huge.status).toBe(200);
    expect(await huge.text()).toContain('larger than');
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i += 1) controller.enqueue(new Uint8Array(100 * 1024));
        controller.close();
      },
    });
    const chunked = await t.responder.app.request('/', { method: 'POST', body: streamed, duplex: 'half' } as RequestInit);
    expect(await chunked.text()).toContain('larger than');
  });
});
