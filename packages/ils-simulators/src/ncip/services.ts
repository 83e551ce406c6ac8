/**
 * The NCIP services on the circulation engine: each takes a parsed request and returns the
 * success response, or throws an NcipRefusal / EngineError the responder turns into a Problem.
 * Everything goes through the engine functions the vendor REST façades use, so an item accepted
 * over NCIP is the same row a desk sees over REST.
 */
import type {
  AcceptItemRequest,
  CancelRequestItemRequest,
  CheckInItemRequest,
  CheckOutItemRequest,
  CreateUserFiscalTransactionRequest,
  DeleteItemRequest,
  ItemOptionalFields,
  LookupItemRequest,
  LoanedItem,
  LookupUserRequest,
  NcipRequest,
  NcipSuccessResponse,
  RenewItemRequest,
  RequestedItem,
  RequestItemRequest,
  ResponseHeader,
  UserOptionalFields,
  UserPrivilege,
} from '@bookstrap/ncip';
import { and, eq } from 'drizzle-orm';
import { changeDueDate, checkIn, checkOut, renewLoan } from '../engine/circulation.ts';
import { createBib, createHolding, createItem, deleteBib, deleteItem, listHoldings, suggestBarcode, updateItem } from '../engine/catalog.ts';
import type { Engine } from '../engine/engine.ts';
import { createFee } from '../engine/fees.ts';
import { cancelHold, listHolds, placeHold, placeTitleHold } from '../engine/holds.ts';
import {
  activeHoldsForItem,
  activeLoanForItem,
  assertPatronInGoodStanding,
  describeItem,
  findItemByBarcode,
  findPatron,
  patronStanding,
  requireItem as requireItemById,
  requirePatronById,
} from '../engine/lookup.ts';
import { type Hold, type Item, items, type ItemStatus, libraries, loans, type Patron } from '../engine/schema.ts';
import { buildBibRecord, buildHoldingRecord } from '../marc.ts';
import type { Personality } from '../control/personality.ts';
import { refuse } from './problems.ts';
import type { NcipResponderConfig } from './responder.ts';

export interface ServiceContext {
  engine: Engine;
  config: NcipResponderConfig;
  /** the agency this ILS answers as */
  agencyId: string;
  header: ResponseHeader;
  /** Which real responder's answer the edge cases get (control/personality.ts). */
  personality: Personality;
  /** The NCIP version of the request being answered. */
  version?: string;
}

/** xs:dateTime without milliseconds, as responders write it. */
export const ncipDateTime = (instant: Date) => instant.toISOString().replace(/\.\d{3}Z$/, 'Z');

function parseDate(value: string | Date | undefined, element: string): Date | undefined {
  if (value === undefined) return undefined;
  const instant = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(instant.getTime())) throw refuse('Invalid Date', `${element} "${String(value)}" is not a date.`, element, String(value));
  return instant;
}

// ---- people ------------------------------------------------------------------------------------

/** AuthenticationInput types that name the user rather than prove who they are. */
const IDENTIFYING_INPUT = /barcode|user ?id|username|patron|institution id/i;
const SECRET_INPUT = /pin|password/i;

/** The identifier a response names the user by: the kind this ILS looks users up by. */
function userIdOf(ctx: ServiceContext, patron: Patron): string {
  return ctx.config.userIdentifier === 'barcode' ? (patron.barcode ?? patron.primaryId) : patron.primaryId;
}

/** The user a request acts for, by UserId or by an identifying AuthenticationInput; PINs are checked. */
function requireUser(
  ctx: ServiceContext,
  request: { userId?: string; authentication?: { data: string; inputType: string }[] | undefined },
): { patron: Patron; givenId: string } {
  const auth = request.authentication ?? [];
  const givenId = request.userId ?? auth.find((a) => IDENTIFYING_INPUT.test(a.inputType) && !SECRET_INPUT.test(a.inputType))?.data;
  if (givenId === undefined || givenId.trim() === '') throw refuse('Needed Data Missing', 'The message names no user.', 'UserId');
  const patron = findPatron(ctx.engine.db, givenId.trim(), ctx.config.userIdentifier ?? 'any');
  if (!patron) throw refuse('Unknown User', `No user has the identifier ${givenId}.`, 'UserId', givenId);
  const secret = auth.find((a) => SECRET_INPUT.test(a.inputType));
  if (secret) {
    const check = ctx.config.checkPin ?? demoPinCheck;
    if (!check(patron, secret.data)) throw refuse('User Authentication Failed', `The PIN does not match user ${givenId}.`, 'AuthenticationInput');
  }
  return { patron, givenId };
}

