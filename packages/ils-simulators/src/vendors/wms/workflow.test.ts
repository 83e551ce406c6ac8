/**
 * WMS behaviour from the source documents, end to end through WMS's own interfaces: NCIP in
 * OCLC's circ-ILL flavour for what an ILL system does, the circulation JSON API for what desk
 * staff do and see.
 */
import { buildRequest, type NcipRequest, type NcipService, parseResponse, profiles } from '@bookstrap/ncip';
import { validateNcip2 } from '@bookstrap/ncip/validate';
import { describe, expect, it } from 'vitest';
import { demo, mainBranch, scienceBranch, wmsSimulator } from './test-support.ts';

const header = { fromAgencyId: demo.institutionId, toAgencyId: demo.institutionId };
const good = demo.patrons.good;
type Api = ReturnType<typeof wmsSimulator>;

type Body<S extends NcipRequest['service']> = Omit<Extract<NcipRequest, { service: S }>, 'header' | 'service'>;

async function ncip<S extends NcipService>(api: Api, service: S, body: Body<S>) {
  const xml = buildRequest({ service, header, ...body } as unknown as NcipRequest, profiles.wms);
  const response = await api.ncip(xml);
  expect(response.status).toBe(200);
  return { text: response.text, parsed: parseResponse(response.text, service, { profile: profiles.wms }) };
}

/** Receiving a borrowed book: AcceptItem as an ILL system sends it to WMS. */
async function accept(api: Api, requestId: string, options: { dateForReturn?: string; pickup?: string; title?: string } = {}) {
  const result = await ncip(api, 'AcceptItem', {
    requestId,
    userId: good.barcode,
    itemId: requestId,
    pickupLocation: options.pickup ?? scienceBranch,
    bibliographicDescription: { title: options.title ?? 'The Name of the Rose', author: 'Eco, Umberto', publisher: 'Partner University Library' },
    ...(options.dateForReturn ? { dateForReturn: options.dateForReturn } : {}),
  });
  expect(result.parsed.ok).toBe(true);
  return result;
}

const route = (api: Api, itemBarcode: string, branchId: string) => api.desk('/check-in', { method: 'POST', body: { itemBarcode, branchId } });
const checkOut = (api: Api, patron: string, itemBarcode: string, branchId = scienceBranch) =>
  api.desk(`/patrons/${patron}/checkouts`, { method: 'POST', body: { itemBarcode, branchId } });

describe('WMS borrowing: temporary item and hold', () => {
  it('creates the temporary item in the ILL settings location with the request id, and an item-level hold in Pending', async () => {
    const api = wmsSimulator();
    await accept(api, '5001');
    const item = (await api.desk('/items/5001')).body;
    expect(item).toMatchObject({
      barcode: '5001',
      title: 'The Name of the Rose',
      temporaryItem: true,
      status: 'AVAILABLE',
      branch: { branchId: demo.illSettings.temporaryItemHomeBranch },
      holdingLocation: demo.illSettings.temporaryHoldingLocation,
      shelvingLocation: demo.illSettings.temporaryShelvingLocation,
      illRequest: { requestId: '5001', lendingInstitution: 'Partner University Library' },
    });
    const holds = (await api.desk('/items/5001/holds')).body.entries;
    expect(holds).toEqual([
      expect.objectContaining({
        patronBarcode: good.barcode,
        status: 'PENDING',
        holdType: 'ITEM',
        illRequestId: '5001',
        pickupBranch: expect.objectContaining({ branchId: scienceBranch }),
      }),
    ]);
    // The patron's Holds tab shows the ILL request too.
    expect((await api.desk(`/patrons/${good.barcode}/holds`)).body.entries.map((h: { illRequestId: string }) => h.illRequestId)).toContain('5001');
  });

  it('makes the hold Ready for use only when checked in at the pickup branch, and sends the pickup notice then', async () => {
    const api = wmsSimulator();
    await accept(api, '5002');
    const elsewhere = (await route(api, '5002', mainBranch)).body;
    expect(elsewhere).toMatchObject({
      reasonCode: 'HOLD_TRANSIT',
      destination: { branchId: scienceBranch },
      hold: { status: 'IN_TRANSIT' },
      pickupNotificationSent: false,
    });
    expect(elsewhere.item.status).toBe('IN_TRANSIT');
    expect((await api.desk(`/patrons/${good.barcode}/notifications`)).body.entries).toEqual([]);

    const atPickup = (await route(api, '5002', scienceBranch)).body;
    expect(atPickup).toMatchObject({
      reasonCode: 'HOLD',
      hold: { status: 'READY_FOR_USE' },
      pickupNotificationSent: true,
      holdReceipt: { patronBarcode: good.barcode },
    });
    const notices = (await api.desk(`/patrons/${good.barcode}/notifications`)).body.entries;
    expect(notices).toEqual([
      expect.objectContaining({ type: 'HOLD_PICKUP', itemBarcode: '5002', pickupBranch: expect.objectContaining({ branchId: scienceBranch }) }),
    ]);
  });
});

