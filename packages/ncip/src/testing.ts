/** Shared test data: fixture access and one sample message per service. Not exported by the package. */
import { readdirSync, readFileSync } from 'node:fs';
import type { InitiationHeader, NcipRequest, NcipSuccessResponse, ResponseHeader } from './types.ts';

/** The shared folder beside the repository checkout. */
export const SHARED = new URL('../../../../shared/', import.meta.url);

export type FixtureFolder = 'ncip-requests' | 'ncip-responses';

export function fixtureNames(folder: FixtureFolder, ext: string): string[] {
  return readdirSync(new URL(`fixtures/${folder}/`, SHARED))
    .filter((f) => f.endsWith(ext))
    .sort();
}

export function readFixture(folder: FixtureFolder, name: string): string {
  return readFileSync(new URL(`fixtures/${folder}/${name}`, SHARED), 'utf8');
}

export const HARD_TITLE = `Tom & Jerry <"L'Été"> über 日本の本 — 📚 ]]> &amp;`;

export const header: InitiationHeader = { fromAgencyId: 'BOOKSTRAP', toAgencyId: 'TULSA', applicationProfileType: 'TULSA_RS' };
export const responseHeader: ResponseHeader = { fromAgencyId: 'TULSA', toAgencyId: 'BOOKSTRAP' };

/** One request per service, with every field a Bookstrap adapter uses; defaults spelled out as Alma's. */
export function sampleRequests(h: InitiationHeader = header): NcipRequest[] {
  return [
    {
      service: 'LookupUser',
      header: h,
      userId: 'P0001',
      userIdentifierType: 'Barcode Id',
      userElementTypes: ['Name Information', 'User Address Information', 'User Privilege', 'Block Or Trap'],
    },
    {
      service: 'LookupItem',
      header: h,
      itemId: '39001000123456',
      itemIdentifierType: 'Barcode',
      itemElementTypes: ['Bibliographic Description', 'Circulation Status', 'Location'],
    },
    {
      service: 'AcceptItem',
      header: h,
      requestId: '100234',
      requestedActionType: 'Hold For Pickup And Notify',
      userId: 'P0001',
      userIdentifierType: 'Barcode Id',
      itemId: '100234',
      itemIdentifierType: 'Barcode',
      dateForReturn: '2025-03-01T23:59:59Z',
      fiscalTransaction: {
        actionType: 'Assess',
        transactionType: 'Service Charge',
        amount: { currencyCode: 'USD', monetaryValue: 500 },
        description: 'ILL fee',
      },
      bibliographicDescription: { title: HARD_TITLE, author: 'Müller, Jürgen', isbn: '9780306406157', publisher: 'Éditions Gallimard' },
      callNumber: 'ILL 100234',
      itemUseRestrictions: ['In Library Use Only'],
      pickupLocation: 'MAIN',
      pickupExpiryDate: '2025-02-15T23:59:59Z',
      itemNote: 'ILL request 100234 from LENDA',
    },
    {
      service: 'CheckOutItem',
      header: h,
      userId: 'INST-OKLA',
      userIdentifierType: 'Barcode Id',
      itemId: '39001000123456',
      itemIdentifierType: 'Barcode',
      requestId: '100234',
      desiredDateDue: '2025-04-01T23:59:59Z',
    },
    { service: 'CheckInItem', header: h, itemId: '100234', itemIdentifierType: 'Barcode', itemElementTypes: ['Bibliographic Description'] },
    {
      service: 'RenewItem',
      header: h,
      userId: 'P0001',
      userIdentifierType: 'Barcode Id',
      itemId: '100234',
      itemIdentifierType: 'Barcode',
      desiredDateDue: '2025-05-01T23:59:59Z',
    },
    {
      service: 'RequestItem',
      header: h,
      userId: 'INST-OKLA',
      userIdentifierType: 'Barcode Id',
      bibliographicId: { identifier: '991234567890', code: 'SYSNUMBER' },
      itemId: '39001000123456',
      itemIdentifierType: 'Barcode',
      requestId: '100234',
      requestType: 'Hold',
      requestScopeType: 'Item',
      needBeforeDate: '2025-03-15T00:00:00Z',
      pickupLocation: 'ILL',
    },
    {
      service: 'CancelRequestItem',
      header: h,
      userId: 'INST-OKLA',
      userIdentifierType: 'Barcode Id',
      requestId: '100234',
      itemId: '39001000123456',
      itemIdentifierType: 'Barcode',
      requestType: 'Hold',
      requestScopeType: 'Item',
    },
    { service: 'DeleteItem', header: h, itemId: '100234', itemIdentifierType: 'Barcode' },
    {
      service: 'CreateUserFiscalTransaction',
      header: h,
      userId: 'P0001',
      userIdentifierType: 'Barcode Id',
      fiscalTransaction: {
        actionType: 'Assess',
        transactionType: 'Service Charge',
        amount: { currencyCode: 'USD', monetaryValue: 1250 },
        description: 'ILL fee for request 100234',
        requestId: '100234',
        itemId: '100234',
      },
    },
  ];
}