/** Demo PIN convention (the engine keeps no PINs): the last four characters of the barcode. */
export const demoPinCheck = (patron: Patron, pin: string): boolean => patron.barcode !== null && patron.barcode.slice(-4) === pin.trim();

function lookupUser(ctx: ServiceContext, request: LookupUserRequest): NcipSuccessResponse {
  const refused =
    ctx.version === '1.0'
      ? (request.userElementTypes ?? []).find((type) => ctx.config.refusedNcip1UserElements?.some((r) => r.toLowerCase() === type.toLowerCase()))
      : undefined;
  if (refused !== undefined)
    throw refuse('Invalid Message Syntax Error', `UserElementType "${refused}" is not an NCIP 1 user element.`, 'UserElementType', refused);
  const { patron, givenId } = requireUser(ctx, request);
  const standing = patronStanding(ctx.engine.db, patron, ctx.engine.clock.now());
  // No element types asked for: answer with everything (responders differ; this is the helpful one).
  const asked = request.userElementTypes?.map((t) => t.toLowerCase());
  const want = (type: string) => asked === undefined || asked.includes(type.toLowerCase());
  const user: UserOptionalFields = {};
  if (want('Name Information')) user.name = { givenName: patron.firstName, surname: patron.lastName };
  if (want('User Address Information') && patron.email) user.addresses = [{ role: 'Home', electronic: { type: 'mailto', data: patron.email } }];
  if (want('User Privilege')) {
    const validTo = `${patron.expiryDate}T23:59:59Z`;
    const status: UserPrivilege = {
      agencyId: ctx.agencyId,
      type: 'STATUS',
      status: standing.blocked ? 'BLOCKED' : standing.expired ? 'EXPIRED' : 'OK',
      validTo,
    };
    user.privileges = [status, { agencyId: ctx.agencyId, type: 'PROFILE', status: patron.userGroup, validTo }];
  }
  if (want('Block Or Trap') && standing.blocks.length > 0) {
    user.blocks = standing.blocks.map((block) => ({ agencyId: ctx.agencyId, type: block.description }));
  }
  // NCIP 1 calls the element "Visible User Id" (lib-ncip-client's template always asks for it and
  // reads UserOptionalFields/VisibleUserId/VisibleUserIdentifier as the user id).
  if (want('User Id') || want('Visible User Id')) {
    user.userIds = [...(patron.barcode ? [{ value: patron.barcode, type: 'Barcode' }] : []), { value: patron.primaryId, type: 'Institution Id Number' }];
  }
  return {
    service: 'LookupUser',
    header: ctx.header,
    userId: givenId,
    ...(request.userIdentifierType ? { userIdentifierType: request.userIdentifierType } : {}),
    ...(request.loanedItemsDesired ? { loanedItems: loanedItemsOf(ctx, patron) } : {}),
    ...(request.requestedItemsDesired ? { requestedItems: requestedItemsOf(ctx, patron) } : {}),
    user,
  };
}

function loanedItemsOf(ctx: ServiceContext, patron: Patron): LoanedItem[] {
  const db = ctx.engine.db;
  return db
    .select()
    .from(loans)
    .where(and(eq(loans.patronId, patron.id), eq(loans.status, 'active')))
    .all()
    .map((loan) => {
      const record = describeItem(db, requireItemById(db, loan.itemId));
      return { itemId: record.item.barcode, dateDue: ncipDateTime(loan.dueDate), title: record.bib.title };
    });
}

