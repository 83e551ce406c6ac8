/**
 * `demo.symphony` / `demo.horizon`: the seed in SirsiDynix terms — record keys, barcodes, PINs,
 * the client id and staff login Web Services expect, and the NCIP agency.
 */
import { type DemoDataset, type DemoItem, type DemoPatron, demoRoster } from '../../seed.ts';
import { bibKey, callKey } from './keys.ts';

export interface SirsiDynixDemoOptions {
  vendor: 'symphony' | 'horizon';
  basePath: string;
  clientId: string;
  staff: { login: string; password: string; key: string; name: string; library: string };
  overrideCode: string;
  sessionIdleMinutes: number;
  ncip: { path: string; agencyId: string; versions: readonly ('1.0' | '2.02')[] };
}

export interface SirsiDynixDemoPatron {
  /** the patron key (`/user/patron/key/{key}`) */
  key: string;
  /** the user ID Web Services and NCIP identify the patron by */
  barcode: string;
  /** PIN for patron login: the barcode's last four digits */
  pin: string;
  alternateID: string;
  name: string;
  displayName: string;
  userGroup: string;
  expiresInDays: number;
}

export interface SirsiDynixDemoItem {
  barcode: string;
  title: string;
  author: string;
  bibKey: string;
  callKey: string;
  itemKey: string;
  library: string;
  location: string;
  callNumber: string;
  itemType: string;
}

const patron = (source: DemoPatron): SirsiDynixDemoPatron => ({
  key: String(source.id),
  barcode: source.barcode,
  pin: source.barcode.slice(-4),
  alternateID: source.primaryId,
  name: source.name,
  displayName: `${source.lastName}, ${source.firstName}`,
  userGroup: source.userGroup,
  expiresInDays: source.expiresInDays,
});

const item = (source: DemoItem): SirsiDynixDemoItem => ({
  barcode: source.barcode,
  title: source.title,
  author: source.author,
  bibKey: bibKey(source.bibId),
  callKey: callKey(source.bibId, source.holdingId),
  itemKey: `${source.bibId}:${source.holdingId}:${source.itemId}`,
  library: source.library,
  location: source.location,
  callNumber: source.callNumber,
  itemType: source.policy,
});

export function describeSirsiDynixDemo(dataset: DemoDataset, options: SirsiDynixDemoOptions) {
  return {
    vendor: options.vendor,
    basePath: options.basePath,
    /** every call carries it as `x-sirs-clientID` */
    clientId: options.clientId,
    /** `POST {basePath}/user/staff/login {login, password}` */
    staff: options.staff,
    /** answers override prompts: `SD-Prompt-Return: CKOBLOCKS/<overrideCode>` */
    overrideCode: options.overrideCode,
    sessionIdleMinutes: options.sessionIdleMinutes,
    /** NCIP responder: POST XML to `ncip.path`, ToAgencyId `ncip.agencyId` */
    ncip: options.ncip,
    currency: 'USD',
    libraries: dataset.libraries.map((library) => ({
      code: library.code,
      name: library.name,
      closedWeekdays: library.closedWeekdays,
      annualClosedDates: library.annualClosedDates,
      holdShelfDays: library.holdShelfDays,
      locations: library.locations,
    })),
    /** where temporary items live (a location in every library), and the library they belong to */
    illLocation: 'ILL',
    illLibrary: 'MAIN',
    shelvingLocation: 'STACKS',
    pickupLocations: dataset.libraries.map((library) => library.code),
    itemTypes: { standard: 'BOOK', shortLoan: 'SHORT', interlibraryLoan: 'ILL', libraryUseOnly: 'LIBUSE', nonCirculating: 'NONCIRC' },
    ...demoRoster(dataset, patron, item),
    checkedOutItem: { ...item(dataset.checkedOutItem), borrower: dataset.otherPatrons[0]?.barcode ?? '' },
  };
}

export type SirsiDynixDemo = ReturnType<typeof describeSirsiDynixDemo>;
