/**
 * Engine rows as Sierra v6 objects (Patron, Item, Bib, Hold, Checkout, Fine), property names and
 * shapes as in Innovative's object descriptions and captured responses: integer patron ids,
 * string item/bib ids, related records as URLs, `{code, name}` locations, fixed fields keyed by
 * number.
 */
import { and, eq } from 'drizzle-orm';
import { placeInQueue } from '../../engine/holds.ts';
import { activeBlocks, activeHoldsForItem, activeLoanForItem, describeItem, findItem, findItemPolicy, libraryById, locationById } from '../../engine/lookup.ts';
import { type Bib, type Fee, fees, type Hold, type Item, type Loan, loans, type Patron } from '../../engine/schema.ts';
import { itemTypeOf, patronTypeOf, toSierraId } from './ids.ts';
import { link, locationOf, pickupOfLibrary, type SierraWorld, sierraDateTime } from './world.ts';

type Json = Record<string, unknown>;

const dollars = (cents: number) => Math.round(cents) / 100;

// ---- patrons --------------------------------------------------------------------------------

/** Properties a patron GET returns without `fields=` (names, barcodes, emails only when asked). */
export const patronDefaultFields = [
  'id',
  'updatedDate',
  'createdDate',
  'deleted',
  'expirationDate',
  'patronType',
  'patronCodes',
  'homeLibraryCode',
  'message',
  'blockInfo',
  'moneyOwed',
] as const;

export function moneyOwedCents(world: SierraWorld, patronId: number): number {
  return world.engine.db
    .select()
    .from(fees)
    .where(and(eq(fees.patronId, patronId), eq(fees.status, 'active')))
    .all()
    .reduce((sum, fee) => sum + fee.balanceCents, 0);
}

/** The manual block code (MBLOCK, fixed field 56): `-` none; `b` a staff block. */
export function manualBlockCode(world: SierraWorld, patron: Patron): string {
  return patron.status === 'blocked' || activeBlocks(world.engine.db, patron.id).length > 0 ? 'b' : '-';
}

export function patronName(patron: Patron): string {
  return `${patron.lastName}, ${patron.firstName}`;
}

export function renderPatron(world: SierraWorld, patron: Patron): Json {
  const owed = dollars(moneyOwedCents(world, patron.id));
  const block = manualBlockCode(world, patron);
  const activeLoans = world.engine.db
    .select()
    .from(loans)
    .where(and(eq(loans.patronId, patron.id), eq(loans.status, 'active')))
    .all().length;
  const varFields: Json[] = [
    ...(patron.barcode ? [{ fieldTag: 'b', content: patron.barcode }] : []),
    { fieldTag: 'n', content: patronName(patron) },
    ...(patron.email ? [{ fieldTag: 'z', content: patron.email }] : []),
    { fieldTag: 'u', content: patron.primaryId },
  ];
  return {
    id: toSierraId('patron', patron.id),
    updatedDate: sierraDateTime(patron.createdAt),
    createdDate: sierraDateTime(patron.createdAt),
    deleted: false,
    suppressed: false,
    names: [patronName(patron)],
    barcodes: patron.barcode ? [patron.barcode] : [],
    expirationDate: patron.expiryDate,
    emails: patron.email ? [patron.email] : [],
    patronType: patronTypeOf(patron.userGroup),
    patronCodes: { pcode1: '-', pcode2: '-', pcode3: 0, pcode4: 0 },
    homeLibraryCode: pickupOfLibrary(world, world.defaultStatGroup.library).code,
    message: { code: '-', accountMessages: [] },
    blockInfo: { code: block },
    // Automatic blocks (fines over the limit, overdues) are not modelled: expiry and manual blocks are.
    autoBlockInfo: { code: '-' },
    uniqueIds: [patron.primaryId],
    moneyOwed: owed,
    fixedFields: {
      '43': { label: 'EXP DATE', value: patron.expiryDate },
      '47': { label: 'P TYPE', value: String(patronTypeOf(patron.userGroup)) },
      '50': { label: 'CUR CHKOUT', value: activeLoans },
      '53': { label: 'HOME LIBR', value: pickupOfLibrary(world, world.defaultStatGroup.library).code },
      '56': { label: 'MBLOCK', value: block },
      '96': { label: 'MONEY OWED', value: owed },
    },
    varFields,
  };
}

// ---- items ----------------------------------------------------------------------------------