/** The user's holds still waiting, with the vendor's pickup location code (the map reversed). */
function requestedItemsOf(ctx: ServiceContext, patron: Patron): RequestedItem[] {
  const { engine, config } = ctx;
  const codeOf = (library: string) => Object.entries(config.pickupLocations ?? {}).find(([, lib]) => lib === library)?.[0] ?? library;
  return listHolds(engine, { patronId: patron.id, state: 'active' }).map((hold) => {
    const record = describeItem(engine.db, requireItemById(engine.db, hold.itemId));
    const pickup = engine.db.select().from(libraries).where(eq(libraries.id, hold.pickupLibraryId)).get();
    const position = activeHoldsForItem(engine.db, hold.itemId).findIndex((h) => h.id === hold.id) + 1;
    return {
      // NCIP 2.02 RequestedItem: RequestId (then ItemId) or ItemId alone (ncip_v2_02.xsd); the
      // request id is the one RequestItemResponse gave, so a client can cancel exactly that hold.
      requestId: (config.ids?.request?.format ?? String)(hold.id),
      itemId: record.item.barcode,
      requestType: 'Hold',
      requestStatusType: hold.status === 'on_hold_shelf' ? 'Available For Pickup' : 'In Process',
      datePlaced: ncipDateTime(hold.createdAt),
      ...(pickup ? { pickupLocation: codeOf(pickup.code) } : {}),
      ...(hold.holdShelfExpiry ? { pickupExpiryDate: `${hold.holdShelfExpiry}T23:59:59Z` } : {}),
      ...(position > 0 ? { holdQueuePosition: position } : {}),
      title: record.bib.title,
    };
  });
}

// ---- items -------------------------------------------------------------------------------------

function requireItem(ctx: ServiceContext, barcode: string): Item {
  const item = findItemByBarcode(ctx.engine.db, barcode);
  if (!item) throw refuse('Unknown Item', `No item has the barcode ${barcode}.`, 'ItemId', barcode);
  return item;
}

function temporaryItemOfRequest(engine: Engine, requestId: string): Item | undefined {
  return engine.db
    .select()
    .from(items)
    .where(and(eq(items.temporary, true), eq(items.illRequestId, requestId)))
    .get();
}

/** A note people read on the item; the engine keeps the date itself as the item's dueBackAt. */
const returnNote = (instant: Date) => `Return to lender by ${ncipDateTime(instant)}`;

/** The lender's DateForReturn kept at AcceptItem (the item's dueBackAt): no loan of it runs past it. */
export function dueDateCapOf(item: Item): Date | undefined {
  return item.dueBackAt ?? undefined;
}

const circulationStatuses: Record<ItemStatus, string> = {
  available: 'Available On Shelf',
  checked_out: 'On Loan',
  on_hold_shelf: 'Available For Pickup',
  in_transit: 'In Transit Between Library Locations',
  missing: 'Missing',
  lost: 'Lost',
  in_process: 'In Process',
};

function itemFields(ctx: ServiceContext, item: Item, asked: string[] | undefined): ItemOptionalFields {
  const record = describeItem(ctx.engine.db, item);
  const want = (type: string) => asked === undefined || asked.some((a) => a.toLowerCase() === type.toLowerCase());
  const fields: ItemOptionalFields = {};
  if (want('Bibliographic Description')) {
    fields.bibliographicDescription = {
      title: record.bib.title,
      ...(record.bib.author ? { author: record.bib.author } : {}),
      ...(record.bib.isbn ? { isbn: record.bib.isbn } : {}),
      // AcceptItem keeps the lending library here (ILLiad's habit): what NCIP shows of the lender.
      ...(record.bib.publisher ? { publisher: record.bib.publisher } : {}),
    };
  }
  if (want('Item Use Restriction Type') && record.policy?.libraryUseOnly) fields.itemUseRestrictions = ['In Library Use Only'];
  if (want('Circulation Status')) fields.circulationStatus = circulationStatuses[item.status];
  if (want('Hold Queue Length')) fields.holdQueueLength = record.activeHolds.length;
  if (want('Item Description') && record.holding.callNumber !== '') fields.callNumber = record.holding.callNumber;
  if (want('Location')) {
    fields.locations = [
      {
        type: 'Permanent',
        names: [
          { level: 1, value: record.library.name },
          { level: 2, value: record.location.name },
        ],
      },
    ];
    // NCIP 2.02 LocationType "Temporary" (Location/LocationType in ncip_v2_02.xsd): where it sits for now.
    if (item.inTempLocation && record.tempLibrary && record.tempLocation) {
      fields.locations.push({
        type: 'Temporary',
        names: [
          { level: 1, value: record.tempLibrary.name },
          { level: 2, value: record.tempLocation.name },
        ],
      });
    }
  }
  if (want('Date Due') && record.activeLoan) fields.dateDue = ncipDateTime(record.activeLoan.dueDate);
  return fields;
}

