/**
 * Alma Bibs API: bibliographic records, holdings, items, scan-in, item requests and loans
 * (`/almaws/v1/bibs/…`), the barcode redirect (`/almaws/v1/items`) and the configuration
 * lists a client needs to validate codes (`/almaws/v1/conf/…`).
 */
import type { Context, Hono } from 'hono';
import { changeDueDate, checkIn, checkOut, findLoan, listLoans } from '../../engine/circulation.ts';
import { endOfDay } from '../../engine/calendar.ts';
import {
  createBib,
  createHolding,
  createItem,
  deleteBib,
  deleteHolding,
  deleteItem,
  findBibs,
  type ItemFields,
  listHoldings,
  listItems,
  updateItem,
} from '../../engine/catalog.ts';
import { isEngineError } from '../../engine/errors.ts';
import { listHolds } from '../../engine/holds.ts';
import {
  describeItem,
  findBib,
  findHolding,
  findItem,
  findItemByBarcode,
  findLibrary,
  listLibraries,
  locationById,
  requirePatron,
} from '../../engine/lookup.ts';
import { circulationDesks, type Item, locations } from '../../engine/schema.ts';
import { bibliographicFields } from '../../marc.ts';
import type { MarcRecord } from '../../engine/schema.ts';
import { eq } from 'drizzle-orm';
import type { AlmaRuntime } from './app.ts';
import { almaErrors, fromEngineError } from './errors.ts';
import { almaResponse, apiBase, bodyFormat, paging, queryFlag, readAlmaBody } from './http.ts';
import { fromAlmaId, isNumeric, toAlmaId } from './ids.ts';
import { renderBib, renderBibData, renderHolding, renderHoldingBrief, renderItem, renderLoan, renderRequest, scanInMessage } from './render.ts';
import { type AlmaObject, type AlmaValue, fromXml, isObject, readArray, readBoolean, readCode, readObject, readText, XmlBodyError } from './representation.ts';
import { engineCall, parseAlmaDate, placeRequest } from './users.ts';

/** A MARCXML `<record>` read back from the normalised body. */
function marcFromBody(record: AlmaValue): MarcRecord | undefined {
  if (!isObject(record)) return undefined;
  const leader = readText(record, 'leader') || '00000nam a2200000 i 4500';
  const controlFields = readArray(record, 'controlfield').flatMap((field) =>
    isObject(field) ? [{ tag: readText(field, 'tag'), value: readText(field, 'value') }] : [],
  );
  const dataFields = readArray(record, 'datafield').flatMap((field) =>
    isObject(field)
      ? [
          {
            tag: readText(field, 'tag'),
            ind1: readText(field, 'ind1') || ' ',
            ind2: readText(field, 'ind2') || ' ',
            subfields: readArray(field, 'subfield').flatMap((subfield) =>
              isObject(subfield) ? [{ code: readText(subfield, 'code'), value: readText(subfield, 'value') }] : [],
            ),
          },
        ]
      : [],
  );
  return { leader, controlFields: controlFields.filter((field) => field.tag !== '001'), dataFields };
}

/** Bib and holding creation take XML only (Alma answers JSON with 60105). */
async function readXmlOnlyBody(c: Context, root: 'bib' | 'holding'): Promise<AlmaObject> {
  const raw = await c.req.text();
  if (bodyFormat(c, raw) === 'json') throw almaErrors.jsonNotSupported();
  const invalid = root === 'bib' ? almaErrors.bibXmlInvalid() : almaErrors.holdingXmlInvalid();
  try {
    const parsed = fromXml(raw);
    if (parsed.root !== root) throw invalid;
    return parsed.body;
  } catch (error) {
    if (error instanceof XmlBodyError) throw invalid;
    throw error;
  }
}

function requireBibParam(runtime: AlmaRuntime, mmsId: string) {
  if (!isNumeric(mmsId)) throw almaErrors.mmsNotNumeric(mmsId);
  const bib = findBib(runtime.engine.db, fromAlmaId('bib', mmsId) ?? 0);
  if (!bib) throw almaErrors.bibNotValid(mmsId);
  return bib;
}