export const itemDefaultFields = [
  'id',
  'updatedDate',
  'createdDate',
  'deleted',
  'bibIds',
  'location',
  'status',
  'volumes',
  'barcode',
  'callNumber',
  'itemType',
] as const;

/** Item status `{code, display}` (fixed field 88); a checked-out item is `-` with a `duedate`. */
export function itemStatus(world: SierraWorld, item: Item): Json {
  const loan = activeLoanForItem(world.engine.db, item.id);
  switch (item.status) {
    case 'checked_out':
      return { code: '-', display: 'AVAILABLE', ...(loan ? { duedate: sierraDateTime(loan.dueDate) } : {}) };
    case 'on_hold_shelf':
      return { code: '!', display: 'ON HOLDSHELF' };
    case 'in_transit':
      return { code: 't', display: 'IN TRANSIT' };
    case 'missing':
      return { code: 'm', display: 'MISSING' };
    case 'lost':
      return { code: 'n', display: 'BILLED NOTPAID' };
    case 'in_process':
      return { code: 'p', display: 'IN PROCESS' };
    case 'available': {
      const policy = findItemPolicy(world.engine.db, item.policy);
      if (policy && (policy.libraryUseOnly || !policy.loanable)) return { code: 'o', display: 'LIB USE ONLY' };
      return { code: '-', display: 'AVAILABLE' };
    }
  }
}

/** Item notes as varFields: `x` internal notes (one per line), `m` message, `v` volume. */
export function itemVarFields(item: Item, barcode: string, callNumber: string): Json[] {
  const fields: Json[] = [{ fieldTag: 'b', content: barcode }];
  if (callNumber) fields.push({ fieldTag: 'c', content: callNumber });
  if (item.description) fields.push({ fieldTag: 'v', content: item.description });
  if (item.fulfillmentNote) fields.push({ fieldTag: 'm', content: item.fulfillmentNote });
  for (const line of item.internalNote1.split('\n')) if (line.trim() !== '') fields.push({ fieldTag: 'x', content: line });
  return fields;
}

/** Where the item sits now: Sierra shows one location, the temporary one while it has one. */
export function currentLocation(world: SierraWorld, item: Item) {
  const db = world.engine.db;
  if (item.inTempLocation && item.tempLibraryId !== null && item.tempLocationId !== null) {
    return locationOf(world, libraryById(db, item.tempLibraryId).code, locationById(db, item.tempLocationId).code);
  }
  return locationOf(world, libraryById(db, item.libraryId).code, locationById(db, item.locationId).code);
}

export function renderItem(world: SierraWorld, item: Item): Json {
  const record = describeItem(world.engine.db, item);
  const location = currentLocation(world, item);
  const status = itemStatus(world, item);
  const itemType = itemTypeOf(item.policy);
  const holdCount = activeHoldsForItem(world.engine.db, item.id).length;
  return {
    id: String(toSierraId('item', item.id)),
    updatedDate: sierraDateTime(item.updatedAt),
    createdDate: sierraDateTime(item.createdAt),
    deleted: false,
    suppressed: record.bib.suppressed,
    bibIds: [String(toSierraId('bib', item.bibId))],
    location: { code: location.code, name: location.name },
    status,
    volumes: item.description ? [item.description] : [],
    barcode: item.barcode,
    callNumber: record.holding.callNumber,
    itemType,
    holdCount,
    fixedFields: {
      '57': { label: 'BIB HOLD', value: 'false' },
      '61': { label: 'I TYPE', value: String(itemType) },
      '65': { label: 'DUE DATE', value: typeof status.duedate === 'string' ? status.duedate : '' },
      '79': { label: 'LOCATION', value: location.code, display: location.name },
      '88': { label: 'STATUS', value: String(status.code), display: String(status.display) },
    },
    varFields: itemVarFields(item, item.barcode, record.holding.callNumber),
  };
}

// ---- bibs -----------------------------------------------------------------------------------

export const bibDefaultFields = [
  'id',
  'updatedDate',
  'createdDate',
  'deleted',
  'suppressed',
  'title',
  'author',
  'publishYear',
  'materialType',
  'bibLevel',
] as const;