function lookupItem(ctx: ServiceContext, request: LookupItemRequest): NcipSuccessResponse {
  const item =
    request.itemId !== undefined
      ? requireItem(ctx, request.itemId)
      : (temporaryItemOfRequest(ctx.engine, request.requestId ?? '') ??
        (() => {
          throw refuse('Unknown Request', `No item was accepted for request ${request.requestId}.`, 'RequestId', request.requestId);
        })());
  const queue = activeHoldsForItem(ctx.engine.db, item.id);
  const hold = queue.find((h) => h.status === 'on_hold_shelf');
  const loan = request.currentBorrowerDesired ? activeLoanForItem(ctx.engine.db, item.id) : undefined;
  const borrower = loan ? userIdOf(ctx, requirePatronById(ctx.engine.db, loan.patronId)) : undefined;
  const requesters = request.currentRequestersDesired ? queue.map((h) => userIdOf(ctx, requirePatronById(ctx.engine.db, h.patronId))) : [];
  const wantsTransaction = request.currentBorrowerDesired || request.currentRequestersDesired;
  return {
    service: 'LookupItem',
    header: ctx.header,
    // A temporary item answers with the ILL request it was accepted for, then its barcode.
    ...(item.temporary && item.illRequestId ? { requestId: item.illRequestId } : {}),
    itemId: item.barcode,
    ...(hold?.holdShelfExpiry ? { holdPickupDate: `${hold.holdShelfExpiry}T23:59:59Z` } : {}),
    ...(wantsTransaction
      ? { itemTransaction: { ...(borrower ? { currentBorrower: borrower } : {}), ...(requesters.length > 0 ? { currentRequesters: requesters } : {}) } }
      : {}),
    item: itemFields(ctx, item, request.itemElementTypes),
  };
}

function pickupLibrary(ctx: ServiceContext, pickupLocation: string | undefined): string {
  if (pickupLocation === undefined || pickupLocation.trim() === '') return ctx.config.circulation.library;
  return ctx.config.pickupLocations?.[pickupLocation] ?? pickupLocation;
}

