/**
 * `demo.sierra`: how to reach the Sierra simulator's seed in Sierra's terms (client key and
 * secret, record numbers, barcodes, location codes, patron and item types).
 */
import { buildDemoDataset, type DemoDataset, type DemoItem, type DemoPatron, type DemoProfile, demoRoster } from '../../seed.ts';
import {
  demoPin,
  itemTypeOf,
  patronTypeOf,
  sierraBasePath,
  sierraItemTypes,
  sierraLocations,
  sierraPatronTypes,
  sierraPickupLocations,
  sierraStatGroups,
  toSierraId,
} from './ids.ts';

export const sierraDemoProfile: DemoProfile = { fakerSeed: 2002, itemBarcodePrefix: '32', patronBarcodePrefix: '22' };

export interface SierraDemoPatron {
  /** Patron record number (`GET /patrons/{id}`). */
  id: number;
  barcode: string;
  /** Demo PIN: the last four digits of the barcode. */
  pin: string;
  /** The unique id (varField `u`), the engine's primary id. */
  uniqueId: string;
  name: string;
  email: string;
  patronType: number;
  /** Expiry relative to the day the simulator was seeded. */
  expiresInDays: number;
}

export interface SierraDemoItem {
  /** Item record number. */
  id: number;
  bibId: number;
  barcode: string;
  title: string;
  author: string;
  /** Sierra location code of the item. */
  location: string;
  library: string;
  itemType: number;
  callNumber: string;
}

export function describeSierraDemo(dataset: DemoDataset) {
  const locations = sierraLocations(dataset);
  const locationCode = (library: string, location: string) => locations.find((l) => l.library === library && l.location === location)?.code ?? '';
  const patron = (source: DemoPatron): SierraDemoPatron => ({
    id: toSierraId('patron', source.id),
    barcode: source.barcode,
    pin: demoPin(source.barcode),
    uniqueId: source.primaryId,
    name: `${source.lastName}, ${source.firstName}`,
    email: source.email,
    patronType: patronTypeOf(source.userGroup),
    expiresInDays: source.expiresInDays,
  });
  const item = (source: DemoItem): SierraDemoItem => ({
    id: toSierraId('item', source.itemId),
    bibId: toSierraId('bib', source.bibId),
    barcode: source.barcode,
    title: source.title,
    author: source.author,
    location: locationCode(source.library, source.location),
    library: source.library,
    itemType: itemTypeOf(source.policy),
    callNumber: source.callNumber,
  });
  return {
    vendor: 'sierra' as const,
    basePath: sierraBasePath,
    /** Client credentials for `POST /token` (Basic base64(key:secret)); every role. */
    clientKey: 'sierra-demo-key',
    clientSecret: 'sierra-demo-secret',
    /** A key with the read roles only: writes answer 403 (code 116). */
    readOnlyClientKey: 'sierra-demo-readonly-key',
    readOnlyClientSecret: 'sierra-demo-readonly-secret',
    /** Bearer tokens last this long, as Sierra's do. */
    tokenLifetimeSeconds: 3600,
    /** NCIP responder (the generic one, Sierra profile) under this path. */
    ncipPath: '/iii/nciprp',
    ncipAgencyId: 'BKSSIERRA',
    locations,
    /** Where temporary ILL items are shelved (MAIN's ILL office). */
    illLocation: locationCode('MAIN', 'ILL'),
    /** Location lent items move to while away (Sierra has no separate temporary location). */
    lendingTemporaryLocation: locationCode('MAIN', 'ILL'),
    pickupLocations: sierraPickupLocations(dataset),
    statGroups: sierraStatGroups(dataset),
    patronTypes: sierraPatronTypes,
    itemTypes: sierraItemTypes,
    /** Manual charges are the only fines the API can create: charge type 1. */
    manualChargeType: '1',
    libraries: dataset.libraries.map((library) => ({
      code: library.code,
      name: library.name,
      closedWeekdays: library.closedWeekdays,
      annualClosedDates: library.annualClosedDates,
    })),
    ...demoRoster(dataset, patron, item),
    checkedOutItem: { ...item(dataset.checkedOutItem), borrowerBarcode: dataset.otherPatrons[0]?.barcode ?? '' },
  };
}

export const sierraDataset = buildDemoDataset(sierraDemoProfile);
export const sierraDemo = describeSierraDemo(sierraDataset);
export type SierraDemo = typeof sierraDemo;