export function renderBib(bib: Bib): Json {
  return {
    id: String(toSierraId('bib', bib.id)),
    updatedDate: sierraDateTime(bib.updatedAt),
    createdDate: sierraDateTime(bib.createdAt),
    deleted: false,
    suppressed: bib.suppressed,
    title: bib.title,
    author: bib.author ?? '',
    publishYear: bib.publicationYear === null ? undefined : Number(bib.publicationYear),
    materialType: { code: 'a', value: 'BOOK' },
    bibLevel: { code: 'm', value: 'MONOGRAPH' },
    fixedFields: { '31': { label: 'BCODE3', value: bib.suppressed ? 'n' : '-' } },
  };
}

// ---- holds ----------------------------------------------------------------------------------

export const holdDefaultFields = [
  'id',
  'record',
  'patron',
  'frozen',
  'placed',
  'notNeededAfterDate',
  'notWantedBeforeDate',
  'pickupLocation',
  'status',
  'recordType',
  'priority',
  'note',
] as const;

/** Hold status `{code, name}`: `0` on hold, `i` ready for pickup (item hold), `t` in transit. */
export function holdStatus(hold: Hold): Json {
  if (hold.status === 'on_hold_shelf') return { code: 'i', name: 'Ready for pickup.' };
  if (hold.status === 'in_transit') return { code: 't', name: 'In transit.' };
  return { code: '0', name: 'on hold.' };
}

export function renderHold(world: SierraWorld, base: string, hold: Hold): Json {
  const pickupLibrary = libraryById(world.engine.db, hold.pickupLibraryId).code;
  const pickup = pickupOfLibrary(world, pickupLibrary);
  const placed = hold.createdAt.toISOString().slice(0, 10);
  return {
    id: link(base, 'hold', hold.id),
    record: link(base, 'item', hold.itemId),
    patron: link(base, 'patron', hold.patronId),
    frozen: false,
    placed,
    notWantedBeforeDate: placed,
    ...(hold.holdShelfExpiry ? { pickupByDate: `${hold.holdShelfExpiry}T23:59:00Z` } : {}),
    pickupLocation: { code: pickup.code, name: pickup.name },
    status: holdStatus(hold),
    recordType: 'i',
    priority: placeInQueue(world.engine, hold) ?? 1,
    note: hold.comment ?? '',
  };
}

// ---- checkouts ------------------------------------------------------------------------------

export const checkoutDefaultFields = ['id', 'patron', 'item', 'dueDate', 'outDate', 'recallDate'] as const;

export function renderCheckout(world: SierraWorld, base: string, loan: Loan): Json {
  const record = itemFacts(world, loan.itemId);
  return {
    id: link(base, 'checkout', loan.id),
    patron: link(base, 'patron', loan.patronId),
    item: link(base, 'item', loan.itemId),
    barcode: record?.barcode,
    dueDate: sierraDateTime(loan.dueDate),
    callNumber: record?.callNumber,
    numberOfRenewals: loan.renewals,
    outDate: sierraDateTime(loan.loanDate),
  };
}

function itemFacts(world: SierraWorld, itemId: number): { barcode: string; callNumber: string } | undefined {
  const item = findItem(world.engine.db, itemId);
  if (!item) return undefined;
  return { barcode: item.barcode, callNumber: describeItem(world.engine.db, item).holding.callNumber };
}

// ---- fines ----------------------------------------------------------------------------------

export const fineDefaultFields = [
  'id',
  'patron',
  'item',
  'assessedDate',
  'description',
  'chargeType',
  'itemCharge',
  'processingFee',
  'billingFee',
  'paidAmount',
  'location',
] as const;

export function renderFine(world: SierraWorld, base: string, fee: Fee): Json {
  const owner = pickupOfLibrary(world, libraryById(world.engine.db, fee.ownerLibraryId).code);
  return {
    id: link(base, 'fine', fee.id),
    patron: link(base, 'patron', fee.patronId),
    ...(fee.itemId !== null ? { item: link(base, 'item', fee.itemId) } : {}),
    assessedDate: sierraDateTime(fee.createdAt),
    description: fee.comment ?? '',
    chargeType: { code: fee.type, display: fee.type === '1' ? 'Manual Charge' : fee.type },
    itemCharge: dollars(fee.originalAmountCents),
    processingFee: 0,
    billingFee: 0,
    paidAmount: dollars(fee.originalAmountCents - fee.balanceCents),
    location: { code: owner.code, name: owner.name },
    invoiceNumber: 1_000_000 + fee.id,
  };
}
