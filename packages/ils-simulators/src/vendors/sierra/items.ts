/**
 * Sierra Item and Bib APIs: create (`{link}`), read (with `fields=`, id lists and ranges,
 * barcodes), update (ItemPatch: location, notes, type, barcode), delete, the item's checkouts and
 * check-in by barcode (`/iii/sierra-api/v6/items/…`, `/bibs/…`).
 */
import { asc, eq, inArray } from 'drizzle-orm';
import type { Context, Hono } from 'hono';
import { checkIn, listLoans } from '../../engine/circulation.ts';
import { createBib, createHolding, createItem, deleteBib, deleteItem, type ItemFields, updateItem } from '../../engine/catalog.ts';
import { findBib, findItem, findItemByBarcode, libraryById, locationById } from '../../engine/lookup.ts';
import { holdings, type Item, items } from '../../engine/schema.ts';
import { buildBibRecord } from '../../marc.ts';
import { requireRole } from './auth.ts';
import { SierraError, sierraErrors } from './errors.ts';
import { fromSierraId, isRecordNumber, policyOfItemType, toSierraId } from './ids.ts';
import { engineCall, recordParam } from './patrons.ts';
import { bibDefaultFields, checkoutDefaultFields, itemDefaultFields, renderBib, renderCheckout, renderItem } from './render.ts';
import {
  apiBase,
  assertKnownProperties,
  link,
  locationByCode,
  locationOf,
  readJsonObject,
  resultSet,
  type SierraWorld,
  selectFields,
  statGroupOf,
} from './world.ts';

const itemPatchFields = [
  'bibIds',
  'itemType',
  'location',
  'barcodes',
  'status',
  'messages',
  'varFields',
  'fixedFields',
  'copyNo',
  'price',
  'inventoryDate',
  'agency',
  'callNumbers',
] as const;
const bibPatchFields = ['titles', 'authors', 'lang', 'bibLevel', 'materialType', 'catalogDate', 'country', 'fixedFields', 'varFields', 'locations'] as const;

const duplicateBarcode = (barcode: string) => new SierraError(108, 0, 400, 'Invalid parameter', `Invalid parameter : Barcode ${barcode} is already in use`);

interface VarField {
  fieldTag: string;
  content: string;
}

function readVarFields(value: unknown, objectName: string): VarField[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw sierraErrors.badJson(`varFields must be an array in ${objectName}`);
  return value.map((entry) => {
    const field = entry as { fieldTag?: unknown; content?: unknown };
    if (typeof field?.fieldTag !== 'string' || typeof field.content !== 'string')
      throw sierraErrors.badJson(`varFields need fieldTag and content in ${objectName}`);
    return { fieldTag: field.fieldTag, content: field.content };
  });
}

function readStrings(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string')) throw sierraErrors.badJson(`${name} must be an array of strings`);
  return value as string[];
}

/** Fixed fields `{"61": {"value": "20"}}`: I TYPE (61), LOCATION (79) and STATUS (88) are honoured. */
function fixedFieldValue(fixed: unknown, number: string): string | undefined {
  if (fixed === undefined) return undefined;
  if (typeof fixed !== 'object' || fixed === null || Array.isArray(fixed)) throw sierraErrors.badJson('fixedFields must be an object');
  const entry = (fixed as Record<string, unknown>)[number];
  if (entry === undefined) return undefined;
  const value = (entry as { value?: unknown })?.value;
  if (value === undefined || value === null) return undefined;
  return String(value);
}

interface ItemPatch {
  bibId?: number;
  policy?: string;
  locationCode?: string;
  barcode?: string;
  callNumber?: string;
  notes: Partial<Pick<ItemFields, 'internalNote1' | 'fulfillmentNote' | 'description'>>;
  priceCents?: number;
}