describe('WMS check-out: the stricter of the lender due date and WMS policy', () => {
  it('uses the lender date when it comes before the loan policy date', async () => {
    const api = wmsSimulator();
    await accept(api, '5003', { dateForReturn: '2025-03-25T23:59:00Z' });
    await route(api, '5003', scienceBranch);
    const loan = await checkOut(api, good.barcode, '5003');
    expect(loan.status).toBe(201);
    expect(loan.body).toMatchObject({ dueDate: '2025-03-25T23:59:00Z', dueDateSource: 'ILL_DUE_DATE', illDueDate: '2025-03-25' });
  });

  it('reverts a longer lender date to WMS policy, shows both, and lets staff change the due date to the strap date', async () => {
    const api = wmsSimulator();
    await accept(api, '5004', { dateForReturn: '2025-06-30T23:59:00Z' });
    await route(api, '5004', scienceBranch);
    const loan = (await checkOut(api, good.barcode, '5004')).body;
    // 28-day loan rule for the patron's category: 2025-04-09, a Wednesday the Science Library is open.
    expect(loan).toMatchObject({ dueDate: '2025-04-09T23:59:00Z', dueDateSource: 'LOAN_POLICY', illDueDate: '2025-06-30' });
    expect((await api.desk('/items/5004')).body.illRequest.illDueDate).toBe('2025-06-30');

    const changed = await api.desk(`/patrons/${good.barcode}/checkouts/5004`, { method: 'PUT', body: { dueDate: '2025-06-30' } });
    expect(changed.status).toBe(200);
    expect(changed.body.dueDate).toBe('2025-06-30T23:59:00Z');
    expect((await api.desk(`/patrons/${good.barcode}/checkouts`)).body.entries).toEqual([
      expect.objectContaining({ itemBarcode: '5004', dueDate: '2025-06-30T23:59:00Z' }),
    ]);
  });

  it('never loans a library-use-only item: staff record an in-house use instead', async () => {
    const api = wmsSimulator();
    const barcode = demo.libraryUseOnlyItem.barcode;
    const refused = await checkOut(api, good.barcode, barcode, mainBranch);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 409, message: 'Item is for in-library use only' });
    const use = await api.circ(`/items/${barcode}/routings/usages`, { method: 'POST', body: { branchId: mainBranch } });
    expect(use.status).toBe(201);
    expect((await api.desk(`/items/${barcode}`)).body).toMatchObject({ inLibraryUseOnly: true, currentLoan: null });
  });
});

