/**
 * What an NCIP-only ILS (Millennium) shows of loans and holds: LookupItem's ItemTransaction
 * (current borrower and requesters), the ILL request a temporary item belongs to, the lender in
 * Publisher, the library-use-only restriction; LookupUser's loaned and requested items; and a
 * CheckInItem that routes a just-arrived item to its hold.
 */
import { buildRequest, type InitiationHeader, type NcipRequest, type NcipSuccessResponse, parseResponse, profiles } from '@bookstrap/ncip';
import { validateNcip2 } from '@bookstrap/ncip/validate';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createDemoEngine } from '../testing.ts';
import { createNcipResponder, type NcipResponderConfig } from './responder.ts';

const config: NcipResponderConfig = {
  agencyIds: ['SIMLIB'],
  userIdentifier: 'barcode',
  temporaryItems: { library: 'MAIN', location: 'ILL', policy: 'ILL', libraryUseOnlyPolicy: 'LIBUSE' },
  circulation: { library: 'MAIN' },
  pickupLocations: { main: 'MAIN', sci: 'SCI' },
};
const header: InitiationHeader = { fromAgencyId: 'BOOKSTRAP', toAgencyId: 'SIMLIB' };

function setup(circulationLibrary = 'MAIN') {
  const demo = createDemoEngine();
  const responder = createNcipResponder({ profile: profiles.millennium, runtime: demo, config: { ...config, circulation: { library: circulationLibrary } } });
  const answers: string[] = [];
  const send = (request: NcipRequest) => {
    const xml = responder.respond(buildRequest(request, profiles.millennium));
    answers.push(xml);
    return { xml, ...parseResponse(xml, request.service) };
  };
  const ok = <T extends NcipSuccessResponse['service']>(request: NcipRequest & { service: T }) => {
    const answer = send(request);
    if (!answer.ok) throw new Error(`${request.service}: ${answer.error.message}\n${answer.xml}`);
    return answer.response as Extract<NcipSuccessResponse, { service: T }>;
  };
  onTestFinished(async () => {
    const { results } = await validateNcip2(answers);
    expect(results.flatMap((r, i) => (r.valid ? [] : [`${i}: ${r.errors.join('; ')}`]))).toEqual([]);
  });
  return { ...demo, responder, send, ok };
}

describe('LookupItem: who has the item, who waits, which request it belongs to', () => {
  it('names the current borrower and the requesters in queue order, by barcode', () => {
    const t = setup();
    const [first, second, third] = [t.dataset.patrons.good, t.dataset.patrons.faculty, t.dataset.otherPatrons[1]!];
    const item = t.dataset.lendableItems[0]!;
    t.ok({ service: 'CheckOutItem', header, userId: first.barcode, itemId: item.barcode });
    t.ok({
      service: 'RequestItem',
      header,
      userId: second.barcode,
      itemId: item.barcode,
      requestType: 'Hold',
      requestScopeType: 'Item',
      pickupLocation: 'main',
    });
    t.ok({ service: 'RequestItem', header, userId: third.barcode, itemId: item.barcode, requestType: 'Hold', requestScopeType: 'Item', pickupLocation: 'sci' });
    const looked = t.ok({
      service: 'LookupItem',
      header,
      itemId: item.barcode,
      itemElementTypes: ['Date Due'],
      currentBorrowerDesired: true,
      currentRequestersDesired: true,
    });
    expect(looked.itemTransaction).toEqual({ currentBorrower: first.barcode, currentRequesters: [second.barcode, third.barcode] });
    expect(looked.item.dateDue).toMatch(/^2025-04-09T/);
    // Not asked for, not answered.
    expect(t.ok({ service: 'LookupItem', header, itemId: item.barcode }).itemTransaction).toBeUndefined();
  });

  it('answers for a temporary item with its ILL request, the lender (Publisher) and its use restriction', () => {
    const t = setup();
    t.ok({
      service: 'AcceptItem',
      header,
      requestId: '7005001',
      userId: t.dataset.patrons.good.barcode,
      itemUseRestrictions: ['In Library Use Only'],
      bibliographicDescription: { title: 'Reading room only', publisher: 'LENDA' },
      pickupLocation: 'main',
    });
    const looked = t.ok({ service: 'LookupItem', header, itemId: '7005001', itemElementTypes: ['Bibliographic Description', 'Item Use Restriction Type'] });
    expect(looked).toMatchObject({ requestId: '7005001', itemId: '7005001' });
    expect(looked.item).toMatchObject({
      bibliographicDescription: { title: 'Reading room only', publisher: 'LENDA' },
      itemUseRestrictions: ['In Library Use Only'],
    });
    // A shelf item belongs to no request and has no restriction.
    const shelf = t.ok({ service: 'LookupItem', header, itemId: t.dataset.lendableItems[1]!.barcode, itemElementTypes: ['Item Use Restriction Type'] });
    expect(shelf.requestId).toBeUndefined();
    expect(shelf.item.itemUseRestrictions).toBeUndefined();
  });
});

