/**
 * `demo.alma`: how to reach the Alma simulator's seed (credentials, codes, ids in Alma form).
 */
import { buildDemoDataset, type DemoDataset, type DemoItem, type DemoPatron, type DemoProfile, demoRoster } from '../../seed.ts';
import { toAlmaId } from './ids.ts';

export const almaDemoProfile: DemoProfile = { fakerSeed: 1001, itemBarcodePrefix: '31', patronBarcodePrefix: '21' };

export interface AlmaDemoPatron {
  primaryId: string;
  barcode: string;
  name: string;
  firstName: string;
  lastName: string;
  email: string;
  userGroup: string;
  /** Expiry relative to the day the simulator was seeded (it moves with the clock of that day). */
  expiresInDays: number;
}

export interface AlmaDemoItem {
  barcode: string;
  title: string;
  author: string;
  isbn: string;
  mms_id: string;
  holding_id: string;
  item_pid: string;
  library: string;
  location: string;
  callNumber: string;
  policy: string;
}

const patron = (source: DemoPatron): AlmaDemoPatron => ({
  primaryId: source.primaryId,
  barcode: source.barcode,
  name: source.name,
  firstName: source.firstName,
  lastName: source.lastName,
  email: source.email,
  userGroup: source.userGroup,
  expiresInDays: source.expiresInDays,
});

const item = (source: DemoItem): AlmaDemoItem => ({
  barcode: source.barcode,
  title: source.title,
  author: source.author,
  isbn: source.isbn,
  mms_id: toAlmaId('bib', source.bibId),
  holding_id: toAlmaId('holding', source.holdingId),
  item_pid: toAlmaId('item', source.itemId),
  library: source.library,
  location: source.location,
  callNumber: source.callNumber,
  policy: source.policy,
});

export function describeAlmaDemo(dataset: DemoDataset) {
  return {
    vendor: 'alma' as const,
    basePath: '/almaws/v1',
    /** Read/write key for every API area. */
    apiKey: 'alma-demo-key',
    /** A key that may only read (writes answer UNAUTHORIZED). */
    readOnlyApiKey: 'alma-demo-readonly-key',
    institutionCode: '01BKS_INST',
    currency: 'USD',
    libraries: dataset.libraries.map((library) => ({
      code: library.code,
      name: library.name,
      closedWeekdays: library.closedWeekdays,
      annualClosedDates: library.annualClosedDates,
      holdShelfDays: library.holdShelfDays,
      locations: library.locations,
      circDesks: library.circulationDesks,
    })),
    /** The circulation desk to name in loans and scan-ins, per library. */
    circDesks: Object.fromEntries(dataset.libraries.map((library) => [library.code, 'DEFAULT_CIRC_DESK'])) as Record<string, string>,
    /** The desk resource sharing staff work at (MAIN). */
    resourceSharingDesk: { library: 'MAIN', circDesk: 'RS_DESK' },
    /** ILL holding/temporary location code (exists in every library). */
    illLocation: 'ILL',
    /** Library whose ILL location temporary items are created in. */
    illLibrary: 'MAIN',
    shelvingLocation: 'STACKS',
    pickupLocations: dataset.libraries.map((library) => library.code),
    itemPolicies: {
      standard: 'BOOK',
      shortLoan: 'SHORT',
      interlibraryLoan: 'ILL',
      libraryUseOnly: 'LIBUSE',
      nonCirculating: 'NONCIRC',
    },
    materialType: 'BOOK',
    feeTypes: {
      illFee: 'DOCUMENTDELIVERYSERVICE',
      lostItemReplacement: 'LOSTITEMREPLACEMENTFEE',
      lostItemProcessing: 'LOSTITEMPROCESSFEE',
      overdue: 'OVERDUEFINE',
    },
    ...demoRoster(dataset, patron, item),
    checkedOutItem: { ...item(dataset.checkedOutItem), borrower: dataset.otherPatrons[0]?.primaryId ?? '' },
    /** Resource sharing partner code (NCIP application profile) Alma knows Bookstrap by. */
    ncipPartnerCode: 'BOOKSTRAP',
  };
}

export const almaDataset = buildDemoDataset(almaDemoProfile);
export const almaDemo = describeAlmaDemo(almaDataset);
export type AlmaDemo = typeof almaDemo;
