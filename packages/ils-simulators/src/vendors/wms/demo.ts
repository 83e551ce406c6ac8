/**
 * `demo.wms`: how to reach the WMS simulator's seed in OCLC's terms — WSKeys and scopes, the
 * institution and branch registry ids, patron barcodes (the SCIM External_ID), the ILL settings
 * of the WMS Circulation module, and the accounts of borrowing institutions.
 */
import { buildDemoDataset, type DemoDataset, type DemoItem, type DemoPatron, type DemoProfile, demoRoster } from '../../seed.ts';

export const wmsDemoProfile: DemoProfile = { fakerSeed: 4004, itemBarcodePrefix: '34', patronBarcodePrefix: '24' };

/** OCLC scopes the simulator knows: NCIP staff services, SCIM patron reads, the circulation JSON API. */
export const wmsScopes = {
  ncip: 'WMS_NCIP',
  readUser: 'SCIM:read_user',
  circulation: 'WMS_CIRCULATION',
} as const;
export type WmsScope = (typeof wmsScopes)[keyof typeof wmsScopes];

export interface WmsDemoPatron {
  /** The patron barcode: NCIP UserId ("Barcode") and the SCIM External_ID. */
  barcode: string;
  /** The SCIM user id (a UUID-like persona id). */
  scimId: string;
  name: string;
  firstName: string;
  lastName: string;
  email: string;
  borrowerCategory: string;
  expiresInDays: number;
}

export interface WmsDemoItem {
  barcode: string;
  title: string;
  author: string;
  isbn: string;
  branchId: string;
  holdingLocation: string;
  callNumber: string;
}

/** A deterministic persona id per engine patron id (OCLC ids are UUIDs). */
export function wmsScimId(patronId: number): string {
  return `0c1c0000-5c1d-4e00-8a00-${String(patronId).padStart(12, '0')}`;
}

/** The registry id of the institution and of each branch (engine library code → 6-digit id). */
export const wmsInstitutionId = '128807';
export const wmsBranchIds: Readonly<Record<string, string>> = { MAIN: '129479', SCI: '128963' };

const patron = (source: DemoPatron): WmsDemoPatron => ({
  barcode: source.barcode,
  scimId: wmsScimId(source.id),
  name: source.name,
  firstName: source.firstName,
  lastName: source.lastName,
  email: source.email,
  borrowerCategory: source.userGroup,
  expiresInDays: source.expiresInDays,
});

const item = (source: DemoItem): WmsDemoItem => ({
  barcode: source.barcode,
  title: source.title,
  author: source.author,
  isbn: source.isbn,
  branchId: wmsBranchIds[source.library] ?? source.library,
  holdingLocation: source.location,
  callNumber: source.callNumber,
});

export function describeWmsDemo(dataset: DemoDataset) {
  const roster = demoRoster(dataset, patron, item);
  const accounts = roster.institutionalPatrons;
  return {
    vendor: 'wms' as const,
    /** The NCIP staff endpoint (real: https://circ.sd00.worldcat.org/ncip). */
    basePath: '/ncip',
    paths: {
      token: '/token',
      ncip: '/ncip',
      scimSearch: '/idaas/scim/v2/Users/.search',
      circulation: '/circ',
      patronNcip: '/circ-patron',
      desk: '/_sim/desk',
    },
    /** WSKey with every scope the integration needs. */
    wskey: 'wms-demo-wskey',
    secret: 'wms-demo-secret',
    /** A WSKey licensed for NCIP only: SCIM answers 403 "insufficient permissions". */
    ncipOnlyWskey: 'wms-ncip-only-wskey',
    ncipOnlySecret: 'wms-ncip-only-secret',
    scopes: wmsScopes,
    /** Access tokens live 20 minutes (OCLC answers expires_in 1199). */
    tokenLifetimeSeconds: 1199,
    institutionId: wmsInstitutionId,
    institutionName: 'Bookstrap State University (simulated WMS)',
    currency: 'USD',
    branches: dataset.libraries.map((library) => ({
      branchId: wmsBranchIds[library.code] ?? library.code,
      /** the engine's library code, for readers of the seed */
      code: library.code,
      name: library.name,
      closedWeekdays: library.closedWeekdays,
      annualClosedDates: library.annualClosedDates,
      holdShelfDays: library.holdShelfDays,
    })),
    /**
     * The ILL settings of the WMS Circulation module (OCLC Service Configuration): where temporary
     * items live, the account per borrowing institution, the ILL fee policy.
     */
    illSettings: {
      temporaryItemHomeBranch: wmsBranchIds.MAIN as string,
      temporaryHoldingLocation: 'ILL',
      temporaryShelvingLocation: 'ILL Shelf',
      /** loan policy of temporary items; the stricter of it and the lender's date applies at check-out */
      temporaryItemPolicy: 'BOOK',
      libraryUseOnlyItemPolicy: 'LIBUSE',
      borrowingInstitutionPatronBarcodes: Object.fromEntries(Object.entries(accounts).map(([symbol, account]) => [symbol, account.barcode])) as Record<
        string,
        string
      >,
      illFeePolicy: { feeType: 'ILL-fee', defaultAmount: 5 },
    },
    /** NCIP FiscalTransactionType values WMS bills carry. */
    feeTypes: {
      illFee: 'ILL-fee',
      lostItemReplacement: 'Lost Item Replacement Charge',
      lostItemProcessing: 'Lost Item Processing Fee',
    },
    /** How Bookstrap identifies itself in NCIP headers (FromSystemId / FromAgencyId). */
    ncip: { toSystemId: 'WMS Circ', applicationProfileType: '2.00' },
    ...roster,
    checkedOutItem: { ...item(dataset.checkedOutItem), borrower: dataset.otherPatrons[0]?.barcode ?? '' },
  };
}

export const wmsDataset = buildDemoDataset(wmsDemoProfile);
export const wmsDemo = describeWmsDemo(wmsDataset);
export type WmsDemo = typeof wmsDemo;
