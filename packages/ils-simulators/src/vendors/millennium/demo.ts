/**
 * `demo.millennium`: how to reach the Millennium simulator's seed in Innovative's terms — NCIP
 * agency and path, Patron API path, record numbers (`.p1000001`), barcodes, PINs, location codes.
 */
import { buildDemoDataset, type DemoDataset, type DemoItem, type DemoPatron, type DemoProfile, demoRoster } from '../../seed.ts';
import { demoPin, itemTypeOf, patronTypeOf, sierraLocations, sierraPickupLocations, toSierraId } from '../sierra/ids.ts';

export const millenniumDemoProfile: DemoProfile = { fakerSeed: 3003, itemBarcodePrefix: '33', patronBarcodePrefix: '23' };

export interface MillenniumDemoPatron {
  /** Patron record number (RECORD #[p81]); `.p` + this + check digit in staff displays. */
  recordNumber: number;
  barcode: string;
  pin: string;
  name: string;
  email: string;
  patronType: number;
  expiresInDays: number;
}

export interface MillenniumDemoItem {
  recordNumber: number;
  barcode: string;
  title: string;
  author: string;
  location: string;
  library: string;
  itemType: number;
}

export function describeMillenniumDemo(dataset: DemoDataset) {
  const locations = sierraLocations(dataset);
  const locationCode = (library: string, location: string) => locations.find((l) => l.library === library && l.location === location)?.code ?? '';
  const patron = (source: DemoPatron): MillenniumDemoPatron => ({
    recordNumber: toSierraId('patron', source.id),
    barcode: source.barcode,
    pin: demoPin(source.barcode),
    name: `${source.lastName}, ${source.firstName}`,
    email: source.email,
    patronType: patronTypeOf(source.userGroup),
    expiresInDays: source.expiresInDays,
  });
  const item = (source: DemoItem): MillenniumDemoItem => ({
    recordNumber: toSierraId('item', source.itemId),
    barcode: source.barcode,
    title: source.title,
    author: source.author,
    location: locationCode(source.library, source.location),
    library: source.library,
    itemType: itemTypeOf(source.policy),
  });
  return {
    vendor: 'millennium' as const,
    /** Innovative's NCIP Responder (NCIP 2.0): POST here; ToAgencyId below; patrons by barcode. */
    ncipPath: '/iii/nciprp',
    ncipAgencyId: 'BKSMILL',
    /**
     * NCIP partners whose login sits at another branch (FromAgencyId → library): messages from
     * SCIDESK check items in and out at the Science Library; everyone else at MAIN's ILL office.
     */
    ncipPartners: { SCIDESK: 'SCI' } as Readonly<Record<string, string>>,
    /** The read-only Patron API: `/PATRONAPI/{barcode}/dump`, `/PATRONAPI/{barcode}/{pin}/pintest`. */
    patronApiPath: '/PATRONAPI',
    locations,
    illLocation: locationCode('MAIN', 'ILL'),
    pickupLocations: sierraPickupLocations(dataset),
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

export const millenniumDataset = buildDemoDataset(millenniumDemoProfile);
export const millenniumDemo = describeMillenniumDemo(millenniumDataset);
export type MillenniumDemo = typeof millenniumDemo;