function acceptItem(ctx: ServiceContext, request: AcceptItemRequest): NcipSuccessResponse {
  const { engine, config } = ctx;
  // UserId is optional in AcceptItem: without one the item is created and held for nobody yet.
  const patron = request.userId === undefined ? undefined : requireUser(ctx, request).patron;
  // Nothing is created for a user who could not pick the item up.
  if (patron) assertPatronInGoodStanding(engine.db, patron, engine.clock.now());
  const earlier = temporaryItemOfRequest(engine, request.requestId);
  if (earlier) {
    throw refuse('Duplicate Request', `Request ${request.requestId} was already accepted as item ${earlier.barcode}.`, 'RequestId', request.requestId);
  }
  const wanted = request.itemId ?? request.requestId;
  let barcode = wanted;
  if (findItemByBarcode(engine.db, wanted)) {
    switch (ctx.personality.duplicateBarcode) {
      case 'new-barcode':
        // Koha: the item is made anyway under a free variant of the barcode; the response says which.
        barcode = suggestBarcode(engine.db, wanted);
        break;
      case 'rollback':
        // FOLIO mod-ncip (FolioRemoteServiceManager.acceptItem): on any failure it deletes the
        // instance, holdings and item it had created and answers its own ProblemType.
        throw refuse('Problem performing AcceptItem', `Barcode ${wanted} is already in use; nothing was kept.`, 'ItemId', wanted);
      default:
        // Evergreen (and the simulated vendors): the engine refuses, "Duplicate Item" with a suggestion.
        break;
    }
  }
  const dateForReturn = parseDate(request.dateForReturn, 'DateForReturn');
  const pickup = pickupLibrary(ctx, request.pickupLocation);
  const description = request.bibliographicDescription ?? {};
  // ILLiad puts the lending library in Publisher; other clients leave it to the header.
  const lender = description.publisher ?? request.header.fromAgencyId;
  // Ex Libris' Ext/ItemNote, when the client sends one, is the note staff see on the item.
  const note = request.itemNote ?? `ILL request ${request.requestId} from ${lender}`;
  const title = description.title?.trim() ? description.title : `Interlibrary loan ${request.requestId}`;
  const { library, location } = config.temporaryItems;
  // "In Library Use Only": the hold is for use in the building and, where the ILS has one, the
  // item gets its library-use-only policy, so no desk can check it out.
  const libraryUseOnly = (request.itemUseRestrictions ?? []).some((r) => /^in library use only$/i.test(r.trim()));
  const policy = (libraryUseOnly ? config.temporaryItems.libraryUseOnlyPolicy : undefined) ?? config.temporaryItems.policy;

  // One transaction: a refused hold (unknown pickup location, …) leaves no orphan bib or item.
  const item = engine.db.transaction(() => {
    const bib = createBib(engine, {
      title,
      author: description.author ?? null,
      isbn: description.isbn ?? null,
      publisher: description.publisher ?? null,
      marc: buildBibRecord({ title, author: description.author ?? undefined, isbn: description.isbn ?? undefined, otherSystemIds: [request.requestId] }),
      otherSystemIds: [request.requestId],
      suppressed: true,
    });
    const holding = createHolding(engine, {
      bibId: bib.id,
      libraryCode: library,
      locationCode: location,
      callNumber: request.callNumber ?? '',
      marc: buildHoldingRecord(library, location, request.callNumber ?? ''),
      suppressed: true,
    });
    const created = createItem(engine, {
      holdingId: holding.id,
      barcode,
      ...(policy ? { policy } : {}),
      temporary: true,
      illRequestId: request.requestId,
      lendingLibrary: lender,
      fulfillmentNote: note,
      internalNote1: `ILL request ${request.requestId}`,
      internalNote2: `Lending library: ${lender}`,
      internalNote3: dateForReturn ? returnNote(dateForReturn) : '',
      // The engine caps every loan of the item at the lender's date, at NCIP and REST desks alike.
      dueBackAt: dateForReturn ?? null,
    });
    if (patron) {
      placeHold(engine, {
        patronId: patron.id,
        itemId: created.id,
        pickupLibraryCode: pickup,
        comment: `ILL request ${request.requestId}`,
        ...(libraryUseOnly ? { inLibraryUseOnly: true } : {}),
      });
    }
    return created;
  });
  return { service: 'AcceptItem', header: ctx.header, requestId: request.requestId, itemId: item.barcode };
}

/** The borrower of a lending CheckOutItem: the user named, else the partner's account (config.partnerBorrower). */
function checkOutBorrower(ctx: ServiceContext, request: CheckOutItemRequest): { patron: Patron; givenId: string } {
  const fallback = ctx.config.partnerBorrower;
  const given = request.userId?.trim() || undefined;
  if (fallback && !(request.authentication ?? []).length) {
    const known = given === undefined ? undefined : findPatron(ctx.engine.db, given, ctx.config.userIdentifier ?? 'any');
    if (!known) {
      const account = fallback(request.header, given);
      const patron = account === undefined ? undefined : findPatron(ctx.engine.db, account, 'any');
      if (patron) return { patron, givenId: given ?? userIdOf(ctx, patron) };
    }
  }
  return requireUser(ctx, request);
}

