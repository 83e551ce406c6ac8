/**
 * Bibliographic records, holdings and items: the inventory the circulation rules act on,
 * including short-lived temporary ILL items.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from './database.ts';
import type { Engine } from './engine.ts';
import { EngineError } from './errors.ts';
import {
  activeHoldsForItem,
  activeLoanForItem,
  findItemByBarcode,
  requireBib,
  requireHolding,
  requireItem,
  requireLibrary,
  requireLocation,
} from './lookup.ts';
import { type Bib, bibs, fees, type Holding, holdings, holds, inHouseUses, type Item, items, loans, type MarcRecord, pickupNotices } from './schema.ts';

export interface BibInput {
  title: string;
  author?: string | null;
  isbn?: string | null;
  publisher?: string | null;
  publicationYear?: string | null;
  marc?: MarcRecord | null;
  otherSystemIds?: string[];
  suppressed?: boolean;
}

export function createBib(engine: Engine, input: BibInput): Bib {
  if (input.title.trim() === '') throw new EngineError('INVALID_INPUT', 'A bibliographic record needs a title.');
  const now = engine.clock.now();
  return engine.db
    .insert(bibs)
    .values({
      title: input.title,
      author: input.author ?? null,
      isbn: input.isbn ?? null,
      publisher: input.publisher ?? null,
      publicationYear: input.publicationYear ?? null,
      marc: input.marc ?? null,
      otherSystemIds: input.otherSystemIds ?? [],
      suppressed: input.suppressed ?? false,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
}

export interface BibQuery {
  ids?: number[];
  /** Exact match on one of the record's other-system identifiers (MARC 035). */
  otherSystemId?: string;
}

export function findBibs(engine: Engine, query: BibQuery): Bib[] {
  if (query.ids) {
    if (query.ids.length === 0) return [];
    return engine.db.select().from(bibs).where(inArray(bibs.id, query.ids)).orderBy(asc(bibs.id)).all();
  }
  if (query.otherSystemId !== undefined) {
    const wanted = query.otherSystemId;
    return engine.db
      .select()
      .from(bibs)
      .where(sql`exists (select 1 from json_each(${bibs.otherSystemIds}) where json_each.value = ${wanted})`)
      .orderBy(asc(bibs.id))
      .all();
  }
  return [];
}

export function listHoldings(engine: Engine, bibId: number): Holding[] {
  return engine.db.select().from(holdings).where(eq(holdings.bibId, bibId)).orderBy(asc(holdings.id)).all();
}

export function listItems(engine: Engine, filter: { bibId: number; holdingId?: number }): Item[] {
  const where = filter.holdingId === undefined ? eq(items.bibId, filter.bibId) : and(eq(items.bibId, filter.bibId), eq(items.holdingId, filter.holdingId));
  return engine.db.select().from(items).where(where).orderBy(asc(items.id)).all();
}

export function deleteBib(engine: Engine, bibId: number, options: { override?: boolean } = {}): void {
  engine.db.transaction((tx) => {
    requireBib(tx, bibId);
    const bibHoldings = tx.select().from(holdings).where(eq(holdings.bibId, bibId)).all();
    if (bibHoldings.length > 0 && !options.override) {
      throw new EngineError('BIB_HAS_INVENTORY', `Bibliographic record #${bibId} still has holdings.`, { bibId });
    }
    for (const holding of bibHoldings) removeHolding(tx, holding.id, true);
    tx.delete(bibs).where(eq(bibs.id, bibId)).run();
  });
}

export interface HoldingInput {
  bibId: number;
  libraryCode: string;
  locationCode: string;
  callNumber?: string;
  marc?: MarcRecord | null;
  suppressed?: boolean;
}

