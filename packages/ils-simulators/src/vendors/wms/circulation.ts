/**
 * WMS circulation over HTTP, in two parts kept apart on purpose:
 *
 * - `/circ/…`: only what OCLC documents in its WMS Circulation API — `POST /circ/items/route`
 *   (developer.api.oclc.org/docs/wms-circulation/openapi.yaml, "Item Routing") and
 *   `POST /circ/items/{identifier}/routings/usages` ("Non Loan Return - Soft Checkout",
 *   platform.worldcat.org/api-explorer/apis/WMSCirculation), behind an OCLC bearer token with the
 *   WMS_CIRCULATION scope. Every other `/circ` path answers 404 "Unsupported endpoint".
 * - `/_sim/desk/…`: the WorldShare Circulation staff screens (Item Details, Holds, Check Out,
 *   Change Due Date, Bills, Discover Items, notifications, ILL Settings) that OCLC offers no API for.
 *   They are the simulator's control plane — what a person at the desk does and sees — so nothing
 *   mistakes them for OCLC's API, and no integration may depend on them. No vendor auth.
 */
import { and, asc, desc, eq, like, or } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { toDay } from '../../engine/calendar.ts';
import { changeDueDate, checkIn, checkOut, recordInHouseUse } from '../../engine/circulation.ts';
import type { Engine } from '../../engine/engine.ts';
import { isEngineError } from '../../engine/errors.ts';
import { listFees } from '../../engine/fees.ts';
import { listHolds } from '../../engine/holds.ts';
import { activeLoanForItem, describeItem, findItemByBarcode, findLibrary, libraryById, patronStanding, requirePatron } from '../../engine/lookup.ts';
import { bibs, type Hold, type Item, items, type Library, type Loan, loans, type Patron, pickupNotices } from '../../engine/schema.ts';
import { fromEngineError, renderCirculationAuthFailure, WmsError, wmsErrorResponse } from './errors.ts';
import type { OclcOAuth } from './oauth.ts';
import type { WmsRules } from './rules.ts';

export const circBase = '/circ';

export interface CirculationSettings {
  institutionId: string;
  institutionName: string;
  /** the temporary item home branch's registry id: where staff route items unless told otherwise */
  homeBranchId: string;
  currency: string;
  scope: string;
  rules: WmsRules;
}

type Json = Record<string, unknown>;

const iso = (instant: Date | null | undefined) => (instant ? instant.toISOString().replace(/\.\d{3}Z$/u, 'Z') : null);
const money = (cents: number, currency: string) => ({ value: cents / 100, currency });

export function holdStatusCode(status: Hold['status']): string {
  switch (status) {
    case 'pending':
      return 'PENDING';
    case 'in_transit':
      return 'IN_TRANSIT';
    case 'on_hold_shelf':
      return 'READY_FOR_USE';
    case 'fulfilled':
      return 'FILLED';
    case 'cancelled':
      return 'CANCELLED';
    case 'expired':
      return 'EXPIRED';
  }
}