describe('WMS after return: the temporary item is kept', () => {
  it('checked in by the ILL system, the temporary item stays as Unavailable with its request id, routed "Withdrawn"', async () => {
    const api = wmsSimulator();
    await accept(api, '5006');
    await route(api, '5006', scienceBranch);
    await checkOut(api, good.barcode, '5006');
    const checkIn = await ncip(api, 'CheckInItem', { itemId: '5006' });
    expect(checkIn.parsed).toMatchObject({ ok: true, response: { routing: { instructions: 'Withdrawn' } } });
    const item = (await api.desk('/items/5006')).body;
    expect(item).toMatchObject({
      status: 'UNAVAILABLE',
      temporaryItem: true,
      illRequest: { requestId: '5006' },
      currentLoan: null,
      lastIssuedTo: good.barcode,
    });
    // WMS has no way to delete it over NCIP.
    const deleted = await ncip(api, 'DeleteItem', { itemId: '5006' });
    expect(deleted.parsed).toMatchObject({ ok: false, error: { problems: [expect.objectContaining({ problemType: 'Unsupported Service' })] } });
    expect((await api.desk('/items/5006')).status).toBe(200);
  });

  it('returned at another branch it goes in transit home first; at home staff are prompted to update the ILL request', async () => {
    const api = wmsSimulator();
    await accept(api, '5007');
    await route(api, '5007', scienceBranch);
    await checkOut(api, good.barcode, '5007');
    const away = (await route(api, '5007', scienceBranch)).body;
    expect(away).toMatchObject({ reasonCode: 'TRANSIT', destination: { branchId: mainBranch }, prompts: ['Update ILL request 5007'] });
    expect(away.item.status).toBe('IN_TRANSIT');
    const home = (await route(api, '5007', mainBranch)).body;
    expect(home).toMatchObject({ reasonCode: 'UNAVAILABLE', prompts: [] });
    expect(home.item).toMatchObject({ status: 'UNAVAILABLE', illRequest: { requestId: '5007' } });
    // An ILL system checking it in later: not on loan any more, which the integration counts as done.
    const late = await ncip(api, 'CheckInItem', { itemId: '5007' });
    expect(late.parsed).toMatchObject({ ok: false, error: { kind: 'already-done' } });
  });

  it('finds a temporary item by title or author without the strap, and from the patron checkouts', async () => {
    const api = wmsSimulator();
    await accept(api, '5008', { title: 'Il nome della rosa' });
    await route(api, '5008', scienceBranch);
    await checkOut(api, good.barcode, '5008');
    const byTitle = (await api.desk(`/items?q=${encodeURIComponent('nome della')}`)).body;
    expect(byTitle).toMatchObject({
      totalResults: 1,
      entries: [expect.objectContaining({ barcode: '5008', illRequest: expect.objectContaining({ requestId: '5008' }) })],
    });
    expect((await api.desk('/items?q=Eco')).body.entries.map((e: { barcode: string }) => e.barcode)).toEqual(['5008']);
    // Real items are not "temporary items".
    expect((await api.desk(`/items?q=${encodeURIComponent(demo.lendableItems[0]?.title ?? '')}`)).body.totalResults).toBe(0);
    expect((await api.desk(`/patrons/${good.barcode}/checkouts`)).body.entries).toEqual([
      expect.objectContaining({ itemBarcode: '5008', temporaryItem: true, illRequestId: '5008' }),
    ]);
  });
});

describe('WMS lending: check-out to the borrowing institution', () => {
  it('checks the item out to the institution account with the request due date and shows the request until check-in', async () => {
    const api = wmsSimulator();
    const account = demo.institutionalPatrons.PARTNR;
    const item = demo.lendableItems[0]?.barcode as string;
    const out = await ncip(api, 'CheckOutItem', { userId: account.barcode, itemId: item, requestId: '7001', desiredDateDue: '2025-04-11T23:59:00Z' });
    expect(out.parsed).toMatchObject({ ok: true, response: { dateDue: '2025-04-11T23:59:00Z' } });
    expect((await api.desk(`/items/${item}`)).body).toMatchObject({
      status: 'ON_LOAN',
      illRequest: { requestId: '7001', borrowingInstitution: 'PARTNR' },
      currentLoan: { patronBarcode: account.barcode, dueDate: '2025-04-11T23:59:00Z' },
    });
    const back = await ncip(api, 'CheckInItem', { itemId: item });
    expect(back.parsed).toMatchObject({ ok: true, response: { routing: { instructions: 'Re-shelve' } } });
    expect((await api.desk(`/items/${item}`)).body).toMatchObject({ status: 'AVAILABLE', illRequest: null });
  });

  it('caps the due date at the account expiry', async () => {
    const api = wmsSimulator();
    const shortAccount = demo.patrons.expiringSoon;
    const item = demo.lendableItems[1]?.barcode as string;
    const out = await ncip(api, 'CheckOutItem', { userId: shortAccount.barcode, itemId: item, requestId: '7002', desiredDateDue: '2025-04-11T23:59:00Z' });
    expect(out.parsed).toMatchObject({ ok: true, response: { dateDue: '2025-03-22T23:59:00Z' } });
  });

  it('without a due date applies the loan policy of the account', async () => {
    const api = wmsSimulator();
    const item = demo.lendableItems[2]?.barcode as string;
    const out = await ncip(api, 'CheckOutItem', { userId: demo.institutionalPatrons.TULSA.barcode, itemId: item, requestId: '7003' });
    // The resource-sharing partner rule lends for 42 days: 2025-04-23.
    expect(out.parsed).toMatchObject({ ok: true, response: { dateDue: '2025-04-23T23:59:00Z' } });
  });
});