function checkOutItem(ctx: ServiceContext, request: CheckOutItemRequest): NcipSuccessResponse {
  const { engine, config } = ctx;
  const { patron, givenId } = checkOutBorrower(ctx, request);
  const item = requireItem(ctx, request.itemId);
  const current = activeLoanForItem(engine.db, item.id);
  if (current) {
    if (current.patronId === patron.id) {
      throw refuse('Item Already Checked Out To This User', `Item ${item.barcode} is already on loan to user ${givenId}.`, 'ItemId', item.barcode);
    }
    throw refuse('Item Already Checked Out', `Item ${item.barcode} is on loan to another user.`, 'ItemId', item.barcode);
  }
  const desired = parseDate(request.desiredDateDue, 'DesiredDateDue');
  // The engine applies the patron's expiry, the item's dueBackAt and the closed days to either date.
  const loan = checkOut(engine, {
    patronId: patron.id,
    itemId: item.id,
    libraryCode: config.circulation.library,
    ...(config.circulation.desk ? { deskCode: config.circulation.desk } : {}),
    ...(desired ? { dueDate: desired } : {}),
  });
  // A lent item — checked out to a borrowing library's account — goes to the responder's ILL
  // check-out location; a temporary item (already in the ILL location AcceptItem gave it) and a
  // loan to a local patron stay where they are.
  if (config.checkOutLocation && patron.institutionalSymbol !== null && !item.temporary && !item.inTempLocation) {
    updateItem(engine, item.id, {
      inTempLocation: true,
      tempLibraryCode: config.checkOutLocation.library,
      tempLocationCode: config.checkOutLocation.location,
    });
  }
  return {
    service: 'CheckOutItem',
    header: ctx.header,
    itemId: item.barcode,
    userId: givenId,
    dateDue: ncipDateTime(loan.dueDate),
    renewalCount: loan.renewals,
  };
}

function routingInstructions(outcome: string, destination: string): string {
  switch (outcome) {
    case 'hold_shelf':
      return `Place on the hold shelf at ${destination}`;
    case 'transit_to_pickup':
      return `Send to ${destination} for pickup`;
    case 'transit_home':
      return `Return to ${destination}`;
    default:
      return `Reshelve at ${destination}`;
  }
}

/** The first hold waiting on an item that this location's check-in would move (not already on its shelf). */
function holdToRoute(ctx: ServiceContext, item: Item): Hold | undefined {
  const [next] = activeHoldsForItem(ctx.engine.db, item.id);
  if (!next) return undefined;
  const here = ctx.engine.db.select().from(libraries).where(eq(libraries.code, ctx.config.circulation.library)).get();
  const onThisShelf = next.status === 'on_hold_shelf' && here !== undefined && next.pickupLibraryId === here.id;
  return onThisShelf ? undefined : next;
}

function checkInItem(ctx: ServiceContext, request: CheckInItemRequest): NcipSuccessResponse {
  const { engine, config } = ctx;
  const item = requireItem(ctx, request.itemId);
  // An item not on loan is discharged only when that routes a hold (a borrowed item arriving):
  // otherwise nothing would move, and NCIP says "Item Not Checked Out" (ReShare's already-done).
  if (!activeLoanForItem(engine.db, item.id) && !holdToRoute(ctx, item)) {
    // Some responders (FOLIO, Koha) answer success and change nothing; the default is the Problem.
    if (ctx.personality.checkInNotOnLoan === 'success') return { service: 'CheckInItem', header: ctx.header, itemId: item.barcode };
    throw refuse('Item Not Checked Out', `Item ${item.barcode} is not on loan.`, 'ItemId', item.barcode);
  }
  const result = checkIn(engine, {
    itemId: item.id,
    libraryCode: config.circulation.library,
    ...(config.circulation.desk ? { deskCode: config.circulation.desk } : {}),
  });
  const borrower = result.returnedLoan ? requirePatronById(engine.db, result.returnedLoan.patronId) : undefined;
  // Back from the ILL check-out location to its permanent one — only if it is in that location
  // (a temporary location staff gave it for another reason is left alone).
  const away = config.checkOutLocation ? describeItem(engine.db, result.item) : undefined;
  if (
    away &&
    result.item.inTempLocation &&
    away.tempLibrary?.code === config.checkOutLocation?.library &&
    away.tempLocation?.code === config.checkOutLocation?.location
  ) {
    result.item = updateItem(engine, item.id, { inTempLocation: false });
  }
  const destination = result.destinationLibrary.name;
  return {
    service: 'CheckInItem',
    header: ctx.header,
    itemId: item.barcode,
    ...(borrower ? { userId: userIdOf(ctx, borrower) } : {}),
    routing: {
      instructions: routingInstructions(result.outcome, destination),
      destination: { type: 'Current', names: [{ level: 1, value: destination }] },
    },
    ...(request.itemElementTypes ? { item: itemFields(ctx, result.item, request.itemElementTypes) } : {}),
  };
}