export function createHolding(engine: Engine, input: HoldingInput): Holding {
  return engine.db.transaction((tx) => {
    requireBib(tx, input.bibId);
    const library = requireLibrary(tx, input.libraryCode);
    const location = requireLocation(tx, library, input.locationCode);
    const now = engine.clock.now();
    return tx
      .insert(holdings)
      .values({
        bibId: input.bibId,
        libraryId: library.id,
        locationId: location.id,
        callNumber: input.callNumber ?? '',
        marc: input.marc ?? null,
        suppressed: input.suppressed ?? false,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
  });
}

export function deleteHolding(engine: Engine, holdingId: number, options: { override?: boolean; bib?: 'retain' | 'delete' } = {}): void {
  engine.db.transaction((tx) => {
    const holding = requireHolding(tx, holdingId);
    const holdingItems = tx.select({ id: items.id }).from(items).where(eq(items.holdingId, holdingId)).all();
    if (holdingItems.length > 0 && !options.override) {
      throw new EngineError('HOLDING_HAS_ITEMS', `Holding #${holdingId} still has items.`, { holdingId });
    }
    removeHolding(tx, holdingId, true);
    if (options.bib === 'delete') {
      const left = tx.select({ id: holdings.id }).from(holdings).where(eq(holdings.bibId, holding.bibId)).all();
      if (left.length === 0) tx.delete(bibs).where(eq(bibs.id, holding.bibId)).run();
    }
  });
}

function removeHolding(tx: Db, holdingId: number, withItems: boolean): void {
  if (withItems) {
    for (const item of tx.select({ id: items.id }).from(items).where(eq(items.holdingId, holdingId)).all()) {
      removeItem(tx, item.id);
    }
  }
  tx.delete(holdings).where(eq(holdings.id, holdingId)).run();
}

/** Hard delete: an item's circulation rows go with it; fees keep a snapshot of barcode and title. */
function removeItem(tx: Db, itemId: number): void {
  const item = requireItem(tx, itemId);
  const bib = requireBib(tx, item.bibId);
  tx.update(fees).set({ itemId: null, itemBarcode: item.barcode, itemTitle: bib.title }).where(eq(fees.itemId, itemId)).run();
  tx.delete(pickupNotices).where(eq(pickupNotices.itemId, itemId)).run();
  tx.delete(inHouseUses).where(eq(inHouseUses.itemId, itemId)).run();
  tx.delete(loans).where(eq(loans.itemId, itemId)).run();
  tx.delete(holds).where(eq(holds.itemId, itemId)).run();
  tx.delete(items).where(eq(items.id, itemId)).run();
}

/** Item fields a vendor may set; omitted notes are empty, as in a full-record write. */
export interface ItemFields {
  barcode?: string;
  policy?: string;
  materialType?: string;
  description?: string;
  publicNote?: string;
  fulfillmentNote?: string;
  internalNote1?: string;
  internalNote2?: string;
  internalNote3?: string;
  statisticsNote1?: string;
  statisticsNote2?: string;
  statisticsNote3?: string;
  replacementCostCents?: number | null;
  /** Move the item to a temporary location (both codes required), or back (`false`). */
  inTempLocation?: boolean;
  tempLibraryCode?: string | null;
  tempLocationCode?: string | null;
  temporary?: boolean;
  illRequestId?: string | null;
  lendingLibrary?: string | null;
  /** Loans of the item end by this instant at the latest (a lender's return date). */
  dueBackAt?: Date | null;
}

export interface ItemInput extends ItemFields {
  holdingId: number;
}

/** The next free variant of a taken barcode (`123-1`, `123-2`, …): a suggestion, never applied. */
export function suggestBarcode(db: Db, barcode: string): string {
  for (let n = 1; ; n += 1) {
    const candidate = `${barcode}-${n}`;
    if (!findItemByBarcode(db, candidate)) return candidate;
  }
}

function assertBarcodeFree(db: Db, barcode: string, exceptItemId?: number): void {
  const existing = findItemByBarcode(db, barcode);
  if (existing && existing.id !== exceptItemId) {
    throw new EngineError('BARCODE_IN_USE', `Barcode ${barcode} is already used by another item.`, {
      barcode,
      suggestedBarcode: suggestBarcode(db, barcode),
    });
  }
}

function resolveTempLocation(db: Db, fields: ItemFields): { inTempLocation: boolean; tempLibraryId: number | null; tempLocationId: number | null } | undefined {
  if (fields.inTempLocation === undefined) return undefined;
  if (!fields.inTempLocation) return { inTempLocation: false, tempLibraryId: null, tempLocationId: null };
  if (!fields.tempLibraryCode || !fields.tempLocationCode) {
    throw new EngineError('INVALID_INPUT', 'A temporary location needs both a library and a location.', {
      field: fields.tempLibraryCode ? 'temp_location' : 'temp_library',
    });
  }
  const library = requireLibrary(db, fields.tempLibraryCode);
  const location = requireLocation(db, library, fields.tempLocationCode);
  return { inTempLocation: true, tempLibraryId: library.id, tempLocationId: location.id };
}

/** Barcodes generated when a vendor lets the ILS assign one (Alma does when none is sent). */
function generateBarcode(db: Db): string {
  for (let n = 1; ; n += 1) {
    const candidate = `AUTO${String(n).padStart(8, '0')}`;
    if (!findItemByBarcode(db, candidate)) return candidate;
  }
}

export function createItem(engine: Engine, input: ItemInput): Item {
  return engine.db.transaction((tx) => {
    const holding = requireHolding(tx, input.holdingId);
    const barcode = input.barcode?.trim() ? input.barcode.trim() : generateBarcode(tx);
    assertBarcodeFree(tx, barcode);
    const temp = resolveTempLocation(tx, input);
    const now = engine.clock.now();
    return tx
      .insert(items)
      .values({
        holdingId: holding.id,
        bibId: holding.bibId,
        barcode,
        status: 'available',
        libraryId: holding.libraryId,
        locationId: holding.locationId,
        inTempLocation: temp?.inTempLocation ?? false,
        tempLibraryId: temp?.tempLibraryId ?? null,
        tempLocationId: temp?.tempLocationId ?? null,
        policy: input.policy ?? 'BOOK',
        materialType: input.materialType ?? 'BOOK',
        description: input.description ?? '',
        publicNote: input.publicNote ?? '',
        fulfillmentNote: input.fulfillmentNote ?? '',
        internalNote1: input.internalNote1 ?? '',
        internalNote2: input.internalNote2 ?? '',
        internalNote3: input.internalNote3 ?? '',
        statisticsNote1: input.statisticsNote1 ?? '',
        statisticsNote2: input.statisticsNote2 ?? '',
        statisticsNote3: input.statisticsNote3 ?? '',
        replacementCostCents: input.replacementCostCents ?? null,
        temporary: input.temporary ?? false,
        illRequestId: input.illRequestId ?? null,
        lendingLibrary: input.lendingLibrary ?? null,
        dueBackAt: input.dueBackAt ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
  });
}

/** Updates only the fields given (a full-object replace is the façade's job: it passes them all). */
export function updateItem(engine: Engine, itemId: number, fields: ItemFields): Item {
  return engine.db.transaction((tx) => {
    const item = requireItem(tx, itemId);
    const barcode = fields.barcode?.trim();
    if (barcode !== undefined && barcode !== '' && barcode !== item.barcode) assertBarcodeFree(tx, barcode, item.id);
    const temp = resolveTempLocation(tx, fields);
    const { tempLibraryCode: _library, tempLocationCode: _location, inTempLocation: _in, ...plain } = fields;
    return tx
      .update(items)
      .set({
        ...plain,
        barcode: barcode === undefined || barcode === '' ? item.barcode : barcode,
        ...(temp ?? {}),
        updatedAt: engine.clock.now(),
      })
      .where(eq(items.id, itemId))
      .returning()
      .get();
  });
}

export interface DeleteItemOptions {
  /** Delete even with an open loan or active holds (they are closed). */
  override?: boolean;
  /** What to do with a holding left without items. */
  holdings?: 'retain' | 'delete';
}

export function deleteItem(engine: Engine, itemId: number, options: DeleteItemOptions = {}): void {
  engine.db.transaction((tx) => {
    const item = requireItem(tx, itemId);
    const busy = activeLoanForItem(tx, itemId) !== undefined || activeHoldsForItem(tx, itemId).length > 0;
    if (busy && !options.override) {
      throw new EngineError('ITEM_HAS_ACTIVITY', `Item ${item.barcode} has an open loan or active requests.`, {
        barcode: item.barcode,
      });
    }
    removeItem(tx, itemId);
    if (options.holdings === 'delete') {
      const left = tx.select({ id: items.id }).from(items).where(eq(items.holdingId, item.holdingId)).all();
      if (left.length === 0) tx.delete(holdings).where(eq(holdings.id, item.holdingId)).run();
    }
  });
}

/** Temporary ILL items whose title contains the text: the staff's "no strap" recovery search. */
export function findTemporaryItems(engine: Engine, titleContains: string): Item[] {
  const needle = `%${titleContains.replace(/[%_]/g, '')}%`;
  return engine.db
    .select({ item: items })
    .from(items)
    .innerJoin(bibs, eq(bibs.id, items.bibId))
    .where(and(eq(items.temporary, true), sql`${bibs.title} like ${needle}`))
    .orderBy(asc(items.id))
    .all()
    .map((row) => row.item);
}