function requireHoldingParam(runtime: AlmaRuntime, mmsId: string, holdingId: string) {
  const bib = requireBibParam(runtime, mmsId);
  const holding = findHolding(runtime.engine.db, fromAlmaId('holding', holdingId) ?? 0);
  if (!holding || holding.bibId !== bib.id) throw almaErrors.holdingNotValid();
  return { bib, holding };
}

/** The item named by the path; `ALL` as holding id matches any holding of the bib. */
function requireItemParam(runtime: AlmaRuntime, c: Context): Item {
  const mmsId = c.req.param('mms_id') ?? '';
  const holdingId = c.req.param('holding_id') ?? '';
  const pid = c.req.param('item_pid') ?? '';
  const bib = requireBibParam(runtime, mmsId);
  const item = findItem(runtime.engine.db, fromAlmaId('item', pid) ?? 0);
  const holdingMatches = holdingId === 'ALL' || fromAlmaId('holding', holdingId) === item?.holdingId;
  if (!item || item.bibId !== bib.id || !holdingMatches) throw almaErrors.itemNotFound(pid);
  return item;
}

function itemExpansions(c: Context): Set<string> {
  return new Set((c.req.query('expand') ?? '').split(',').map((part) => part.trim()));
}

/** Item fields from an Alma item body; absent notes become empty (a PUT replaces the object). */
function itemFieldsFromBody(body: AlmaObject): ItemFields {
  const itemData = readObject(body, 'item_data') ?? {};
  const holdingData = readObject(body, 'holding_data') ?? {};
  const fields: ItemFields = {
    barcode: readCode(itemData, 'barcode'),
    materialType: readCode(itemData, 'physical_material_type') ?? 'BOOK',
    description: readText(itemData, 'description'),
    publicNote: readText(itemData, 'public_note'),
    fulfillmentNote: readText(itemData, 'fulfillment_note'),
    internalNote1: readText(itemData, 'internal_note_1'),
    internalNote2: readText(itemData, 'internal_note_2'),
    internalNote3: readText(itemData, 'internal_note_3'),
    statisticsNote1: readText(itemData, 'statistics_note_1'),
    statisticsNote2: readText(itemData, 'statistics_note_2'),
    statisticsNote3: readText(itemData, 'statistics_note_3'),
    inTempLocation: readBoolean(holdingData, 'in_temp_location') ?? false,
    tempLibraryCode: readCode(holdingData, 'temp_library') ?? null,
    tempLocationCode: readCode(holdingData, 'temp_location') ?? null,
  };
  const policy = readCode(itemData, 'policy');
  if (policy !== undefined) fields.policy = policy;
  fields.dueBackAt = dueBackDateOf(holdingData);
  const replacementCost = readCode(itemData, 'replacement_cost');
  if (replacementCost !== undefined && Number.isFinite(Number(replacementCost))) {
    fields.replacementCostCents = Math.round(Number(replacementCost) * 100);
  }
  return fields;
}

/**
 * `holding_data.due_back_date` (xs:date, "2026-12-03Z"): the date the item is due back
 * (developers.exlibrisgroup.com/alma/apis/docs/xsd/rest_item.xsd/, holding_data). Loans of the
 * item end by then at the latest — how a borrowed item's lender date reaches a desk check-out — so
 * the engine keeps it as the item's dueBackAt. A PUT replaces the object: absent clears it.
 */
