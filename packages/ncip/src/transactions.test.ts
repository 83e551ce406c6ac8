/**
 * Who has an item and who waits for it: LookupItem's CurrentBorrowerDesired/CurrentRequestersDesired
 * (ItemTransaction) and LookupUser's LoanedItemsDesired/RequestedItemsDesired (LoanedItem,
 * RequestedItem) — how an NCIP-only ILS (Millennium) shows loans and holds.
 */
import { describe, expect, it } from 'vitest';
import { horizon, millennium } from './profiles.ts';
import { header, responseHeader } from './testing.ts';
import { validateNcip2 } from './validate.ts';
import { buildRequest } from './wire/build-request.ts';
import { buildResponse } from './wire/build-response.ts';
import { parseRequest } from './wire/parse-request.ts';
import { parseResponse } from './wire/parse-response.ts';

describe('LookupItem: current borrower and requesters', () => {
  it('asks with the two flags (after the element types) and reads them back', async () => {
    const xml = buildRequest(
      { service: 'LookupItem', header, itemId: 'I1', itemElementTypes: ['Date Due'], currentBorrowerDesired: true, currentRequestersDesired: true },
      millennium,
    );
    expect(xml.indexOf('<ItemElementType')).toBeLessThan(xml.indexOf('<CurrentBorrowerDesired/>'));
    expect(xml.indexOf('<CurrentBorrowerDesired/>')).toBeLessThan(xml.indexOf('<CurrentRequestersDesired/>'));
    expect((await validateNcip2([xml])).valid).toBe(true);
    const parsed = parseRequest(xml);
    expect(parsed.ok && parsed.request).toMatchObject({ service: 'LookupItem', currentBorrowerDesired: true, currentRequestersDesired: true });
    const plain = parseRequest(buildRequest({ service: 'LookupItem', header, itemId: 'I1' }, millennium));
    expect(plain.ok && 'currentBorrowerDesired' in plain.request).toBe(false);
  });

  it('answers with ItemTransaction between DateRecalled and ItemOptionalFields, valid against the schema', async () => {
    const xml = buildResponse(
      {
        service: 'LookupItem',
        header: responseHeader,
        itemId: 'I1',
        holdPickupDate: '2025-03-20T23:59:59Z',
        itemTransaction: { currentBorrower: 'P1', currentRequesters: ['P2', 'P3'] },
        item: { circulationStatus: 'On Loan', dateDue: '2025-04-01T23:59:00Z' },
      },
      millennium,
    );
    expect((await validateNcip2([xml])).valid).toBe(true);
    expect(xml.indexOf('<ItemTransaction>')).toBeLessThan(xml.indexOf('<ItemOptionalFields>'));
    const parsed = parseResponse(xml, 'LookupItem');
    expect(parsed.ok && parsed.response).toMatchObject({ itemTransaction: { currentBorrower: 'P1', currentRequesters: ['P2', 'P3'] } });
    const none = parseResponse(buildResponse({ service: 'LookupItem', header: responseHeader, itemId: 'I1', item: {} }, millennium), 'LookupItem');
    expect(none.ok && 'itemTransaction' in none.response).toBe(false);
  });

  it('writes the NCIP 1 form (UniqueUserId) too', () => {
    const xml = buildResponse({ service: 'LookupItem', header: responseHeader, itemId: 'I1', itemTransaction: { currentBorrower: 'P1' }, item: {} }, horizon);
    expect(xml).toContain('<CurrentBorrower><UniqueUserId>');
    const parsed = parseResponse(xml, 'LookupItem');
    expect(parsed.ok && parsed.response).toMatchObject({ itemTransaction: { currentBorrower: 'P1' } });
  });
});

describe('LookupUser: loaned and requested items', () => {
  it('asks with the two flags and reads them back', async () => {
    const xml = buildRequest(
      { service: 'LookupUser', header, userId: 'P1', userElementTypes: ['Name Information'], loanedItemsDesired: true, requestedItemsDesired: true },
      millennium,
    );
    expect((await validateNcip2([xml])).valid).toBe(true);
    const parsed = parseRequest(xml);
    expect(parsed.ok && parsed.request).toMatchObject({ loanedItemsDesired: true, requestedItemsDesired: true });
  });

  it('answers LoanedItem and RequestedItem in schema order, and reads them back', async () => {
    const xml = buildResponse(
      {
        service: 'LookupUser',
        header: responseHeader,
        userId: 'P1',
        loanedItems: [{ itemId: 'I1', dateDue: '2025-04-01T23:59:00Z', title: 'Moby-Dick' }, { itemId: 'I2' }],
        requestedItems: [
          {
            itemId: 'I3',
            requestType: 'Hold',
            requestStatusType: 'Available For Pickup',
            datePlaced: '2025-03-12T10:00:00Z',
            pickupLocation: 'main',
            holdQueuePosition: 1,
          },
          { requestId: 'R9', requestType: 'Hold', requestStatusType: 'In Process', datePlaced: '2025-03-12T10:00:00Z' },
        ],
        user: { name: { unstructured: 'Doe, Jane' } },
      },
      millennium,
    );
    expect((await validateNcip2([xml])).valid).toBe(true);
    expect(xml).toContain('<IndeterminateLoanPeriodFlag/>');
    const parsed = parseResponse(xml, 'LookupUser');
    expect(parsed.ok && parsed.response).toMatchObject({
      loanedItems: [{ itemId: 'I1', dateDue: '2025-04-01T23:59:00Z', title: 'Moby-Dick' }, { itemId: 'I2' }],
      requestedItems: [
        { itemId: 'I3', requestType: 'Hold', requestStatusType: 'Available For Pickup', pickupLocation: 'main', holdQueuePosition: 1 },
        { requestId: 'R9', requestStatusType: 'In Process' },
      ],
    });
  });
});
