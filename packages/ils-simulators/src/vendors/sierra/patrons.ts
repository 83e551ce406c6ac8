/**
 * Sierra Patron API: find/read/validate patrons, holds (placed with 204 and no id), checkouts
 * and renewals, fines and manual charges (`/iii/sierra-api/v6/patrons/…`).
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Context, Hono } from 'hono';
import { checkOut, findLoan, listLoans, renewLoan } from '../../engine/circulation.ts';
import { isEngineError } from '../../engine/errors.ts';
import { createFee, listFees, requireFee } from '../../engine/fees.ts';
import { cancelHold, findHold, placeHold, placeTitleHold } from '../../engine/holds.ts';
import { findBib, findItemByBarcode, findPatron, requirePatronById } from '../../engine/lookup.ts';
import { activeHoldStatuses, holds, type Patron, patrons } from '../../engine/schema.ts';
import { requireRole } from './auth.ts';
import { fromEngineError, type SierraError, sierraErrors } from './errors.ts';
import { demoPin, fromSierraId, isRecordNumber, toSierraId } from './ids.ts';
import { parseIdFilter } from './items.ts';
import {
  checkoutDefaultFields,
  fineDefaultFields,
  holdDefaultFields,
  patronDefaultFields,
  renderCheckout,
  renderFine,
  renderHold,
  renderPatron,
} from './render.ts';
import {
  apiBase,
  assertKnownProperties,
  locationByCode,
  pickupByCode,
  readJsonObject,
  resultSet,
  type SierraWorld,
  selectFields,
  statGroupOf,
} from './world.ts';

/** Runs an engine call, turning its refusals into Sierra errors (or the caller's choice). */
export function engineCall<T>(action: () => T, override?: (code: string) => SierraError | undefined): T {
  try {
    return action();
  } catch (error) {
    if (isEngineError(error)) throw override?.(error.code) ?? fromEngineError(error);
    throw error;
  }
}

/** A record-number path parameter; anything else is 400 (Sierra takes plain integers only). */
export function recordParam(c: Context, name: string): string {
  const value = c.req.param(name) ?? '';
  if (!isRecordNumber(value)) throw sierraErrors.invalidParameter(`Invalid record ID ${value}`);
  return value;
}

export function patronFromPath(c: Context, world: SierraWorld): Patron {
  const engineId = fromSierraId('patron', recordParam(c, 'id'));
  const patron = engineId === undefined ? undefined : world.engine.db.select().from(patrons).where(eq(patrons.id, engineId)).get();
  if (!patron) throw sierraErrors.recordNotFound();
  return patron;
}

/** varField tags `patrons/find` searches: barcode, unique id, e-mail, name. */
function patronsWithVarField(world: SierraWorld, tag: string, content: string): Patron[] {
  const column = { b: patrons.barcode, u: patrons.primaryId, z: patrons.email } as const;
  if (tag === 'b' || tag === 'u' || tag === 'z') {
    return world.engine.db.select().from(patrons).where(eq(column[tag], content)).orderBy(asc(patrons.id)).all();
  }
  if (tag === 'n') {
    return world.engine.db
      .select()
      .from(patrons)
      .orderBy(asc(patrons.id))
      .all()
      .filter((patron) => `${patron.lastName}, ${patron.firstName}` === content);
  }
  return [];
}

const holdPostFields = ['recordType', 'recordNumber', 'pickupLocation', 'neededBy', 'numberOfCopies', 'note'] as const;
const checkoutPatchFields = ['patronBarcode', 'itemBarcode', 'patronPin', 'statgroup'] as const;
const manualChargeFields = ['amount', 'reason', 'location'] as const;