describe('WMS NCIP conventions', () => {
  it('wants a bearer with the WMS_NCIP scope', async () => {
    const api = wmsSimulator();
    const xml = buildRequest({ service: 'CheckInItem', header, itemId: '1' }, profiles.wms);
    const anonymous = await api.parse(await api.sim.app.request('/ncip', { method: 'POST', body: xml, headers: { 'Content-Type': 'application/xml' } }));
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ code: 401 });
    const scimOnly = await api.token('SCIM:read_user');
    expect((await api.ncip(xml, { token: scimOnly })).status).toBe(403);
  });

  it('answers Problems as a bare NCIPMessage/Problem, for unknown agencies, LookupUser and unknown items', async () => {
    const api = wmsSimulator();
    const wrongAgency = await api.ncip(
      buildRequest({ service: 'CheckInItem', header: { fromAgencyId: '999999', toAgencyId: '999999' }, itemId: '1' }, profiles.wms),
    );
    expect(wrongAgency.text).not.toContain('CheckInItemResponse');
    expect(wrongAgency.text).toContain('Unknown Agency');
    const lookup = await ncip(api, 'LookupUser', { userId: good.barcode });
    expect(lookup.parsed).toMatchObject({ ok: false, error: { problems: [expect.objectContaining({ problemType: 'Unsupported Service' })] } });
    const unknown = await ncip(api, 'CheckOutItem', { userId: good.barcode, itemId: 'NO-SUCH-ITEM' });
    expect(unknown.parsed).toMatchObject({ ok: false, error: { problems: [expect.objectContaining({ problemType: 'Unknown Item' })] } });
    const { results } = await validateNcip2([wrongAgency.text, lookup.text, unknown.text]);
    expect(results.map((r) => r.errors)).toEqual([[], [], []]);
  });

  it('refuses an oversized or hostile message with a Problem, never a crash', async () => {
    const api = wmsSimulator();
    const huge = await api.ncip(`<NCIPMessage>${' '.repeat(1024 * 1024)}</NCIPMessage>`);
    expect(huge.status).toBe(200);
    expect(huge.text).toContain('Invalid Message Syntax Error');
    const hostile = await api.ncip('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><NCIPMessage>&a;</NCIPMessage>');
    expect(hostile.status).toBe(200);
    expect(hostile.text).toContain('<Problem>');
  });

  it('writes schema-valid responses in OCLC schemes (registry ids, WMS Circ system id)', async () => {
    const api = wmsSimulator();
    const accepted = await accept(api, '5009');
    await route(api, '5009', scienceBranch);
    await checkOut(api, good.barcode, '5009');
    const checkIn = await ncip(api, 'CheckInItem', { itemId: '5009' });
    const fee = await ncip(api, 'CreateUserFiscalTransaction', {
      userId: good.barcode,
      fiscalTransaction: { actionType: 'Assess', transactionType: 'ILL-fee', amount: { monetaryValue: 750 }, description: 'ILL fee for request 5009' },
    });
    expect(fee.parsed.ok).toBe(true);
    expect(accepted.text).toContain('http://oclc.org/ncip/schemes/agencyid/institutionid.scm');
    expect(accepted.text).toContain('WMS Circ');
    const { results } = await validateNcip2([accepted.text, checkIn.text, fee.text]);
    expect(results.map((r) => r.errors)).toEqual([[], [], []]);
    const fines = (await api.desk(`/patrons/${good.barcode}/fines`)).body;
    expect(fines.entries).toEqual([
      expect.objectContaining({ type: 'ILL-fee', amount: { value: 7.5, currency: 'USD' }, note: 'ILL fee for request 5009', status: 'OUTSTANDING' }),
    ]);
  });
});

