/**
 * Finders shared by the operations and the vendor façades. `require*` throws the engine error a
 * façade maps to its "not found" code; `find*` returns undefined.
 */
import { cached, findBy } from '@bookstrap/sqlite';
import { and, asc, eq, getTableName, inArray, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { toDay } from './calendar.ts';
import type { Db } from './database.ts';
import { EngineError } from './errors.ts';
import {
  activeHoldStatuses,
  type Bib,
  bibs,
  type CirculationDesk,
  circulationDesks,
  type Hold,
  type Holding,
  holdings,
  holds,
  type Item,
  type ItemPolicy,
  itemPolicies,
  items,
  type Library,
  type Loan,
  type Location,
  libraries,
  loans,
  locations,
  type Patron,
  type PatronBlock,
  patronBlocks,
  patrons,
} from './schema.ts';

// Finds that run several times per vendor call, as prepared queries built once per connection
// (@bookstrap/sqlite, shared with the service).
export function findLibrary(db: Db, code: string): Library | undefined {
  return findBy<Library>(db, libraries, libraries.code, code);
}

export function requireLibrary(db: Db, code: string): Library {
  const library = findLibrary(db, code);
  if (!library) throw new EngineError('LIBRARY_NOT_FOUND', `Library ${code} does not exist.`, { library: code });
  return library;
}

export function libraryById(db: Db, id: number): Library {
  const library = findBy<Library>(db, libraries, libraries.id, id);
  if (!library) throw new EngineError('LIBRARY_NOT_FOUND', `Library #${id} does not exist.`);
  return library;
}

export function listLibraries(db: Db): Library[] {
  return db.select().from(libraries).orderBy(asc(libraries.id)).all();
}

export function findLocation(db: Db, libraryId: number, code: string): Location | undefined {
  return db
    .select()
    .from(locations)
    .where(and(eq(locations.libraryId, libraryId), eq(locations.code, code)))
    .get();
}

export function requireLocation(db: Db, library: Library, code: string): Location {
  const location = findLocation(db, library.id, code);
  if (!location) {
    throw new EngineError('LOCATION_NOT_FOUND', `Location ${code} does not exist in library ${library.code}.`, {
      library: library.code,
      location: code,
    });
  }
  return location;
}

export function locationById(db: Db, id: number): Location {
  const location = findBy<Location>(db, locations, locations.id, id);
  if (!location) throw new EngineError('LOCATION_NOT_FOUND', `Location #${id} does not exist.`);
  return location;
}

export function requireDesk(db: Db, library: Library, code: string): CirculationDesk {
  const desk = db
    .select()
    .from(circulationDesks)
    .where(and(eq(circulationDesks.libraryId, library.id), eq(circulationDesks.code, code)))
    .get();
  if (!desk) {
    throw new EngineError('CIRC_DESK_NOT_FOUND', `Circulation desk ${code} does not exist in library ${library.code}.`, {
      library: library.code,
      desk: code,
    });
  }
  return desk;
}

export function deskById(db: Db, id: number): CirculationDesk | undefined {
  return findBy<CirculationDesk>(db, circulationDesks, circulationDesks.id, id);
}

/** How a patron is looked up: any unique identifier (Alma's `all_unique`), or one kind only. */
export type PatronIdentifierType = 'any' | 'primaryId' | 'barcode';

export function findPatron(db: Db, identifier: string, type: PatronIdentifierType = 'any'): Patron | undefined {
  if (type !== 'barcode') {
    const byPrimaryId = findBy<Patron>(db, patrons, patrons.primaryId, identifier);
    if (byPrimaryId || type === 'primaryId') return byPrimaryId;
  }
  return findBy<Patron>(db, patrons, patrons.barcode, identifier);
}

export function requirePatron(db: Db, identifier: string, type: PatronIdentifierType = 'any'): Patron {
  const patron = findPatron(db, identifier, type);
  if (!patron) {
    throw new EngineError('PATRON_NOT_FOUND', `Patron ${identifier} was not found.`, { identifier, type });
  }
  return patron;
}

export function requirePatronById(db: Db, id: number): Patron {
  const patron = findBy<Patron>(db, patrons, patrons.id, id);
  if (!patron) throw new EngineError('PATRON_NOT_FOUND', `Patron #${id} was not found.`, { identifier: id });
  return patron;
}

export function activeBlocks(db: Db, patronId: number): PatronBlock[] {
  return cached(db, 'activeBlocks', () =>
    db
      .select()
      .from(patronBlocks)
      .where(and(eq(patronBlocks.patronId, sql.placeholder('patronId')), eq(patronBlocks.active, true)))
      .orderBy(asc(patronBlocks.id))
      .prepare(),
  ).all({ patronId });
}

export function patronBlocksOf(db: Db, patronId: number): PatronBlock[] {
  return db.select().from(patronBlocks).where(eq(patronBlocks.patronId, patronId)).orderBy(asc(patronBlocks.id)).all();
}

export interface PatronStanding {
  blocked: boolean;
  expired: boolean;
  blocks: PatronBlock[];
}

/** Blocked = status blocked or any active block; expired = status expired or expiry day passed. */
export function patronStanding(db: Db, patron: Patron, now: Date): PatronStanding {
  const blocks = activeBlocks(db, patron.id);
  return {
    blocked: patron.status === 'blocked' || blocks.length > 0,
    expired: patron.status === 'expired' || patron.expiryDate < toDay(now),
    blocks,
  };
}

/** Throws PATRON_BLOCKED / PATRON_EXPIRED; blocks are checked first, as desks see them first. */
export function assertPatronInGoodStanding(db: Db, patron: Patron, now: Date): void {
  const standing = patronStanding(db, patron, now);
  if (standing.blocked) {
    const reason = standing.blocks[0]?.description ?? 'patron record is blocked';
    throw new EngineError('PATRON_BLOCKED', `Patron ${patron.primaryId} is blocked: ${reason}.`, {
      identifier: patron.primaryId,
      reason,
    });
  }
  if (standing.expired) {
    throw new EngineError('PATRON_EXPIRED', `Patron ${patron.primaryId} expired on ${patron.expiryDate}.`, {
      identifier: patron.primaryId,
      expiryDate: patron.expiryDate,
    });
  }
}

export function findItemByBarcode(db: Db, barcode: string): Item | undefined {
  return findBy<Item>(db, items, items.barcode, barcode);
}

export function requireItemByBarcode(db: Db, barcode: string): Item {
  const item = findItemByBarcode(db, barcode);
  if (!item) throw new EngineError('ITEM_NOT_FOUND', `No item with barcode ${barcode}.`, { barcode });
  return item;
}

export function findItem(db: Db, id: number): Item | undefined {
  return findBy<Item>(db, items, items.id, id);
}

export function requireItem(db: Db, id: number): Item {
  const item = findItem(db, id);
  if (!item) throw new EngineError('ITEM_NOT_FOUND', `Item #${id} does not exist.`, { itemId: id });
  return item;
}

export function findBib(db: Db, id: number): Bib | undefined {
  return findBy<Bib>(db, bibs, bibs.id, id);
}

export function requireBib(db: Db, id: number): Bib {
  const bib = findBib(db, id);
  if (!bib) throw new EngineError('BIB_NOT_FOUND', `Bibliographic record #${id} does not exist.`, { bibId: id });
  return bib;
}

export function findHolding(db: Db, id: number): Holding | undefined {
  return findBy<Holding>(db, holdings, holdings.id, id);
}

export function requireHolding(db: Db, id: number): Holding {
  const holding = findHolding(db, id);
  if (!holding) throw new EngineError('HOLDING_NOT_FOUND', `Holding #${id} does not exist.`, { holdingId: id });
  return holding;
}

export function findItemPolicy(db: Db, code: string): ItemPolicy | undefined {
  return findBy<ItemPolicy>(db, itemPolicies, itemPolicies.code, code);
}

export function listItemPolicies(db: Db): ItemPolicy[] {
  return db.select().from(itemPolicies).orderBy(asc(itemPolicies.id)).all();
}

export function activeLoanForItem(db: Db, itemId: number): Loan | undefined {
  return cached(db, 'activeLoanForItem', () =>
    db
      .select()
      .from(loans)
      .where(and(eq(loans.itemId, sql.placeholder('itemId')), eq(loans.status, 'active')))
      .prepare(),
  ).get({ itemId });
}

/** Active holds on an item in queue order (oldest first). */
export function activeHoldsForItem(db: Db, itemId: number): Hold[] {
  return cached(db, 'activeHoldsForItem', () =>
    db
      .select()
      .from(holds)
      .where(and(eq(holds.itemId, sql.placeholder('itemId')), inArray(holds.status, [...activeHoldStatuses])))
      .orderBy(asc(holds.createdAt), asc(holds.id))
      .prepare(),
  ).all({ itemId });
}

/** The library an item goes back to: its temporary library while it sits in a temporary location. */
export function homeLibraryId(item: Item): number {
  return item.inTempLocation && item.tempLibraryId !== null ? item.tempLibraryId : item.libraryId;
}

/** An item with everything a façade needs to render it. */
export interface ItemRecord {
  item: Item;
  holding: Holding;
  bib: Bib;
  library: Library;
  location: Location;
  tempLibrary?: Library;
  tempLocation?: Location;
  policy?: ItemPolicy;
  activeLoan?: Loan;
  activeHolds: Hold[];
}

export function describeItem(db: Db, item: Item): ItemRecord {
  return {
    item,
    holding: requireHolding(db, item.holdingId),
    bib: requireBib(db, item.bibId),
    library: libraryById(db, item.libraryId),
    location: locationById(db, item.locationId),
    tempLibrary: item.tempLibraryId === null ? undefined : libraryById(db, item.tempLibraryId),
    tempLocation: item.tempLocationId === null ? undefined : locationById(db, item.tempLocationId),
    policy: findItemPolicy(db, item.policy),
    activeLoan: activeLoanForItem(db, item.id),
    activeHolds: activeHoldsForItem(db, item.id),
  };
}