function renewItem(ctx: ServiceContext, request: RenewItemRequest): NcipSuccessResponse {
  const { engine } = ctx;
  const { patron, givenId } = requireUser(ctx, request);
  const item = requireItem(ctx, request.itemId);
  const loan = activeLoanForItem(engine.db, item.id);
  if (!loan) throw refuse('Item Not Checked Out', `Item ${item.barcode} is not on loan.`, 'ItemId', item.barcode);
  if (loan.patronId !== patron.id) {
    throw refuse('Item Not Checked Out To This User', `Item ${item.barcode} is on loan to another user.`, 'ItemId', item.barcode);
  }
  const desired = parseDate(request.desiredDateDue, 'DesiredDateDue');
  const lenderDate = dueDateCapOf(item);
  const renewed = engine.db.transaction(() => {
    if (desired) {
      // The ILL system passes on the date the lender granted: the loan gets it, as staff would set
      // it, and a borrowed item's lender date moves with it (the lender renewed).
      if (lenderDate && desired.getTime() > lenderDate.getTime()) updateItem(engine, item.id, { dueBackAt: desired });
      if (desired.getTime() === loan.dueDate.getTime()) return loan;
      changeDueDate(engine, loan.id, desired);
      return engine.db
        .update(loans)
        .set({ renewals: loan.renewals + 1, lastRenewDate: engine.clock.now() })
        .where(eq(loans.id, loan.id))
        .returning()
        .get();
    }
    return renewLoan(engine, loan.id);
  });
  return {
    service: 'RenewItem',
    header: ctx.header,
    itemId: item.barcode,
    userId: givenId,
    dateDue: ncipDateTime(renewed.dueDate),
    renewalCount: renewed.renewals,
  };
}

function requestItem(ctx: ServiceContext, request: RequestItemRequest): NcipSuccessResponse {
  const { engine, config } = ctx;
  const { patron, givenId } = requireUser(ctx, request);
  const pickup = pickupLibrary(ctx, request.pickupLocation);
  const comment = request.requestId ? `ILL request ${request.requestId}` : null;
  const titleLevel = /title|bibliographic/i.test(request.requestScopeType ?? '') && request.bibliographicId?.identifier;
  let hold: Hold;
  if (request.itemId !== undefined && !titleLevel) {
    const item = requireItem(ctx, request.itemId);
    hold = placeHold(engine, { patronId: patron.id, itemId: item.id, pickupLibraryCode: pickup, comment });
  } else {
    const recordId = request.bibliographicId?.identifier ?? '';
    const bibId = (config.ids?.bib ?? ((id: string) => (/^\d+$/.test(id) ? Number(id) : undefined)))(recordId);
    if (bibId === undefined || recordId === '') {
      throw refuse('Unknown Item', `No bibliographic record has the identifier "${recordId}".`, 'BibliographicRecordIdentifier', recordId);
    }
    hold = placeTitleHold(engine, { patronId: patron.id, bibId, pickupLibraryCode: pickup, comment });
  }
  const held = requireItemById(engine.db, hold.itemId);
  return {
    service: 'RequestItem',
    header: ctx.header,
    requestId: (config.ids?.request?.format ?? String)(hold.id),
    itemId: held.barcode,
    userId: givenId,
    requestType: request.requestType ?? 'Hold',
    requestScopeType: request.requestScopeType ?? 'Item',
  };
}