describe('WMS renewals the lender granted', () => {
  it('RenewItem with a later DesiredDateDue sets the loan and the temporary item lender date to it', async () => {
    const api = wmsSimulator();
    await accept(api, '5010', { dateForReturn: '2025-03-25T23:59:00Z' });
    await route(api, '5010', scienceBranch);
    await checkOut(api, good.barcode, '5010');
    const renewed = await ncip(api, 'RenewItem', { userId: good.barcode, itemId: '5010', desiredDateDue: '2025-04-30T23:59:00Z' });
    expect(renewed.parsed).toMatchObject({ ok: true, response: { dateDue: '2025-04-30T23:59:00Z' } });
    expect((await api.desk('/items/5010')).body).toMatchObject({ currentLoan: { dueDate: '2025-04-30T23:59:00Z' }, illRequest: { illDueDate: '2025-04-30' } });
  });
});

describe('WMS NCIP patron profile (/circ-patron): LookupUser without PII', () => {
  /** A patron-profile message with a token obtained for `as` (the patron the message names, unless said). */
  const patronProfile = async <S extends NcipService>(api: Api, service: S, body: Body<S>, as = (body as { userId?: string }).userId ?? good.barcode) => {
    const xml = buildRequest({ service, header, ...body } as unknown as NcipRequest, profiles.wms);
    const response = await api.ncip(xml, { path: '/circ-patron', token: await api.userToken(as) });
    expect(response.status).toBe(200);
    return { text: response.text, parsed: parseResponse(response.text, service, { profile: profiles.wms }) };
  };

  it("lists the patron's loans (with due dates) and requests (with their status), never a name or address", async () => {
    const api = wmsSimulator();
    await accept(api, '5101', { dateForReturn: '2025-06-30T23:59:00Z' });
    const barcode = demo.lendableItems[0]?.barcode as string;
    await checkOut(api, good.barcode, barcode, mainBranch);
    const { parsed, text } = await patronProfile(api, 'LookupUser', {
      userId: good.barcode,
      userElementTypes: ['Name Information', 'User Address Information', 'Block Or Trap'],
      loanedItemsDesired: true,
      requestedItemsDesired: true,
    });
    if (!parsed.ok || parsed.response.service !== 'LookupUser') throw new Error(text);
    expect(parsed.response.loanedItems?.map((l) => l.itemId)).toEqual([barcode]);
    expect(parsed.response.loanedItems?.[0]?.dateDue).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(parsed.response.requestedItems).toEqual([expect.objectContaining({ itemId: '5101', requestStatusType: 'In Process' })]);
    expect(parsed.response.user.name).toBeUndefined();
    expect(parsed.response.user.addresses).toBeUndefined();
    expect(text).not.toContain(good.lastName);
    // Checked in at the pickup branch, the request is Available For Pickup.
    await route(api, '5101', scienceBranch);
    const after = await patronProfile(api, 'LookupUser', { userId: good.barcode, requestedItemsDesired: true });
    if (!after.parsed.ok || after.parsed.response.service !== 'LookupUser') throw new Error(after.text);
    expect(after.parsed.response.requestedItems?.[0]?.requestStatusType).toBe('Available For Pickup');
  });

  it('offers only the patron services: AcceptItem there is an Unsupported Service, and the staff endpoint still has no LookupUser', async () => {
    const api = wmsSimulator();
    const accepted = await patronProfile(api, 'AcceptItem', { requestId: '5102', userId: good.barcode, itemId: '5102', pickupLocation: scienceBranch });
    expect(accepted.parsed.ok).toBe(false);
    expect(accepted.text).toContain('Unsupported Service');
    // Nothing was created.
    expect((await api.desk('/items/5102')).status).toBe(404);
    const staff = await ncip(api, 'LookupUser', { userId: good.barcode });
    expect(staff.text).toContain('Unsupported Service');
  });

  it("acts for the user the token was obtained for (OCLC, April 2019): the token's user replaces the UserId the message names", async () => {
    const api = wmsSimulator();
    const barcode = demo.lendableItems[0]?.barcode as string;
    await checkOut(api, good.barcode, barcode, mainBranch);
    // The message names another patron (or OCLC's placeholder "user"): the answer is the good patron's account.
    for (const named of [demo.patrons.blocked.barcode, 'user']) {
      const { parsed, text } = await patronProfile(api, 'LookupUser', { userId: named, loanedItemsDesired: true }, good.barcode);
      if (!parsed.ok || parsed.response.service !== 'LookupUser') throw new Error(text);
      expect(parsed.response.userId).toBe(good.barcode);
      expect(parsed.response.loanedItems?.map((l) => l.itemId)).toEqual([barcode]);
    }
  });

  it('answers an application token (no user) "User Authentication Failed" and changes nothing; a token for an unknown principal is refused', async () => {
    const api = wmsSimulator();
    await accept(api, '5103', { dateForReturn: '2025-06-30T23:59:00Z' });
    const before = await (await api.control('/state')).text();
    for (const service of ['LookupUser', 'CancelRequestItem'] as const) {
      const xml = buildRequest(
        {
          service,
          header,
          userId: good.barcode,
          ...(service === 'CancelRequestItem' ? { requestId: '5103', requestType: 'Hold' } : {}),
        } as unknown as NcipRequest,
        profiles.wms,
      );
      const response = await api.ncip(xml, { path: '/circ-patron', token: await api.token('WMS_NCIP') });
      expect(response.status).toBe(200);
      expect(response.text).toContain('User Authentication Failed');
    }
    expect(await (await api.control('/state')).text()).toBe(before);
    const refused = await api.sim.app.request(
      `/token?grant_type=client_credentials&scope=WMS_NCIP&principalID=0c1c0000-5c1d-4e00-8a00-999999999999&principalIDNS=urn:oclc:platform:${demo.institutionId}`,
      { method: 'POST', headers: { Authorization: `Basic ${Buffer.from(`${demo.wskey}:${demo.secret}`).toString('base64')}` } },
    );
    expect(refused.status).toBe(401);
  });

  it('wants an OCLC bearer with WMS_NCIP like the staff endpoint', async () => {
    const api = wmsSimulator();
    const xml = buildRequest({ service: 'LookupUser', header, userId: good.barcode } as NcipRequest, profiles.wms);
    expect((await api.sim.app.request('/circ-patron', { method: 'POST', body: xml })).status).toBe(401);
    expect((await api.ncip(xml, { path: '/circ-patron', token: await api.token('SCIM:read_user') })).status).toBe(403);
  });
});