/** One success response per service, shaped the way the simulators answer. */
export function sampleResponses(h: ResponseHeader = responseHeader): NcipSuccessResponse[] {
  return [
    {
      service: 'LookupUser',
      header: h,
      userId: 'P0001',
      userIdentifierType: 'Barcode Id',
      user: {
        name: { givenName: 'Zoë', surname: "O'Brien & Sons", unstructured: "O'Brien & Sons, Zoë" },
        addresses: [
          { role: 'Home', electronic: { type: 'mailto', data: 'zoe@example.org' } },
          {
            role: 'Home',
            validTo: '2030-01-01T00:00:00Z',
            physical: { type: 'Postal Address', structured: { line1: '1 Main St', locality: 'Tulsa', region: 'OK', postalCode: '74101' } },
          },
          { role: 'Multi-Purpose', physical: { type: 'Postal Address', unstructured: { type: 'Newline-Delimited Text', data: '1 Main St\nTulsa OK' } } },
        ],
        privileges: [
          { agencyId: 'TULSA', type: 'STATUS', status: 'BLOCKED', validTo: '2026-06-30T00:00:00Z' },
          { agencyId: 'TULSA', type: 'PROFILE', status: 'Faculty' },
        ],
        blocks: [{ agencyId: 'TULSA', type: 'Block Check Out' }],
        userIds: [{ value: '21234000123456', type: 'Barcode' }],
      },
    },
    {
      service: 'LookupItem',
      header: h,
      itemId: '39001000123456',
      holdPickupDate: '2025-02-01T12:00:00Z',
      item: {
        bibliographicDescription: { title: HARD_TITLE, author: 'Sōseki Natsume', issn: '1234-5679' },
        circulationStatus: 'Available On Shelf',
        holdQueueLength: 2,
        callNumber: 'PL812 .A8',
        copyNumber: 'c.2',
        locations: [
          {
            type: 'Permanent',
            names: [
              { level: 1, value: 'Main Library' },
              { level: 2, value: 'Stacks' },
            ],
          },
        ],
        dateDue: '2025-03-01T23:59:59Z',
      },
    },
    { service: 'AcceptItem', header: h, requestId: '100234', itemId: '100234' },
    {
      service: 'CheckOutItem',
      header: h,
      itemId: '39001000123456',
      userId: 'INST-OKLA',
      dateDue: '2025-04-01T23:59:59Z',
      renewalCount: 0,
    },
    {
      service: 'CheckInItem',
      header: h,
      itemId: '100234',
      userId: 'P0001',
      routing: { instructions: 'Route to ILL office', destination: { type: 'Permanent', names: [{ level: 1, value: 'ILL Office' }] } },
      item: { bibliographicDescription: { title: 'Middlemarch', author: 'Eliot, George' } },
    },
    { service: 'RenewItem', header: h, itemId: '100234', userId: 'P0001', dateDue: '2025-05-01T23:59:59Z', renewalCount: 1 },
    {
      service: 'RequestItem',
      header: h,
      requestId: 'HOLD-77',
      itemId: '39001000123456',
      userId: 'INST-OKLA',
      requestType: 'Hold',
      requestScopeType: 'Item',
      dateAvailable: '2025-02-03T09:00:00Z',
    },
    { service: 'CancelRequestItem', header: h, requestId: 'HOLD-77', userId: 'INST-OKLA' },
    { service: 'DeleteItem', header: h, itemId: '100234' },
    { service: 'CreateUserFiscalTransaction', header: h, userId: 'P0001', fiscalTransactionReferenceId: 'FEE-991', fiscalTransactionAgencyId: 'TULSA' },
  ];
}