describe('LookupUser: loaned and requested items', () => {
  it('lists loans with due dates and holds with status and pickup location code', () => {
    const t = setup();
    const patron = t.dataset.patrons.good;
    const loaned = t.dataset.lendableItems[2]!;
    t.ok({ service: 'CheckOutItem', header, userId: patron.barcode, itemId: loaned.barcode, desiredDateDue: '2025-04-11T23:59:00Z' });
    t.ok({
      service: 'AcceptItem',
      header,
      requestId: '7005002',
      userId: patron.barcode,
      bibliographicDescription: { title: 'Borrowed' },
      pickupLocation: 'main',
    });
    const before = t.ok({ service: 'LookupUser', header, userId: patron.barcode, userElementTypes: [], loanedItemsDesired: true, requestedItemsDesired: true });
    expect(before.loanedItems).toEqual([{ itemId: loaned.barcode, dateDue: '2025-04-11T23:59:00Z', title: loaned.title }]);
    expect(before.requestedItems).toEqual([
      expect.objectContaining({
        itemId: '7005002',
        requestType: 'Hold',
        requestStatusType: 'In Process',
        pickupLocation: 'main',
        holdQueuePosition: 1,
        title: 'Borrowed',
      }),
    ]);
    t.ok({ service: 'CheckInItem', header, itemId: '7005002' });
    const after = t.ok({ service: 'LookupUser', header, userId: patron.barcode, userElementTypes: [], requestedItemsDesired: true });
    expect(after.requestedItems?.[0]).toMatchObject({ requestStatusType: 'Available For Pickup', pickupExpiryDate: expect.stringMatching(/^2025-03-19/) });
    expect(after.loanedItems).toBeUndefined();
  });
});

describe('CheckInItem of an item that is not on loan', () => {
  it('routes a just-arrived item to its hold: on the shelf here, in transit from another branch', () => {
    const here = setup();
    const patron = here.dataset.patrons.good;
    here.ok({
      service: 'AcceptItem',
      header,
      requestId: '7005003',
      userId: patron.barcode,
      bibliographicDescription: { title: 'Arriving' },
      pickupLocation: 'main',
    });
    const checkedIn = here.ok({ service: 'CheckInItem', header, itemId: '7005003' });
    expect(checkedIn.routing?.instructions).toBeDefined();
    // Nothing left to move: "Item Not Checked Out", as ReShare expects for a repeat.
    expect(here.send({ service: 'CheckInItem', header, itemId: '7005003' })).toMatchObject({
      ok: false,
      error: { problems: [expect.objectContaining({ problemType: 'Item Not Checked Out' })] },
    });
    expect(here.send({ service: 'CheckInItem', header, itemId: here.dataset.lendableItems[3]!.barcode })).toMatchObject({ ok: false });

    const elsewhere = setup('SCI');
    elsewhere.ok({
      service: 'AcceptItem',
      header,
      requestId: '7005004',
      userId: patron.barcode,
      bibliographicDescription: { title: 'Travelling' },
      pickupLocation: 'main',
    });
    elsewhere.ok({ service: 'CheckInItem', header, itemId: '7005004' });
    const looked = elsewhere.ok({ service: 'LookupItem', header, itemId: '7005004', itemElementTypes: ['Circulation Status'] });
    expect(looked.item.circulationStatus).toBe('In Transit Between Library Locations');
  });
});