/** Reads and validates an ItemPatch; what Sierra would refuse is refused here. */
function readItemPatch(body: Record<string, unknown>, creating: boolean): ItemPatch {
  assertKnownProperties(body, itemPatchFields, 'ItemPatch');
  const patch: ItemPatch = { notes: {} };
  if (body.bibIds !== undefined || creating) {
    const ids = body.bibIds;
    if (!Array.isArray(ids) || ids.length === 0) throw sierraErrors.badJson('bibIds is required when creating an item');
    const first = Number(ids[0]);
    if (!Number.isInteger(first)) throw sierraErrors.badJson('bibIds must hold record numbers');
    const bibId = fromSierraId('bib', first);
    if (bibId === undefined) throw sierraErrors.invalidParameter(`bibIds ${String(ids[0])}`);
    patch.bibId = bibId;
  }
  const itemType = body.itemType ?? fixedFieldValue(body.fixedFields, '61');
  if (itemType !== undefined) {
    const policy = policyOfItemType(Number(itemType));
    if (!policy) throw sierraErrors.invalidParameter(`itemType ${String(itemType)}`);
    patch.policy = policy;
  }
  const location = body.location ?? fixedFieldValue(body.fixedFields, '79');
  if (location !== undefined) {
    if (typeof location !== 'string' || location.trim() === '') throw sierraErrors.badJson('location must be a location code');
    patch.locationCode = location.trim();
  }
  const status = body.status ?? fixedFieldValue(body.fixedFields, '88');
  // Circulation moves items between statuses; the simulator lets clients write only "available".
  if (status !== undefined && status !== '-') throw sierraErrors.invalidParameter(`status ${String(status)} (the simulator accepts only "-")`);
  const varFields = readVarFields(body.varFields, 'ItemPatch');
  const barcodes = readStrings(body.barcodes, 'barcodes') ?? varFields.filter((field) => field.fieldTag === 'b').map((field) => field.content);
  if (barcodes.length > 0) patch.barcode = barcodes[0];
  const callNumbers = readStrings(body.callNumbers, 'callNumbers') ?? varFields.filter((field) => field.fieldTag === 'c').map((field) => field.content);
  if (callNumbers.length > 0) patch.callNumber = callNumbers[0];
  // varFields given replace the item's notes (x internal notes, m message, v volume); absent, they stay.
  const replacing = body.varFields !== undefined;
  const internal = varFields.filter((field) => field.fieldTag === 'x').map((field) => field.content);
  if (replacing || internal.length > 0) patch.notes.internalNote1 = internal.join('\n');
  const messages = [...(readStrings(body.messages, 'messages') ?? []), ...varFields.filter((field) => field.fieldTag === 'm').map((field) => field.content)];
  if (replacing || messages.length > 0) patch.notes.fulfillmentNote = messages.join(' ');
  const volumes = varFields.filter((field) => field.fieldTag === 'v').map((field) => field.content);
  if (replacing || volumes.length > 0) patch.notes.description = volumes.join(' ');
  if (body.price !== undefined) {
    const price = Number(body.price);
    if (!Number.isInteger(price) || price < 0) throw sierraErrors.badJson('price must be a whole number of cents');
    patch.priceCents = price;
  }
  if (body.copyNo !== undefined && !Number.isInteger(Number(body.copyNo))) throw sierraErrors.badJson('copyNo must be an integer');
  return patch;
}

/** `id=1000001,1000002` or `id=[1000001,1000010]` (a range; either end may be empty). */
export function parseIdFilter(text: string): (sierraId: number) => boolean {
  const range = /^\[(\d*),(\d*)\]$/u.exec(text.trim());
  if (range) {
    const low = range[1] === '' ? Number.NEGATIVE_INFINITY : Number(range[1]);
    const high = range[2] === '' ? Number.POSITIVE_INFINITY : Number(range[2]);
    return (id) => id >= low && id <= high;
  }
  const ids = text.split(',').map((part) => part.trim());
  if (ids.some((id) => !isRecordNumber(id))) throw sierraErrors.invalidParameter(`id ${text}`);
  const wanted = new Set(ids.map(Number));
  return (id) => wanted.has(id);
}