/** Registers OCLC's documented `/circ` routes on `app` and returns the desk (mounted at `/_sim/desk`). */
export function registerCirculationRoutes(app: Hono, engine: Engine, oauth: OclcOAuth, settings: CirculationSettings): Hono {
  const desk = new Hono();
  const { rules } = settings;
  const db = engine.db;
  const branch = (library: Library) => ({ branchId: rules.branchIdOf(library.code), branchName: library.name });
  const patronBarcode = (patronId: number) => rules.patronBarcode(patronId);

  const requireLibraryByBranch = (branchId: unknown): Library => {
    const code = typeof branchId === 'string' ? rules.libraryCodeOf(branchId) : undefined;
    const library = code ? findLibrary(db, code) : undefined;
    if (!library) throw new WmsError(400, 'Unknown branch', `branchId "${String(branchId)}" is not a branch of institution ${settings.institutionId}`);
    return library;
  };
  const requireItem = (barcode: string): Item => {
    const item = findItemByBarcode(db, barcode);
    if (!item) throw new WmsError(404, 'Item not found', `No item with barcode ${barcode}`);
    return item;
  };
  const requirePatronByBarcode = (barcode: string): Patron => {
    try {
      return requirePatron(db, barcode, 'barcode');
    } catch {
      throw new WmsError(404, 'Patron not found', `No patron with barcode ${barcode}`);
    }
  };
  const readJson = async (c: Context): Promise<Json> => {
    try {
      const parsed: unknown = JSON.parse((await c.req.text()) || '{}');
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      return parsed as Json;
    } catch {
      throw new WmsError(400, 'Invalid request', 'The body must be a JSON object');
    }
  };

  const renderHold = (hold: Hold) => ({
    holdId: String(hold.id),
    holdType: 'ITEM',
    status: holdStatusCode(hold.status),
    patronBarcode: patronBarcode(hold.patronId),
    itemBarcode: db.select({ barcode: items.barcode }).from(items).where(eq(items.id, hold.itemId)).get()?.barcode ?? null,
    pickupBranch: branch(libraryById(db, hold.pickupLibraryId)),
    inLibraryUseOnly: hold.inLibraryUseOnly,
    illRequestId: rules.requestIdOfHold(hold),
    placedDate: iso(hold.createdAt),
    holdShelfExpirationDate: hold.holdShelfExpiry,
    note: hold.comment,
  });

  const renderLoan = (loan: Loan) => {
    const item = db.select().from(items).where(eq(items.id, loan.itemId)).get();
    const bib = item ? db.select().from(bibs).where(eq(bibs.id, item.bibId)).get() : undefined;
    return {
      itemBarcode: item?.barcode ?? null,
      title: bib?.title ?? null,
      patronBarcode: patronBarcode(loan.patronId),
      checkoutDate: iso(loan.loanDate),
      dueDate: iso(loan.dueDate),
      renewals: loan.renewals,
      temporaryItem: item?.temporary ?? false,
      illRequestId: item?.illRequestId ?? null,
      checkoutBranch: branch(libraryById(db, loan.libraryId)),
    };
  };

  const renderItem = (item: Item) => {
    const record = describeItem(db, item);
    const lastLoan = db.select().from(loans).where(eq(loans.itemId, item.id)).orderBy(desc(loans.id)).limit(1).get();
    const current = record.activeLoan;
    return {
      itemId: String(item.id),
      barcode: item.barcode,
      title: record.bib.title,
      author: record.bib.author,
      isbn: record.bib.isbn,
      callNumber: record.holding.callNumber,
      temporaryItem: item.temporary,
      status: rules.itemStatus(item),
      circulates: record.policy?.loanable ?? true,
      inLibraryUseOnly: record.policy?.libraryUseOnly ?? false,
      loanPolicy: item.policy,
      branch: branch(record.library),
      holdingLocation: record.location.code,
      shelvingLocation: rules.shelvingLocationOf(item, record.location.code),
      temporaryLocation:
        item.inTempLocation && record.tempLocation && record.tempLibrary ? { ...branch(record.tempLibrary), holdingLocation: record.tempLocation.code } : null,
      inTransitTo: item.status === 'in_transit' && item.transitLibraryId !== null ? branch(libraryById(db, item.transitLibraryId)) : null,
      // WMS shows the ILL request on the item: a temporary item keeps it for good, a lent item until its first check-in.
      illRequest: item.illRequestId
        ? {
            requestId: item.illRequestId,
            ...(item.temporary ? { lendingInstitution: item.lendingLibrary } : { borrowingInstitution: item.lendingLibrary }),
            illDueDate: rules.illDueDateOf(item) ?? null,
          }
        : null,
      notes: [item.publicNote, item.fulfillmentNote, item.internalNote1, item.internalNote2, item.internalNote3].filter((note) => note !== ''),
      currentLoan: current ? { patronBarcode: patronBarcode(current.patronId), checkoutDate: iso(current.loanDate), dueDate: iso(current.dueDate) } : null,
      lastIssuedTo: lastLoan ? patronBarcode(lastLoan.patronId) : null,
      holdCount: record.activeHolds.length,
    };
  };

  // ---- the desk (control plane, mounted at /_sim/desk): WorldShare Circulation screens ----------

  desk.get(`/ill-settings`, (c) => c.json(rules.illSettings()));

  // "Discover Items" with the Temporary Items data type: staff search temporary items by title or author.
  desk.get(`/items`, (c) => {
    const q = (c.req.query('q') ?? '').trim();
    const temporaryOnly = (c.req.query('itemType') ?? 'TEMPORARY').toUpperCase() === 'TEMPORARY';
    if (q === '') throw new WmsError(400, 'Invalid request', 'q (title or author words) is required');
    const needle = `%${q.replace(/[%_]/gu, '')}%`;
    const rows = db
      .select({ item: items })
      .from(items)
      .innerJoin(bibs, eq(bibs.id, items.bibId))
      .where(and(temporaryOnly ? eq(items.temporary, true) : undefined, or(like(bibs.title, needle), like(bibs.author, needle))))
      .orderBy(asc(items.id))
      .all();
    return c.json({ totalResults: rows.length, entries: rows.map((row) => renderItem(row.item)) });
  });

  desk.get(`/items/:barcode`, (c) => c.json(renderItem(requireItem(c.req.param('barcode')))));

  desk.get(`/items/:barcode/holds`, (c) => {
    const item = requireItem(c.req.param('barcode'));
    const state = c.req.query('state') === 'all' ? 'all' : 'active';
    return c.json({ entries: listHolds(engine, { itemId: item.id, state }).map(renderHold) });
  });

  // Check In at a branch's desk: WMS routes the item (hold shelf, transit, reshelve) and tells staff
  // what to do — the Check In screen, with the branch the staff member works at.
  desk.post(`/check-in`, async (c) => {
    const body = await readJson(c);
    const barcode = typeof body.itemBarcode === 'string' ? body.itemBarcode : '';
    const item = requireItem(barcode);
    const library = requireLibraryByBranch(body.branchId);
    const result = rules.checkIn(() => checkIn(engine, { itemId: item.id, libraryCode: library.code }));
    const after = requireItem(barcode);
    const prompts: string[] = [];
    if (result.returnedLoan && item.illRequestId) prompts.push(`Update ILL request ${item.illRequestId}`);
    return c.json({
      reasonCode: rules.routeReason(result),
      dateRouted: iso(engine.clock.now()),
      destination: branch(result.destinationLibrary),
      item: renderItem(after),
      returnedLoan: result.returnedLoan ? renderLoan(result.returnedLoan) : null,
      hold: result.hold ? renderHold(result.hold) : null,
      // The Hold Receipt staff print and put on the hold shelf with the item.
      holdReceipt:
        result.outcome === 'hold_shelf' && result.hold
          ? {
              patronBarcode: patronBarcode(result.hold.patronId),
              pickupBranch: branch(result.destinationLibrary),
              holdShelfExpirationDate: result.hold.holdShelfExpiry,
            }
          : null,
      pickupNotificationSent: result.pickupNotice !== undefined,
      prompts,
    });
  });

  desk.get(`/patrons/:barcode`, (c) => {
    const patron = requirePatronByBarcode(c.req.param('barcode'));
    const standing = patronStanding(db, patron, engine.clock.now());
    const active = db
      .select()
      .from(loans)
      .where(and(eq(loans.patronId, patron.id), eq(loans.status, 'active')))
      .all();
    const fees = listFees(engine, { patronId: patron.id, status: 'active' });
    return c.json({
      barcode: patron.barcode,
      name: { givenName: patron.firstName, familyName: patron.lastName },
      borrowerCategory: patron.userGroup,
      expirationDate: patron.expiryDate,
      isCircBlocked: standing.blocked,
      isExpired: standing.expired,
      blocks: standing.blocks.map((block) => ({ type: block.blockType, description: block.description })),
      checkoutCount: active.length,
      holdCount: listHolds(engine, { patronId: patron.id, state: 'active' }).length,
      balanceDue: money(
        fees.reduce((sum, fee) => sum + fee.balanceCents, 0),
        settings.currency,
      ),
    });
  });

  desk.get(`/patrons/:barcode/checkouts`, (c) => {
    const patron = requirePatronByBarcode(c.req.param('barcode'));
    const active = db
      .select()
      .from(loans)
      .where(and(eq(loans.patronId, patron.id), eq(loans.status, 'active')))
      .orderBy(asc(loans.id))
      .all();
    return c.json({ entries: active.map(renderLoan) });
  });

  // Check out at the desk ("Assist Patrons" → item barcode). WMS sets the due date itself.
  desk.post(`/patrons/:barcode/checkouts`, async (c) => {
    const patron = requirePatronByBarcode(c.req.param('barcode'));
    const body = await readJson(c);
    const item = requireItem(typeof body.itemBarcode === 'string' ? body.itemBarcode : '');
    const library = requireLibraryByBranch(body.branchId);
    const loan = checkOut(engine, { patronId: patron.id, itemId: item.id, libraryCode: library.code });
    const dueDateSource = rules.dueDateSource(item, patron, library, loan.dueDate, loan.loanDate);
    return c.json({ ...renderLoan(loan), dueDateSource, illDueDate: rules.illDueDateOf(item) ?? null }, 201);
  });

  // "Change Due Date" on a checkout (staff match the date on the book strap).
  desk.put(`/patrons/:barcode/checkouts/:itemBarcode`, async (c) => {
    const patron = requirePatronByBarcode(c.req.param('barcode'));
    const item = requireItem(c.req.param('itemBarcode'));
    const body = await readJson(c);
    const loan = activeLoanForItem(db, item.id);
    if (!loan || loan.patronId !== patron.id)
      throw new WmsError(404, 'Item is not checked out to this patron', `${item.barcode} is not on loan to ${patron.barcode}`);
    if (typeof body.dueDate !== 'string' || !/^\d{4}-\d{2}-\d{2}(T.*)?$/u.test(body.dueDate)) {
      throw new WmsError(400, 'Invalid request', 'dueDate must be YYYY-MM-DD or an ISO date-time');
    }
    const dueDate = body.dueDate.length === 10 ? new Date(`${body.dueDate}T23:59:00.000Z`) : new Date(body.dueDate);
    if (Number.isNaN(dueDate.getTime())) throw new WmsError(400, 'Invalid request', `dueDate "${body.dueDate}" is not a date`);
    return c.json(renderLoan(changeDueDate(engine, loan.id, dueDate)));
  });

  desk.get(`/patrons/:barcode/holds`, (c) => {
    const patron = requirePatronByBarcode(c.req.param('barcode'));
    const state = c.req.query('state') === 'all' ? 'all' : 'active';
    return c.json({ entries: listHolds(engine, { patronId: patron.id, state }).map(renderHold) });
  });

  desk.get(`/patrons/:barcode/fines`, (c) => {
    const patron = requirePatronByBarcode(c.req.param('barcode'));
    const fees = listFees(engine, { patronId: patron.id });
    return c.json({
      entries: fees.map((fee) => ({
        fineId: String(fee.id),
        type: fee.type,
        status: fee.status === 'active' ? 'OUTSTANDING' : fee.status === 'closed' ? 'SETTLED' : 'DISPUTED',
        amount: money(fee.originalAmountCents, settings.currency),
        balance: money(fee.balanceCents, settings.currency),
        note: fee.comment,
        itemBarcode: fee.itemBarcode,
        title: fee.itemTitle,
        createdDate: iso(fee.createdAt),
      })),
      totalBalance: money(
        fees.filter((fee) => fee.status === 'active').reduce((sum, fee) => sum + fee.balanceCents, 0),
        settings.currency,
      ),
    });
  });

  // Hold Pickup Notifications WMS generated for the patron (what the patron's e-mail would say).
  desk.get(`/patrons/:barcode/notifications`, (c) => {
    const patron = requirePatronByBarcode(c.req.param('barcode'));
    const notices = db.select().from(pickupNotices).where(eq(pickupNotices.patronId, patron.id)).orderBy(asc(pickupNotices.id)).all();
    return c.json({
      entries: notices.map((notice) => ({
        type: 'HOLD_PICKUP',
        channel: notice.channel,
        sentDate: iso(notice.sentAt),
        itemBarcode: db.select({ barcode: items.barcode }).from(items).where(eq(items.id, notice.itemId)).get()?.barcode ?? null,
        pickupBranch: branch(libraryById(db, notice.libraryId)),
        day: toDay(notice.sentAt),
      })),
    });
  });

  desk.onError((error, c) => {
    const rendered = renderCirculationError(c, error);
    if (rendered) return rendered;
    throw error;
  });
  desk.all('*', (c) => wmsErrorResponse(c, new WmsError(404, 'No desk operation', `${c.req.method} ${new URL(c.req.url).pathname}`)));

  // ---- OCLC's documented WMS Circulation API ------------------------------------------------------

  app.use(`${circBase}/*`, oauth.require(settings.scope, renderCirculationAuthFailure));

  // Item Routing (developer.api.oclc.org/docs/wms-circulation/openapi.yaml, POST /circ/items/route):
  // the request names the item (`itemId`, required); the answer carries the routing reason (its
  // code and the date routed) and the routed item (a `ref`, the owning institution, piece
  // designation, call number). Stand-ins, no OCLC source: `itemId` is read as the item's barcode;
  // the routing branch is the temporary item home branch (OCLC takes it from the staff principal)
  // unless `branchId` names another; reason codes other than OCLC's example SCHEDULED.
  app.post(`${circBase}/items/route`, async (c) => {
    const body = await readJson(c);
    if (typeof body.itemId !== 'string' || body.itemId === '') throw new WmsError(400, 'Invalid request', 'itemId is required');
    const item = requireItem(body.itemId);
    const library = requireLibraryByBranch(body.branchId ?? settings.homeBranchId);
    const result = rules.checkIn(() => checkIn(engine, { itemId: item.id, libraryCode: library.code }));
    const after = requireItem(body.itemId);
    const record = describeItem(db, after);
    return c.json({
      reason: { reasonCode: rules.routeReason(result), dateRouted: iso(engine.clock.now()) },
      item: {
        ref: `${new URL(c.req.url).origin}${circBase}/items/${encodeURIComponent(after.barcode)}`,
        ownerInstitution: { institutionId: Number(settings.institutionId), institutionName: settings.institutionName },
        pieceDesignation: after.barcode,
        callNumber: record.holding.callNumber,
      },
    });
  });

  // "Non Loan Return - Soft Checkout" (OCLC WMS Circulation API: POST /circ/items/{identifier}/routings/usages,
  // "count in-house usage on an item"): library-use-only ILL items are used this way, never loaned.
  // Stand-in, no OCLC source: the body's `branchId` names where the use happened.
  app.post(`${circBase}/items/:barcode/routings/usages`, async (c) => {
    const body = await readJson(c);
    const item = requireItem(c.req.param('barcode'));
    const library = requireLibraryByBranch(body.branchId);
    const use = recordInHouseUse(engine, { itemId: item.id, libraryCode: library.code });
    return c.json(
      {
        itemBarcode: item.barcode,
        branch: branch(library),
        recordedDate: iso(use.recordedAt),
        patronBarcode: use.patronId === null ? null : patronBarcode(use.patronId),
      },
      201,
    );
  });

  app.all(`${circBase}/*`, (c) => wmsErrorResponse(c, new WmsError(404, 'Unsupported endpoint', `${c.req.method} ${new URL(c.req.url).pathname}`)));
  return desk;
}

/** Errors thrown inside the routes: WMS errors as they are, engine refusals mapped. */
export function renderCirculationError(c: Context, error: unknown): Response | undefined {
  if (error instanceof WmsError) return wmsErrorResponse(c, error);
  if (isEngineError(error)) return wmsErrorResponse(c, fromEngineError(error));
  return undefined;
}