describe("WMS Circulation API: only OCLC's documented routes on /circ", () => {
  it("routes an item at check-in (POST /circ/items/route {itemId}) in the shape of OCLC's Item Routing answer", async () => {
    const api = wmsSimulator();
    const barcode = demo.lendableItems[0]?.barcode as string;
    await checkOut(api, good.barcode, barcode, mainBranch);
    const routed = await api.circ('/items/route', { method: 'POST', body: { itemId: barcode } });
    expect(routed.status).toBe(200);
    expect(routed.body).toEqual({
      reason: { reasonCode: 'RESHELVE', dateRouted: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) },
      item: {
        ref: expect.stringMatching(new RegExp(`/circ/items/${barcode}$`)),
        ownerInstitution: { institutionId: Number(demo.institutionId), institutionName: demo.institutionName },
        pieceDesignation: barcode,
        callNumber: expect.any(String),
      },
    });
    // The check-in happened: the loan is gone, as the desk sees it.
    expect((await api.desk(`/items/${barcode}`)).body).toMatchObject({ status: 'AVAILABLE', currentLoan: null });
  });

  it('refuses a routing without itemId, or for an unknown item, and changes nothing', async () => {
    const api = wmsSimulator();
    const barcode = demo.lendableItems[0]?.barcode as string;
    await checkOut(api, good.barcode, barcode, mainBranch);
    expect((await api.circ('/items/route', { method: 'POST', body: { itemBarcode: barcode } })).body).toEqual({
      code: 400,
      message: 'Invalid request',
      detail: 'itemId is required',
    });
    expect((await api.circ('/items/route', { method: 'POST', body: { itemId: 'NOPE' } })).status).toBe(404);
    expect((await api.desk(`/items/${barcode}`)).body).toMatchObject({ status: 'ON_LOAN' });
  });

  it('has none of the desk screens: item details, holds, checkouts and bills are not OCLC API', async () => {
    const api = wmsSimulator();
    for (const path of ['/ill-settings', `/items/${demo.lendableItems[0]?.barcode}`, `/patrons/${good.barcode}/checkouts`, `/patrons/${good.barcode}/fines`]) {
      expect((await api.circ(path)).body, path).toMatchObject({ code: 404, message: 'Unsupported endpoint' });
    }
  });
});