export function registerItemRoutes(app: Hono, world: SierraWorld): void {
  const { engine } = world;
  const v6 = '/iii/sierra-api/v6';

  /** An item the API can see: recently created ones only after the read-after-create lag. */
  const visible = (item: Item | undefined): item is Item => {
    if (!item) return false;
    const created = world.createdAt.get(item.id);
    return created === undefined || performance.now() - created >= world.itemVisibilityLagMs;
  };

  const itemFromPath = (c: Context): Item => {
    const engineId = fromSierraId('item', recordParam(c, 'id'));
    const item = engineId === undefined ? undefined : findItem(engine.db, engineId);
    if (!visible(item)) throw sierraErrors.recordNotFound();
    return item;
  };

  // ---- check-in by barcode (registered before items/:id) -----------------------------------------

  app.delete(`${v6}/items/checkouts/:barcode`, (c) => {
    requireRole(c, 'Items Write');
    const barcode = decodeURIComponent(c.req.param('barcode'));
    const item = findItemByBarcode(engine.db, barcode);
    if (!item) throw sierraErrors.recordNotFound();
    const group = statGroupOf(world, c.req.query('statgroup'));
    // Checking in an item that is not out is allowed (it routes the item to a waiting hold).
    engineCall(() => checkIn(engine, { itemId: item.id, libraryCode: group.library }));
    return c.body(null, 204);
  });

  // ---- items ----------------------------------------------------------------------------------

  app.get(`${v6}/items`, (c) => {
    requireRole(c, 'Items Read');
    const idText = c.req.query('id');
    const barcode = c.req.query('barcode');
    const bibIdsText = c.req.query('bibIds');
    let rows = engine.db.select().from(items).orderBy(asc(items.id)).all();
    if (barcode !== undefined) rows = rows.filter((item) => item.barcode === barcode);
    if (idText !== undefined) {
      const matches = parseIdFilter(idText);
      rows = rows.filter((item) => matches(toSierraId('item', item.id)));
    }
    if (bibIdsText !== undefined) {
      const bibIds = new Set(bibIdsText.split(',').map((id) => fromSierraId('bib', id.trim())));
      rows = rows.filter((item) => bibIds.has(item.bibId));
    }
    const entries = rows.filter(visible).map((item) => selectFields(c, renderItem(world, item), itemDefaultFields));
    return c.json(resultSet(c, entries));
  });

  app.post(`${v6}/items`, async (c) => {
    requireRole(c, 'Items Write');
    const patch = readItemPatch(await readJsonObject(c), true);
    const bib = patch.bibId === undefined ? undefined : findBib(engine.db, patch.bibId);
    if (!bib) throw sierraErrors.invalidParameter('bibIds: no such bib record');
    if (patch.locationCode === undefined) throw sierraErrors.badJson('location is required');
    const location = locationByCode(world, patch.locationCode);
    if (!location) throw sierraErrors.invalidParameter(`location ${patch.locationCode}`);
    if (patch.barcode !== undefined && findItemByBarcode(engine.db, patch.barcode)) throw duplicateBarcode(patch.barcode);
    // Sierra attaches items to the bib directly; the engine keeps a holding per item underneath.
    const item = engine.db.transaction(() => {
      const holding = createHolding(engine, {
        bibId: bib.id,
        libraryCode: location.library,
        locationCode: location.location,
        callNumber: patch.callNumber ?? '',
      });
      return engineCall(() =>
        createItem(engine, {
          holdingId: holding.id,
          ...(patch.barcode !== undefined ? { barcode: patch.barcode } : {}),
          policy: patch.policy ?? 'BOOK',
          ...patch.notes,
          replacementCostCents: patch.priceCents ?? null,
        }),
      );
    });
    world.createdAt.set(item.id, performance.now());
    return c.json({ link: link(apiBase(c), 'item', item.id) });
  });

  app.get(`${v6}/items/:id/checkouts`, (c) => {
    requireRole(c, 'Items Read');
    const item = itemFromPath(c);
    const base = apiBase(c);
    const active = listLoans(engine, { itemId: item.id, status: 'active' });
    return c.json(
      resultSet(
        c,
        active.map((loan) => selectFields(c, renderCheckout(world, base, loan), checkoutDefaultFields)),
      ),
    );
  });

  app.get(`${v6}/items/:id`, (c) => {
    requireRole(c, 'Items Read');
    return c.json(selectFields(c, renderItem(world, itemFromPath(c)), itemDefaultFields));
  });

  app.put(`${v6}/items/:id`, async (c) => {
    requireRole(c, 'Items Write');
    const item = itemFromPath(c);
    const patch = readItemPatch(await readJsonObject(c), false);
    if (patch.bibId !== undefined && patch.bibId !== item.bibId) throw sierraErrors.invalidParameter('bibIds cannot be changed');
    const fields: ItemFields = { ...patch.notes };
    if (patch.policy !== undefined) fields.policy = patch.policy;
    if (patch.priceCents !== undefined) fields.replacementCostCents = patch.priceCents;
    if (patch.barcode !== undefined && patch.barcode !== item.barcode) {
      if (findItemByBarcode(engine.db, patch.barcode)) throw duplicateBarcode(patch.barcode);
      fields.barcode = patch.barcode;
    }
    if (patch.locationCode !== undefined) {
      const location = locationByCode(world, patch.locationCode);
      if (!location) throw sierraErrors.invalidParameter(`location ${patch.locationCode}`);
      // Sierra keeps one location per item. The engine remembers the shelving location, so a
      // move back to it clears the temporary placement; any other code is a temporary placement.
      const atHome = homeCode(world, item) === location.code;
      Object.assign(
        fields,
        atHome ? { inTempLocation: false } : { inTempLocation: true, tempLibraryCode: location.library, tempLocationCode: location.location },
      );
    }
    engine.db.transaction(() => {
      engineCall(() => updateItem(engine, item.id, fields));
      if (patch.callNumber !== undefined) {
        engine.db.update(holdings).set({ callNumber: patch.callNumber, updatedAt: engine.clock.now() }).where(eq(holdings.id, item.holdingId)).run();
      }
    });
    return c.body(null, 204);
  });

  app.delete(`${v6}/items/:id`, (c) => {
    requireRole(c, 'Items Write');
    const item = itemFromPath(c);
    engineCall(() => deleteItem(engine, item.id, { holdings: 'delete' }));
    world.createdAt.delete(item.id);
    return c.body(null, 204);
  });

  // ---- bibs -----------------------------------------------------------------------------------

  app.post(`${v6}/bibs`, async (c) => {
    requireRole(c, 'Bibs Write');
    const body = await readJsonObject(c);
    assertKnownProperties(body, bibPatchFields, 'BibPatch');
    const titles = readStrings(body.titles, 'titles') ?? [];
    const authors = readStrings(body.authors, 'authors') ?? [];
    const title = titles[0]?.trim() ?? '';
    if (title === '') throw sierraErrors.badJson('titles is required');
    // BCODE3 (fixed field 31) "n" suppresses the record from the public catalogue.
    const suppressed = fixedFieldValue(body.fixedFields, '31') === 'n';
    const author = authors[0] ?? null;
    const bib = engineCall(() => createBib(engine, { title, author, suppressed, marc: buildBibRecord({ title, author }) }));
    return c.json({ link: link(apiBase(c), 'bib', bib.id) });
  });

  app.get(`${v6}/bibs/:id`, (c) => {
    requireRole(c, 'Bibs Read');
    const engineId = fromSierraId('bib', recordParam(c, 'id'));
    const bib = engineId === undefined ? undefined : findBib(engine.db, engineId);
    if (!bib) throw sierraErrors.recordNotFound();
    return c.json(selectFields(c, renderBib(bib), bibDefaultFields));
  });

  app.delete(`${v6}/bibs/:id`, (c) => {
    requireRole(c, 'Bibs Write');
    const engineId = fromSierraId('bib', recordParam(c, 'id'));
    const bib = engineId === undefined ? undefined : findBib(engine.db, engineId);
    if (!bib) throw sierraErrors.recordNotFound();
    const attached = engine.db
      .select({ id: items.id })
      .from(items)
      .where(inArray(items.bibId, [bib.id]))
      .all();
    if (attached.length > 0) throw sierraErrors.badJson('The bib record has attached items and cannot be deleted');
    engineCall(() => deleteBib(engine, bib.id, { override: true }));
    return c.body(null, 204);
  });
}

/** The item's shelving (permanent) location code. */
function homeCode(world: SierraWorld, item: Item): string {
  const db = world.engine.db;
  return locationOf(world, libraryById(db, item.libraryId).code, locationById(db, item.locationId).code).code;
}
