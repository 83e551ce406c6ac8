/**
 * Sierra-shaped identifiers and codes for engine rows.
 *
 * Sierra record numbers are plain integers per record type (bib 1000001, item 1000001, patron
 * 1000001: the `.b`/`.i`/`.p` prefix and check digit are a display form the API does not take).
 * Holds, checkouts and fines have their own integer ids. Related records are written as URLs
 * (`…/v6/patrons/1000004`), so every id here is reversible.
 */
import type { DemoDataset } from '../../seed.ts';

export const sierraIdOffsets = {
  bib: 1_000_000,
  item: 1_000_000,
  patron: 1_000_000,
  hold: 400_000,
  checkout: 1_800_000,
  fine: 500_000,
} as const;
export type SierraRecordKind = keyof typeof sierraIdOffsets;

export const sierraBasePath = '/iii/sierra-api/v6';

export function toSierraId(kind: SierraRecordKind, engineId: number): number {
  return sierraIdOffsets[kind] + engineId;
}

/** The engine id behind a Sierra id; undefined when the text is not one of ours (or not a number). */
export function fromSierraId(kind: SierraRecordKind, text: string | number): number | undefined {
  const value = typeof text === 'number' ? text : /^\d{1,10}$/u.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value)) return undefined;
  const engineId = value - sierraIdOffsets[kind];
  return engineId > 0 ? engineId : undefined;
}

export const isRecordNumber = (text: string) => /^\d{1,10}$/u.test(text);

/**
 * Sierra has no library/location hierarchy: an item sits at a location code of up to five
 * characters. Ours are the first letter of the library and three of the shelving location
 * (MAIN/STACKS → `msta`, MAIN/ILL → `mill`, SCI/ILL → `sill`).
 */
export interface SierraLocation {
  code: string;
  name: string;
  library: string;
  location: string;
}

/** Pickup locations are location codes too; ours are the library code in lower case. */
export interface SierraPickupLocation {
  code: string;
  name: string;
  library: string;
}

/**
 * Statistics groups name the terminal a transaction is done at; check-out and check-in by API
 * happen at the key's default group unless the call names another (our assumption, see README).
 */
export interface SierraStatGroup {
  number: number;
  name: string;
  library: string;
}

export function sierraLocations(dataset: DemoDataset): SierraLocation[] {
  const list = dataset.libraries.flatMap((library) =>
    library.locations.map((location) => ({
      code: `${library.code.slice(0, 1)}${location.code.slice(0, 3)}`.toLowerCase(),
      name: location.name,
      library: library.code,
      location: location.code,
    })),
  );
  if (new Set(list.map((entry) => entry.code)).size !== list.length) throw new Error('Sierra location codes collide in the demo dataset');
  return list;
}

export function sierraPickupLocations(dataset: DemoDataset): SierraPickupLocation[] {
  return dataset.libraries.map((library) => ({ code: library.code.toLowerCase(), name: library.name, library: library.code }));
}

export function sierraStatGroups(dataset: DemoDataset): SierraStatGroup[] {
  return dataset.libraries.map((library, index) => ({ number: index + 1, name: `${library.name} circulation`, library: library.code }));
}

/** Patron types (P TYPE, fixed field 47) for the engine's user groups. */
export const sierraPatronTypes: Readonly<Record<string, number>> = {
  UNDERGRAD: 1,
  GRAD: 2,
  FACULTY: 3,
  STAFF: 4,
  ILLPARTNER: 25,
};

/** Item types (I TYPE, fixed field 61) for the engine's item policies. */
export const sierraItemTypes: Readonly<Record<string, number>> = {
  BOOK: 1,
  SHORT: 2,
  ILL: 20,
  LIBUSE: 21,
  NONCIRC: 22,
};

export function patronTypeOf(userGroup: string): number {
  return sierraPatronTypes[userGroup] ?? 0;
}

export function itemTypeOf(policy: string): number {
  return sierraItemTypes[policy] ?? 0;
}

export function policyOfItemType(itemType: number): string | undefined {
  return Object.entries(sierraItemTypes).find(([, value]) => value === itemType)?.[0];
}

/** The demo PIN of a patron: the last four digits of the barcode (the Patron API pintest too). */
export function demoPin(barcode: string): string {
  return barcode.slice(-4);
}