describe('WMS circulation desk (/_sim/desk): settings, errors, faults', () => {
  it('publishes the ILL settings: temporary item home branch and locations, borrowing institution accounts, the ILL fee policy', async () => {
    const api = wmsSimulator();
    const settings = (await api.desk('/ill-settings')).body;
    expect(settings).toMatchObject({
      temporaryItemHomeBranch: mainBranch,
      temporaryHoldingLocation: 'ILL',
      temporaryShelvingLocation: 'ILL Shelf',
      borrowingInstitutionPatronBarcodes: { PARTNR: demo.institutionalPatrons.PARTNR.barcode, default: demo.institutionalPatrons.default.barcode },
      illFeePolicy: { feeType: 'ILL-fee' },
    });
  });

  it("answers unknown items, patrons, branches and paths in OCLC's error shape", async () => {
    const api = wmsSimulator();
    expect((await api.desk('/items/NOPE')).body).toEqual({ code: 404, message: 'Item not found', detail: 'No item with barcode NOPE' });
    expect((await api.desk('/patrons/NOPE/checkouts')).status).toBe(404);
    const badBranch = await route(api, demo.lendableItems[0]?.barcode as string, '999999');
    expect(badBranch.body).toMatchObject({ code: 400, message: 'Unknown branch' });
    // OCLC documents the pull list, but the simulator does not model it: an unsupported endpoint.
    expect((await api.circ('/pulllist/129479')).body).toMatchObject({ code: 404, message: 'Unsupported endpoint' });
    expect((await api.desk('/no-such-screen')).body).toMatchObject({ code: 404, message: 'No desk operation' });
    const blocked = await checkOut(api, demo.patrons.blocked.barcode, demo.lendableItems[3]?.barcode as string, mainBranch);
    expect(blocked.body).toMatchObject({ code: 409, message: 'Patron is blocked' });
  });

  it('renders injected faults per service: an HTML 503 page when down, OCLC JSON otherwise', async () => {
    const api = wmsSimulator();
    const token = await api.token();
    await api.control('/faults', { method: 'POST', body: { down: true } });
    const down = await api.ncip('<NCIPMessage/>', { token });
    expect(down.status).toBe(503);
    expect(down.text).toContain('Service Temporarily Unavailable');
    await api.control('/faults', { method: 'POST', body: { failNext: 1, errorStatus: 500 } });
    const failing = await api.circ('/items/route', { token, method: 'POST', body: { itemId: demo.lendableItems[0]?.barcode } });
    expect(failing.body).toMatchObject({ code: 500, message: 'Unable to handle the request' });
    // Faults stand in front of the vendor API only: the desk (control plane) still answers.
    await api.control('/faults', { method: 'POST', body: { down: true } });
    expect((await api.desk('/ill-settings')).status).toBe(200);
  });
});