function dueBackDateOf(holdingData: AlmaObject): Date | null {
  const raw = readCode(holdingData, 'due_back_date');
  if (raw === undefined || raw === '') return null;
  const day = /^(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?$/.exec(raw.trim())?.[1];
  if (!day || Number.isNaN(Date.parse(`${day}T00:00:00Z`)))
    throw almaErrors.generalError(`Invalid due_back_date "${raw}": expected a date such as 2026-12-03Z.`);
  return endOfDay(day);
}

function mapItemWriteError(error: unknown): never {
  if (isEngineError(error, 'INVALID_INPUT')) throw almaErrors.mandatoryField(String(error.details.field ?? 'item_data'));
  if (isEngineError(error)) throw fromEngineError(error);
  throw error;
}

export function registerBibRoutes(app: Hono, runtime: AlmaRuntime): void {
  const { engine } = runtime;

  // Records.
  app.get('/almaws/v1/bibs', (c) => {
    const ctx = runtime.context(c);
    const mmsIds = c.req.query('mms_id');
    const otherSystemId = c.req.query('other_system_id');
    if (!mmsIds && !otherSystemId) throw almaErrors.generalError('One of mms_id or other_system_id must be given.');
    const bibs = mmsIds
      ? findBibs(engine, {
          ids: mmsIds
            .split(',')
            .map((id) => fromAlmaId('bib', id.trim()))
            .filter((id): id is number => id !== undefined),
        })
      : findBibs(engine, { otherSystemId: otherSystemId ?? '' });
    const brief = c.req.query('view') === 'brief';
    const body: AlmaObject = { total_record_count: bibs.length };
    if (bibs.length > 0) body.bib = bibs.map((bib) => renderBib(ctx, bib, { brief, withLink: true }));
    return almaResponse(c, 'bibs', body);
  });

  app.post('/almaws/v1/bibs', async (c) => {
    const body = await readXmlOnlyBody(c, 'bib');
    const record = marcFromBody(body.record);
    if (!record) throw almaErrors.bibXmlInvalid();
    const fields = bibliographicFields(record);
    if (!fields.title) throw almaErrors.bibXmlInvalid();
    const bib = createBib(engine, {
      ...fields,
      marc: record,
      suppressed: readBoolean(body, 'suppress_from_publishing') ?? false,
    });
    return almaResponse(c, 'bib', renderBib(runtime.context(c), bib));
  });

  app.get('/almaws/v1/bibs/:mms_id', (c) => {
    const bib = requireBibParam(runtime, c.req.param('mms_id'));
    return almaResponse(c, 'bib', renderBib(runtime.context(c), bib, { brief: c.req.query('view') === 'brief' }));
  });

  app.delete('/almaws/v1/bibs/:mms_id', (c) => {
    const mmsId = c.req.param('mms_id');
    const bib = requireBibParam(runtime, mmsId);
    engineCall({ mmsId }, () => deleteBib(engine, bib.id, { override: queryFlag(c, 'override', false) }));
    return c.body(null, 204);
  });

  // Holdings.
  app.get('/almaws/v1/bibs/:mms_id/holdings', (c) => {
    const bib = requireBibParam(runtime, c.req.param('mms_id'));
    const ctx = runtime.context(c);
    const list = listHoldings(engine, bib.id);
    const body: AlmaObject = { total_record_count: list.length, bib_data: renderBibData(ctx, bib) };
    if (list.length > 0) body.holding = list.map((holding) => renderHoldingBrief(ctx, holding));
    return almaResponse(c, 'holdings', body);
  });

  app.post('/almaws/v1/bibs/:mms_id/holdings', async (c) => {
    const mmsId = c.req.param('mms_id');
    if (!isNumeric(mmsId)) throw almaErrors.mmsNotNumeric(mmsId);
    const bib = findBib(engine.db, fromAlmaId('bib', mmsId) ?? 0);
    const body = await readXmlOnlyBody(c, 'holding');
    if (!bib) throw almaErrors.noRecordForMms(mmsId);
    const record = marcFromBody(body.record);
    if (!record) throw almaErrors.holdingXmlInvalid();
    const field852 = record.dataFields.find((field) => field.tag === '852');
    const subfield = (code: string) => field852?.subfields.find((entry) => entry.code === code)?.value;
    const libraryCode = subfield('b');
    const locationCode = subfield('c');
    if (!libraryCode || !locationCode) throw almaErrors.holdingCreateFailed('852 $b (library) and $c (location) are required');
    const callNumber = [subfield('h'), subfield('i')].filter(Boolean).join(' ');
    const holding = (() => {
      try {
        return createHolding(engine, {
          bibId: bib.id,
          libraryCode,
          locationCode,
          callNumber,
          marc: record,
          suppressed: readBoolean(body, 'suppress_from_publishing') ?? false,
        });
      } catch (error) {
        if (isEngineError(error)) throw almaErrors.holdingCreateFailed(error.message);
        throw error;
      }
    })();
    return almaResponse(c, 'holding', renderHolding(runtime.context(c), holding));
  });

  app.get('/almaws/v1/bibs/:mms_id/holdings/:holding_id', (c) => {
    const { holding } = requireHoldingParam(runtime, c.req.param('mms_id'), c.req.param('holding_id'));
    return almaResponse(c, 'holding', renderHolding(runtime.context(c), holding));
  });

  app.delete('/almaws/v1/bibs/:mms_id/holdings/:holding_id', (c) => {
    const { holding } = requireHoldingParam(runtime, c.req.param('mms_id'), c.req.param('holding_id'));
    const bibAction = c.req.query('bib') === 'delete' ? 'delete' : 'retain';
    engineCall({}, () => deleteHolding(engine, holding.id, { override: queryFlag(c, 'override', false), bib: bibAction }));
    return c.body(null, 204);
  });

  // Items.
  app.get('/almaws/v1/bibs/:mms_id/holdings/:holding_id/items', (c) => {
    const mmsId = c.req.param('mms_id');
    const holdingParam = c.req.param('holding_id');
    const bib = holdingParam === 'ALL' ? requireBibParam(runtime, mmsId) : requireHoldingParam(runtime, mmsId, holdingParam).bib;
    const holdingId = holdingParam === 'ALL' ? undefined : fromAlmaId('holding', holdingParam);
    const page = paging(c);
    const list = listItems(engine, { bibId: bib.id, holdingId });
    const ctx = runtime.context(c);
    const expand = itemExpansions(c);
    const body: AlmaObject = { total_record_count: list.length };
    const pageItems = list.slice(page.offset, page.offset + page.limit);
    if (pageItems.length > 0) body.item = pageItems.map((item) => renderItem(ctx, describeItem(engine.db, item), { expand }));
    return almaResponse(c, 'items', body);
  });

  app.post('/almaws/v1/bibs/:mms_id/holdings/:holding_id/items', async (c) => {
    const { holding } = requireHoldingParam(runtime, c.req.param('mms_id'), c.req.param('holding_id'));
    const { body } = await readAlmaBody(c, { required: true });
    if (!readObject(body, 'item_data')) throw almaErrors.mandatoryField('item_data');
    // Items created in an ILL location are the temporary stand-ins for borrowed books.
    const temporary = locationById(engine.db, holding.locationId).type === 'ill';
    let item: Item;
    try {
      item = createItem(engine, { holdingId: holding.id, ...itemFieldsFromBody(body), temporary });
    } catch (error) {
      mapItemWriteError(error);
    }
    return almaResponse(c, 'item', renderItem(runtime.context(c), describeItem(engine.db, item)));
  });

  app.get('/almaws/v1/bibs/:mms_id/holdings/:holding_id/items/:item_pid', (c) => {
    const item = requireItemParam(runtime, c);
    return almaResponse(c, 'item', renderItem(runtime.context(c), describeItem(engine.db, item), { expand: itemExpansions(c) }));
  });

  app.put('/almaws/v1/bibs/:mms_id/holdings/:holding_id/items/:item_pid', async (c) => {
    const item = requireItemParam(runtime, c);
    const { body } = await readAlmaBody(c, { required: true });
    if (!readObject(body, 'item_data')) throw almaErrors.mandatoryField('item_data');
    let updated: Item;
    try {
      updated = updateItem(engine, item.id, itemFieldsFromBody(body));
    } catch (error) {
      mapItemWriteError(error);
    }
    return almaResponse(c, 'item', renderItem(runtime.context(c), describeItem(engine.db, updated)));
  });

  app.delete('/almaws/v1/bibs/:mms_id/holdings/:holding_id/items/:item_pid', (c) => {
    const item = requireItemParam(runtime, c);
    const holdingsAction = c.req.query('holdings') === 'delete' ? 'delete' : 'retain';
    engineCall({ itemPid: c.req.param('item_pid') }, () =>
      deleteItem(engine, item.id, { override: queryFlag(c, 'override', false), holdings: holdingsAction }),
    );
    return c.body(null, 204);
  });

  // Scan-in: the desk operation that returns loans and routes items to holds.
  app.post('/almaws/v1/bibs/:mms_id/holdings/:holding_id/items/:item_pid', (c) => {
    const item = requireItemParam(runtime, c);
    if (c.req.query('op') !== 'scan') throw almaErrors.invalidParameter('op');
    const libraryCode = c.req.query('library');
    const deskCode = c.req.query('circ_desk');
    if (!libraryCode) throw almaErrors.mandatoryField('library');
    if (!deskCode && !c.req.query('department')) throw almaErrors.mandatoryField('circ_desk');
    const library = findLibrary(engine.db, libraryCode);
    if (!library) throw almaErrors.libraryNotValid(libraryCode);
    const result = engineCall({ itemPid: c.req.param('item_pid') }, () =>
      checkIn(engine, {
        itemId: item.id,
        libraryCode,
        ...(deskCode ? { deskCode } : {}),
        registerInHouseUse: queryFlag(c, 'register_in_house_use', true),
      }),
    );
    const ctx = runtime.context(c);
    const record = describeItem(engine.db, result.item);
    const message = scanInMessage(ctx, result.outcome, result.hold, result.destinationLibrary, record.location.name);
    const additionalInfo = result.returnedLoan ? `Loan returned. ${message}` : message;
    return almaResponse(c, 'item', renderItem(ctx, record, { additionalInfo }));
  });

  app.get('/almaws/v1/bibs/:mms_id/holdings/:holding_id/items/:item_pid/requests', (c) => {
    const item = requireItemParam(runtime, c);
    const ctx = runtime.context(c);
    const holds = listHolds(engine, { itemId: item.id, state: 'active' });
    const body: AlmaObject = { total_record_count: holds.length };
    if (holds.length > 0) body.user_request = holds.map((hold) => renderRequest(ctx, hold));
    return almaResponse(c, 'user_requests', body);
  });

  app.post('/almaws/v1/bibs/:mms_id/holdings/:holding_id/items/:item_pid/requests', async (c) => {
    const item = requireItemParam(runtime, c);
    const { body } = await readAlmaBody(c, { required: true });
    const userId = c.req.query('user_id') ?? readCode(body, 'user_primary_id');
    if (!userId) throw almaErrors.mandatoryField('user_primary_id');
    const patron = engineCall({ userId }, () => requirePatron(engine.db, userId));
    const hold = placeRequest(runtime, patron, body, { itemPid: toAlmaId('item', item.id) });
    return almaResponse(c, 'user_request', renderRequest(runtime.context(c), hold));
  });

  app.get('/almaws/v1/bibs/:mms_id/holdings/:holding_id/items/:item_pid/loans', (c) => {
    const item = requireItemParam(runtime, c);
    const ctx = runtime.context(c);
    const list = listLoans(engine, { itemId: item.id, status: 'active' });
    const body: AlmaObject = { total_record_count: list.length };
    if (list.length > 0) body.item_loan = list.map((loan) => renderLoan(ctx, loan));
    return almaResponse(c, 'item_loans', body);
  });

  app.post('/almaws/v1/bibs/:mms_id/holdings/:holding_id/items/:item_pid/loans', async (c) => {
    const item = requireItemParam(runtime, c);
    const userId = c.req.query('user_id');
    if (!userId) throw almaErrors.mandatoryField('user_id');
    const patron = findPatronOrFail(runtime, userId);
    const { body } = await readAlmaBody(c);
    const libraryCode = readCode(body, 'library');
    const deskCode = readCode(body, 'circ_desk');
    if (!deskCode) throw almaErrors.mandatoryField('circ_desk');
    if (!libraryCode) throw almaErrors.mandatoryField('library');
    const loan = (() => {
      try {
        return checkOut(engine, { patronId: patron.id, itemId: item.id, libraryCode, deskCode });
      } catch (error) {
        if (isEngineError(error, 'CIRC_DESK_NOT_FOUND')) throw almaErrors.notLoanableFromDesk();
        if (isEngineError(error)) throw fromEngineError(error, { userId, barcode: item.barcode });
        throw error;
      }
    })();
    return almaResponse(c, 'item_loan', renderLoan(runtime.context(c), loan));
  });

  app.put('/almaws/v1/bibs/:mms_id/holdings/:holding_id/items/:item_pid/loans/:loan_id', async (c) => {
    const item = requireItemParam(runtime, c);
    const loanId = c.req.param('loan_id');
    const existing = findLoan(engine, fromAlmaId('loan', loanId) ?? 0);
    if (!existing || existing.itemId !== item.id || existing.status !== 'active') throw almaErrors.loanNotFound(loanId);
    const { body } = await readAlmaBody(c, { required: true });
    const dueText = readCode(body, 'due_date');
    if (!dueText) throw almaErrors.dueDateMissing();
    const dueDate = parseAlmaDate(dueText);
    if (!dueDate) throw almaErrors.invalidParameter('due_date');
    const loan = engineCall({ loanId }, () => changeDueDate(engine, existing.id, dueDate));
    return almaResponse(c, 'item_loan', renderLoan(runtime.context(c), loan));
  });

  // "Undocumented but works": the barcode lookup answers with a redirect to the item.
  app.get('/almaws/v1/items', (c) => {
    const barcode = c.req.query('item_barcode');
    if (!barcode) throw almaErrors.mandatoryField('item_barcode');
    const item = findItemByBarcode(engine.db, barcode);
    if (!item) throw almaErrors.noItemForBarcode(barcode);
    const target = new URL(
      `${apiBase(c)}/bibs/${toAlmaId('bib', item.bibId)}/holdings/${toAlmaId('holding', item.holdingId)}/items/${toAlmaId('item', item.id)}`,
    );
    // The Location never carries the API key: php-alma-client (Items::fromBarcode, corpus
    // php-alma-client/) sends `apikey` in the query and matches the Location against
    // bibs/…/holdings/…/items/… anchored at the end, as in the EU Location its source quotes.
    // Other parameters (format, view, expand) are kept (a stand-in: no capture shows them).
    for (const [name, value] of new URL(c.req.url).searchParams) {
      if (name !== 'item_barcode' && name !== 'apikey') target.searchParams.append(name, value);
    }
    return c.redirect(target.toString(), 302);
  });

  // Configuration lists (read-only), so a client can validate library, location and desk codes.
  app.get('/almaws/v1/conf/libraries', (c) => {
    const base = apiBase(c);
    const list = listLibraries(engine.db).map((library) => ({
      code: library.code,
      path: library.code,
      name: library.name,
      description: library.name,
      resource_sharing: true,
      campus: { value: '', desc: '' },
      proxy: '',
      default_location: { value: '', desc: '' },
      link: `${base}/conf/libraries/${library.code}`,
    }));
    return almaResponse(c, 'libraries', list.length > 0 ? { library: list } : {});
  });

  app.get('/almaws/v1/conf/libraries/:library_code/locations', (c) => {
    const library = findLibrary(engine.db, c.req.param('library_code'));
    if (!library) throw almaErrors.libraryNotValid(c.req.param('library_code'));
    const rows = engine.db.select().from(locations).where(eq(locations.libraryId, library.id)).all();
    const list = rows.map((location) => ({
      code: location.code,
      name: location.name,
      external_name: location.name,
      type: { value: location.type === 'shelving' ? 'OPEN' : 'CLOSED', desc: location.type === 'shelving' ? 'Open Stack' : 'Closed Stack' },
      remote_storage: '',
      suppress_from_publishing: 'false',
      fulfillment_unit: { value: location.type === 'ill' ? 'ILL' : 'DEFAULT', desc: location.type === 'ill' ? 'Resource sharing' : 'Default' },
    }));
    return almaResponse(c, 'locations', { total_record_count: list.length, ...(list.length > 0 ? { location: list } : {}) });
  });

  app.get('/almaws/v1/conf/libraries/:library_code/circ-desks', (c) => {
    const library = findLibrary(engine.db, c.req.param('library_code'));
    if (!library) throw almaErrors.libraryNotValid(c.req.param('library_code'));
    const rows = engine.db.select().from(circulationDesks).where(eq(circulationDesks.libraryId, library.id)).all();
    const base = apiBase(c);
    const list = rows.map((desk) => ({
      code: desk.code,
      name: desk.name,
      link: `${base}/conf/libraries/${library.code}/circ-desks/${desk.code}`,
    }));
    return almaResponse(c, 'circ_desks', { total_record_count: list.length, ...(list.length > 0 ? { circ_desk: list } : {}) });
  });
}

function findPatronOrFail(runtime: AlmaRuntime, userId: string) {
  try {
    return requirePatron(runtime.engine.db, userId);
  } catch {
    throw almaErrors.userOfTypeNotFound(userId, 'all_unique');
  }
}