function cancelRequestItem(ctx: ServiceContext, request: CancelRequestItemRequest): NcipSuccessResponse {
  const { engine, config } = ctx;
  const { patron, givenId } = requireUser(ctx, request);
  const active = listHolds(engine, { patronId: patron.id, state: 'active' });
  let hold: Hold | undefined;
  if (request.requestId !== undefined) {
    // Our own request id (from RequestItemResponse), or the ILL request id the client sent with it.
    const ownId = config.ids?.request?.parse(request.requestId) ?? (/^\d+$/.test(request.requestId) ? Number(request.requestId) : undefined);
    hold = (ownId !== undefined ? active.find((h) => h.id === ownId) : undefined) ?? active.find((h) => h.comment === `ILL request ${request.requestId}`);
  }
  if (!hold && request.itemId !== undefined) {
    const item = findItemByBarcode(engine.db, request.itemId);
    hold = item ? active.find((h) => h.itemId === item.id) : undefined;
  }
  if (!hold) {
    const id = request.requestId ?? request.itemId ?? '';
    throw refuse('Unknown Request', `User ${givenId} has no active request ${id}.`, request.requestId ? 'RequestId' : 'ItemId', id);
  }
  const cancelled = cancelHold(engine, hold.id, 'CancelledAtPatronRequest');
  const item = requireItemById(engine.db, cancelled.itemId);
  return {
    service: 'CancelRequestItem',
    header: ctx.header,
    requestId: request.requestId ?? (config.ids?.request?.format ?? String)(cancelled.id),
    itemId: item.barcode,
    userId: givenId,
  };
}

function deleteItemService(ctx: ServiceContext, request: DeleteItemRequest): NcipSuccessResponse {
  const { engine } = ctx;
  const item = requireItem(ctx, request.itemId);
  if (!item.temporary && !ctx.config.deleteAnyItem) {
    throw refuse(
      'Item Cannot Be Deleted',
      `Item ${item.barcode} is not a temporary interlibrary loan item; only items created by AcceptItem are deleted over NCIP.`,
      'ItemId',
      item.barcode,
    );
  }
  if (activeLoanForItem(engine.db, item.id)) {
    throw refuse('Item Cannot Be Deleted', `Item ${item.barcode} is on loan; check it in first.`, 'ItemId', item.barcode);
  }
  engine.db.transaction(() => {
    deleteItem(engine, item.id, { override: true, holdings: 'delete' });
    // The bib was made for this item alone.
    if (item.temporary && listHoldings(engine, item.bibId).length === 0) deleteBib(engine, item.bibId);
  });
  return { service: 'DeleteItem', header: ctx.header, itemId: item.barcode };
}

function createUserFiscalTransaction(ctx: ServiceContext, request: CreateUserFiscalTransactionRequest): NcipSuccessResponse {
  const { engine, config } = ctx;
  const fees = config.fees;
  if (!fees) throw refuse('Unsupported Service', 'This ILS does not take fees over NCIP.');
  const { patron, givenId } = requireUser(ctx, request);
  const transaction = request.fiscalTransaction;
  if (!transaction.amount) throw refuse('Needed Data Missing', 'The fiscal transaction has no amount.', 'Amount');
  const item = transaction.itemId !== undefined ? requireItem(ctx, transaction.itemId) : undefined;
  const fee = createFee(engine, {
    patronId: patron.id,
    type: fees.types?.[transaction.transactionType] ?? fees.defaultType,
    // MonetaryValue is in the currency's minor unit, like the engine's cents.
    amountCents: transaction.amount.monetaryValue,
    ownerLibraryCode: fees.ownerLibrary,
    comment: transaction.description ?? `${transaction.transactionType} (${transaction.actionType})`,
    ...(item ? { itemId: item.id } : {}),
  });
  return {
    service: 'CreateUserFiscalTransaction',
    header: ctx.header,
    userId: givenId,
    fiscalTransactionReferenceId: (config.ids?.fee ?? String)(fee.id),
  };
}

export function runService(ctx: ServiceContext, request: NcipRequest): NcipSuccessResponse {
  switch (request.service) {
    case 'LookupUser':
      return lookupUser(ctx, request);
    case 'LookupItem':
      return lookupItem(ctx, request);
    case 'AcceptItem':
      return acceptItem(ctx, request);
    case 'CheckOutItem':
      return checkOutItem(ctx, request);
    case 'CheckInItem':
      return checkInItem(ctx, request);
    case 'RenewItem':
      return renewItem(ctx, request);
    case 'RequestItem':
      return requestItem(ctx, request);
    case 'CancelRequestItem':
      return cancelRequestItem(ctx, request);
    case 'DeleteItem':
      return deleteItemService(ctx, request);
    case 'CreateUserFiscalTransaction':
      return createUserFiscalTransaction(ctx, request);
  }
}