export function registerPatronRoutes(app: Hono, world: SierraWorld): void {
  const { engine } = world;
  const v6 = '/iii/sierra-api/v6';

  // The patron list (`GET /patrons?id=&limit=&offset=`), as VuFind's SierraRest and NYPL's scripts
  // page through it; Sierra's docs list it beside `GET /items` with the same id ranges.
  app.get(`${v6}/patrons`, (c) => {
    requireRole(c, 'Patrons Read');
    const idText = c.req.query('id');
    let rows = engine.db.select().from(patrons).orderBy(asc(patrons.id)).all();
    if (idText !== undefined) {
      const matches = parseIdFilter(idText);
      rows = rows.filter((patron) => matches(toSierraId('patron', patron.id)));
    }
    return c.json(
      resultSet(
        c,
        rows.map((patron) => selectFields(c, renderPatron(world, patron), patronDefaultFields)),
      ),
    );
  });

  app.get(`${v6}/patrons/find`, (c) => {
    requireRole(c, 'Patrons Read');
    const tag = c.req.query('varFieldTag');
    const content = c.req.query('varFieldContent');
    if (!tag) throw sierraErrors.invalidParameter('varFieldTag is required');
    if (content === undefined || content === '') throw sierraErrors.invalidParameter('varFieldContent is required');
    const found = patronsWithVarField(world, tag, content);
    if (found.length === 0) throw sierraErrors.recordNotFound();
    if (found.length > 1) throw sierraErrors.multipleRecords();
    return c.json(selectFields(c, renderPatron(world, found[0] as Patron), patronDefaultFields));
  });

  app.post(`${v6}/patrons/validate`, async (c) => {
    requireRole(c, 'Patrons Read');
    const body = await readJsonObject(c);
    assertKnownProperties(body, ['barcode', 'pin', 'caseSensitivity'], 'PatronValidation');
    const barcode = typeof body.barcode === 'string' ? body.barcode : '';
    const patron = barcode === '' ? undefined : findPatron(engine.db, barcode, 'barcode');
    if (!patron || body.pin !== demoPin(barcode)) throw sierraErrors.invalidParameter('Invalid barcode or PIN');
    return c.body(null, 204);
  });

  // ---- checkouts ------------------------------------------------------------------------------

  app.post(`${v6}/patrons/checkout`, async (c) => {
    requireRole(c, 'Patrons Write');
    const body = await readJsonObject(c);
    assertKnownProperties(body, checkoutPatchFields, 'CheckoutPatch');
    const patronBarcode = typeof body.patronBarcode === 'string' ? body.patronBarcode : '';
    const itemBarcode = typeof body.itemBarcode === 'string' ? body.itemBarcode : '';
    if (patronBarcode === '' || itemBarcode === '') throw sierraErrors.badJson('patronBarcode and itemBarcode are required');
    const patron = findPatron(engine.db, patronBarcode, 'barcode');
    if (!patron) throw sierraErrors.recordNotFound();
    if (body.patronPin !== undefined && body.patronPin !== demoPin(patronBarcode)) throw sierraErrors.invalidParameter('Invalid barcode or PIN');
    const item = findItemByBarcode(engine.db, itemBarcode);
    if (!item) throw sierraErrors.recordNotFound();
    const group = statGroupOf(world, body.statgroup);
    // No due date in a CheckoutPatch: Sierra's loan rules decide it.
    const loan = engineCall(() => checkOut(engine, { patronId: patron.id, itemId: item.id, libraryCode: group.library }));
    return c.json({ link: renderCheckout(world, apiBase(c), loan).id });
  });

  app.get(`${v6}/patrons/checkouts/:checkoutId`, (c) => {
    requireRole(c, 'Patrons Read');
    const engineId = fromSierraId('checkout', recordParam(c, 'checkoutId'));
    const loan = engineId === undefined ? undefined : findLoan(engine, engineId);
    if (loan?.status !== 'active') throw sierraErrors.recordNotFound();
    return c.json(selectFields(c, renderCheckout(world, apiBase(c), loan), checkoutDefaultFields));
  });

  app.post(`${v6}/patrons/checkouts/:checkoutId/renewal`, (c) => {
    requireRole(c, 'Patrons Write');
    const engineId = fromSierraId('checkout', recordParam(c, 'checkoutId'));
    const loan = engineId === undefined ? undefined : findLoan(engine, engineId);
    if (loan?.status !== 'active') throw sierraErrors.recordNotFound();
    // A desk renewal: the renewal rule's date from today. Sierra items carry no "due back" date an
    // ILL system could pin (the NCIP DateForReturn set the check-out only), so it can run past the
    // lender's date: seed 004's "conflicting messaging" that the ILS sync flags.
    const renewed = engineCall(() => renewLoan(engine, loan.id, { capAtDueBack: false }));
    return c.json(renderCheckout(world, apiBase(c), renewed));
  });

  // Sierra has no way to set a due date through the API (Innovative's ideas portal still asks
  // for one): anything that tries is answered like any unknown endpoint.
  for (const method of ['put', 'patch'] as const) {
    app[method](`${v6}/patrons/checkouts/:checkoutId`, (c) => {
      throw sierraErrors.noEndpoint(
        c.req.method,
        new URL(c.req.url).pathname.replace('/iii/sierra-api', ''),
        'a due date cannot be changed through the API; renew the checkout',
      );
    });
  }

  // ---- holds ----------------------------------------------------------------------------------

  // Every patron's active holds (Sierra's "get all patrons holds data"), oldest first.
  app.get(`${v6}/patrons/holds`, (c) => {
    requireRole(c, 'Patron Holds Read');
    const active = engine.db
      .select()
      .from(holds)
      .where(inArray(holds.status, [...activeHoldStatuses]))
      .orderBy(asc(holds.createdAt), asc(holds.id))
      .all();
    const base = apiBase(c);
    return c.json(
      resultSet(
        c,
        active.map((hold) => selectFields(c, renderHold(world, base, hold), holdDefaultFields)),
      ),
    );
  });

  app.get(`${v6}/patrons/holds/:holdId`, (c) => {
    requireRole(c, 'Patron Holds Read');
    const engineId = fromSierraId('hold', recordParam(c, 'holdId'));
    const hold = engineId === undefined ? undefined : findHold(engine, engineId);
    if (!hold || !activeHoldStatuses.includes(hold.status)) throw sierraErrors.recordNotFound();
    return c.json(selectFields(c, renderHold(world, apiBase(c), hold), holdDefaultFields));
  });

  app.delete(`${v6}/patrons/holds/:holdId`, (c) => {
    requireRole(c, 'Patron Holds Write');
    const engineId = fromSierraId('hold', recordParam(c, 'holdId'));
    const hold = engineId === undefined ? undefined : findHold(engine, engineId);
    if (!hold || !activeHoldStatuses.includes(hold.status)) throw sierraErrors.recordNotFound();
    engineCall(() => cancelHold(engine, hold.id, 'CancelledByStaff'));
    return c.body(null, 204);
  });

  // ---- fines ----------------------------------------------------------------------------------

  app.get(`${v6}/patrons/fines/:fineId`, (c) => {
    requireRole(c, 'Patrons Read');
    const engineId = fromSierraId('fine', recordParam(c, 'fineId'));
    if (engineId === undefined) throw sierraErrors.recordNotFound();
    const fee = engineCall(() => requireFee(engine.db, engineId));
    return c.json(selectFields(c, renderFine(world, apiBase(c), fee), fineDefaultFields));
  });

  // ---- one patron -----------------------------------------------------------------------------

  app.get(`${v6}/patrons/:id`, (c) => {
    requireRole(c, 'Patrons Read');
    return c.json(selectFields(c, renderPatron(world, patronFromPath(c, world)), patronDefaultFields));
  });

  app.get(`${v6}/patrons/:id/holds`, (c) => {
    requireRole(c, 'Patron Holds Read');
    const patron = patronFromPath(c, world);
    // Filled and cancelled holds are gone from Sierra's list: only active ones remain.
    const active = engine.db
      .select()
      .from(holds)
      .where(and(eq(holds.patronId, patron.id), inArray(holds.status, [...activeHoldStatuses])))
      .orderBy(asc(holds.createdAt), asc(holds.id))
      .all();
    const base = apiBase(c);
    return c.json(
      resultSet(
        c,
        active.map((hold) => selectFields(c, renderHold(world, base, hold), holdDefaultFields)),
      ),
    );
  });

  app.post(`${v6}/patrons/:id/holds/requests`, async (c) => {
    requireRole(c, 'Patron Holds Write');
    const patron = patronFromPath(c, world);
    const body = await readJsonObject(c);
    assertKnownProperties(body, holdPostFields, 'PatronHoldPost');
    const recordType = body.recordType;
    const recordNumber =
      typeof body.recordNumber === 'number' ? body.recordNumber : typeof body.recordNumber === 'string' ? Number(body.recordNumber) : Number.NaN;
    if (recordType !== 'i' && recordType !== 'b' && recordType !== 'j') throw sierraErrors.badJson('recordType must be b, i or j');
    if (!Number.isInteger(recordNumber)) throw sierraErrors.badJson('recordNumber must be an integer');
    if (typeof body.pickupLocation !== 'string' || body.pickupLocation === '') throw sierraErrors.badJson('pickupLocation is required');
    if (body.neededBy !== undefined && (typeof body.neededBy !== 'string' || !/^\d{4}-\d{2}-\d{2}$/u.test(body.neededBy))) {
      throw sierraErrors.invalidParameter('neededBy must be yyyy-MM-dd');
    }
    if (body.numberOfCopies !== undefined && body.numberOfCopies !== 1) throw sierraErrors.invalidParameter('numberOfCopies (only 1 is supported)');
    const pickup = pickupByCode(world, body.pickupLocation);
    if (!pickup) throw sierraErrors.invalidPickupLocation(body.pickupLocation);
    const note = typeof body.note === 'string' ? body.note : null;
    const refusal = (code: string) =>
      code === 'PATRON_BLOCKED' || code === 'PATRON_EXPIRED'
        ? sierraErrors.libraryRecordProblem()
        : code === 'HOLD_EXISTS'
          ? sierraErrors.requestDenied()
          : code === 'ITEM_NOT_FOUND' || code === 'BIB_NOT_FOUND'
            ? sierraErrors.bibCannotBeLoaded()
            : undefined;
    if (recordType === 'j') throw sierraErrors.recordNotAvailable();
    if (recordType === 'i') {
      const itemId = fromSierraId('item', recordNumber);
      if (itemId === undefined) throw sierraErrors.bibCannotBeLoaded();
      engineCall(() => placeHold(engine, { patronId: patron.id, itemId, pickupLibraryCode: pickup.library, comment: note }), refusal);
    } else {
      const bibId = fromSierraId('bib', recordNumber);
      if (bibId === undefined || !findBib(engine.db, bibId)) throw sierraErrors.bibCannotBeLoaded();
      engineCall(() => placeTitleHold(engine, { patronId: patron.id, bibId, pickupLibraryCode: pickup.library, comment: note }), refusal);
    }
    // Sierra answers 204 and no id: clients list the patron's holds to find the new one.
    return c.body(null, 204);
  });

  app.get(`${v6}/patrons/:id/checkouts`, (c) => {
    requireRole(c, 'Patrons Read');
    const patron = patronFromPath(c, world);
    const base = apiBase(c);
    const active = listLoans(engine, { patronId: patron.id, status: 'active' });
    return c.json(
      resultSet(
        c,
        active.map((loan) => selectFields(c, renderCheckout(world, base, loan), checkoutDefaultFields)),
      ),
    );
  });

  app.get(`${v6}/patrons/:id/fines`, (c) => {
    requireRole(c, 'Patrons Read');
    const patron = patronFromPath(c, world);
    const base = apiBase(c);
    const open = listFees(engine, { patronId: patron.id }).filter((fee) => fee.status !== 'closed');
    return c.json(
      resultSet(
        c,
        open.map((fee) => selectFields(c, renderFine(world, base, fee), fineDefaultFields)),
      ),
    );
  });

  app.post(`${v6}/patrons/:id/fines/charge`, async (c) => {
    requireRole(c, 'Patrons Write');
    const patron = patronFromPath(c, world);
    requirePatronById(engine.db, patron.id);
    const body = await readJsonObject(c);
    assertKnownProperties(body, manualChargeFields, 'ManualCharge');
    const amount = typeof body.amount === 'number' ? body.amount : Number.NaN;
    // Amounts are in the currency's units (3 = $3.00), as Fine objects report them.
    if (!Number.isFinite(amount) || amount <= 0) throw sierraErrors.invalidParameter('amount must be a positive number');
    const reason = typeof body.reason === 'string' ? body.reason : '';
    if (reason.length > 100) throw sierraErrors.invalidParameter('reason is longer than 100 characters');
    let ownerLibrary = world.defaultStatGroup.library;
    if (body.location !== undefined) {
      const code = String(body.location);
      const library = locationByCode(world, code)?.library ?? pickupByCode(world, code)?.library;
      if (!library) throw sierraErrors.invalidParameter(`location ${code}`);
      ownerLibrary = library;
    }
    engineCall(() =>
      createFee(engine, { patronId: patron.id, type: '1', amountCents: Math.round(amount * 100), ownerLibraryCode: ownerLibrary, comment: reason }),
    );
    return c.body(null, 204);
  });
}
