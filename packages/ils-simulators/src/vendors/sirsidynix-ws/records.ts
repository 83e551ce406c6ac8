/**
 * Engine rows as ROA records. Each builder returns a `RecordSource` whose fields are computed
 * when rendered, so a stub costs nothing and an expanded relation reads only what is asked for.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Engine } from '../../engine/engine.ts';
import { listFees } from '../../engine/fees.ts';
import { activeHoldsForItem, activeLoanForItem, findItem, findItemPolicy, libraryById, locationById, patronStanding } from '../../engine/lookup.ts';
import {
  type Bib,
  bibs,
  type Hold,
  holdings,
  holds,
  type Item,
  items,
  itemPolicies,
  type Loan,
  libraries,
  loans,
  locations,
  type MarcRecord,
  type Patron,
  patronBlocks,
  patrons,
} from '../../engine/schema.ts';
import { bibKey, callKey, circKey, itemKey, parseBlockKey, parseCallKey, parseCircKey, parseItemKey, parseNumericKey } from './keys.ts';
import type { SirsiDynixDialect } from './dialect.ts';
import { type Field, money, type RecordSource, type Ref, ref, refs, value } from './representation.ts';
import type { StaffAccount } from './session.ts';

export interface RecordContext {
  engine: Engine;
  dialect: SirsiDynixDialect;
  currency: string;
  staff: StaffAccount[];
  /** holds placed as TITLE holds (the engine keeps every hold on an item) */
  titleHolds: Set<number>;
}

/** `2025-04-09T23:59:00+00:00`: ISO with an offset, as ILSWS writes instants. */
export const isoInstant = (date: Date | null | undefined): string | null => (date ? date.toISOString().replace(/\.\d{3}Z$/, '+00:00') : null);
const day = (date: Date | null | undefined): string | null => (date ? date.toISOString().slice(0, 10) : null);

/** Where the item is now, in Symphony's terms: a temporary location, or a circulation state. */
export function currentLocationOf(ctx: RecordContext, item: Item): string {
  if (item.inTempLocation && item.tempLocationId !== null) return locationById(ctx.engine.db, item.tempLocationId).code;
  switch (item.status) {
    case 'checked_out':
      return 'CHECKEDOUT';
    case 'in_transit':
      return 'INTRANSIT';
    case 'on_hold_shelf':
      return 'HOLDS';
    case 'missing':
      return 'MISSING';
    case 'lost':
      return 'LOST';
    default:
      return locationById(ctx.engine.db, item.locationId).code;
  }
}

export const circulationStateLocations = new Set(['CHECKEDOUT', 'INTRANSIT', 'HOLDS', 'MISSING', 'LOST']);

/**
 * Item notes as Symphony's item extended information entries: STAFF (up to three, the engine's
 * internal notes), PUBLIC and CIRCNOTE (shown at the circulation desk).
 */
export const staffNoteColumns = ['internalNote1', 'internalNote2', 'internalNote3'] as const;
export const noteTypes = ['STAFF', 'PUBLIC', 'CIRCNOTE'] as const;
export type NoteType = (typeof noteTypes)[number];

export function itemNotes(item: Item): { type: NoteType; data: string }[] {
  const notes: { type: NoteType; data: string }[] = [];
  for (const column of staffNoteColumns) if (item[column] !== '') notes.push({ type: 'STAFF', data: item[column] });
  if (item.publicNote !== '') notes.push({ type: 'PUBLIC', data: item.publicNote });
  if (item.fulfillmentNote !== '') notes.push({ type: 'CIRCNOTE', data: item.fulfillmentNote });
  return notes;
}

/** Notes written through `customInformation`, as engine item fields (a full replace). */
export function notesToItemFields(
  notes: { type: NoteType; data: string }[],
): Pick<Item, 'internalNote1' | 'internalNote2' | 'internalNote3' | 'publicNote' | 'fulfillmentNote'> {
  const staff = notes.filter((note) => note.type === 'STAFF').map((note) => note.data);
  return {
    internalNote1: staff[0] ?? '',
    internalNote2: staff[1] ?? '',
    // More than three staff notes are kept together in the last one.
    internalNote3: staff.slice(2).join(' | '),
    publicNote: notes
      .filter((note) => note.type === 'PUBLIC')
      .map((note) => note.data)
      .join(' | '),
    fulfillmentNote: notes
      .filter((note) => note.type === 'CIRCNOTE')
      .map((note) => note.data)
      .join(' | '),
  };
}

function holdStatus(hold: Hold): { status: string; inactiveReason: string | null } {
  switch (hold.status) {
    case 'pending':
      return { status: 'PLACED', inactiveReason: null };
    case 'in_transit':
      return { status: 'TRANSIT', inactiveReason: null };
    case 'on_hold_shelf':
      return { status: 'BEING_HELD', inactiveReason: null };
    case 'expired':
      return { status: 'EXPIRED', inactiveReason: 'EXPIRED' };
    case 'fulfilled':
      return { status: 'INACTIVE', inactiveReason: 'FILLED' };
    case 'cancelled':
      return { status: 'INACTIVE', inactiveReason: 'CANCELLED' };
  }
}

function defaultLibraryCode(ctx: RecordContext): string {
  return ctx.engine.db.select().from(libraries).orderBy(asc(libraries.id)).get()?.code ?? 'MAIN';
}

export function patronRecord(ctx: RecordContext, patron: Patron): RecordSource {
  const key = String(patron.id);
  return {
    resource: '/user/patron',
    key,
    fields: () => {
      const { db } = ctx.engine;
      const activeLoans = db
        .select()
        .from(loans)
        .where(and(eq(loans.patronId, patron.id), eq(loans.status, 'active')))
        .orderBy(asc(loans.id))
        .all();
      const activeHolds = db
        .select()
        .from(holds)
        .where(and(eq(holds.patronId, patron.id), inArray(holds.status, ['pending', 'in_transit', 'on_hold_shelf'])))
        .orderBy(asc(holds.id))
        .all();
      const fields: Record<string, Field> = {
        barcode: value(patron.barcode),
        alternateID: value(patron.primaryId),
        displayName: value(`${patron.lastName}, ${patron.firstName}`),
        firstName: value(patron.firstName),
        lastName: value(patron.lastName),
        [ctx.dialect.patronGroup.field]: ref(ctx.dialect.patronGroup.resource, patron.userGroup),
        library: ref('/policy/library', defaultLibraryCode(ctx)),
        privilegeExpiresDate: value(patron.expiryDate),
        email: value(patron.email),
        circRecordList: refs(
          '/circulation/circRecord',
          activeLoans.map((loan) => circKey(findItem(db, loan.itemId) as Item, loan.id)),
        ),
        holdRecordList: refs(
          '/circulation/holdRecord',
          activeHolds.map((hold) => String(hold.id)),
        ),
        blockList: refs('/circulation/block', blockKeys(ctx, patron.id)),
        estimatedOverdueAmount: value(money(0, ctx.currency)),
      };
      if (ctx.dialect.patronStanding) {
        fields.standing = ref('/policy/patronStanding', standingOf(ctx, patron));
      } else {
        // Horizon's ROA patron has no standing; published clients (Palace's SirsiDynix Horizon
        // provider) read `approved`: false for a blocked borrower, true otherwise.
        fields.approved = value(!patronStanding(ctx.engine.db, patron, ctx.engine.clock.now()).blocked);
      }
      // Both products answer patronStatusInfo (Palace calls it on Horizon, UVA on Symphony).
      fields.patronStatusInfo = ref('/user/patronStatusInfo', key);
      return fields;
    },
  };
}

/** OK, or BLOCKED when the account is blocked or carries an active block (expiry is separate). */
export function standingOf(ctx: RecordContext, patron: Patron): 'OK' | 'BLOCKED' {
  return patronStanding(ctx.engine.db, patron, ctx.engine.clock.now()).blocked ? 'BLOCKED' : 'OK';
}

function blockKeys(ctx: RecordContext, patronId: number): string[] {
  const manual = ctx.engine.db
    .select()
    .from(patronBlocks)
    .where(and(eq(patronBlocks.patronId, patronId), eq(patronBlocks.active, true)))
    .orderBy(asc(patronBlocks.id))
    .all()
    .map((block) => `${patronId}:B${block.id}`);
  const fees = listFees(ctx.engine, { patronId, status: 'active' }).map((fee) => `${patronId}:F${fee.id}`);
  return [...manual, ...fees];
}

function patronStatusInfoRecord(ctx: RecordContext, patron: Patron): RecordSource {
  return {
    resource: '/user/patronStatusInfo',
    key: String(patron.id),
    fields: () => {
      const owed = listFees(ctx.engine, { patronId: patron.id, status: 'active' }).reduce((sum, fee) => sum + fee.balanceCents, 0);
      const standing = patronStanding(ctx.engine.db, patron, ctx.engine.clock.now());
      // The field names published clients read: UVA ils_connector `standing`/`amountOwed`,
      // Palace `expired`, `estimatedFines` and the `hasMax…` limits, legacy scripts
      // `datePrivilegeExpires`. `privilegeExpired`/`blockCount` are kept for older callers.
      const fields: Record<string, Field> = {
        amountOwed: value(money(owed, ctx.currency)),
        estimatedFines: value(money(0, ctx.currency)),
        datePrivilegeExpires: value(patron.expiryDate),
        expired: value(standing.expired),
        privilegeExpired: value(standing.expired),
        blockCount: value(standing.blocks.length),
        hasMaxFines: value(false),
        hasMaxDaysWithFines: value(false),
        hasMaxLostItem: value(false),
        hasMaxOverdueItem: value(false),
        hasMaxOverdueDays: value(false),
        hasMaxItemsCheckedOut: value(false),
      };
      if (ctx.dialect.patronStanding) fields.standing = ref('/policy/patronStanding', standingOf(ctx, patron));
      return fields;
    },
  };
}

function blockRecord(ctx: RecordContext, key: string): RecordSource | undefined {
  const { patronId, kind, id } = parseBlockKey(key);
  const { db } = ctx.engine;
  if (kind === 'block') {
    const block = db.select().from(patronBlocks).where(eq(patronBlocks.id, id)).get();
    if (!block || block.patronId !== patronId) return undefined;
    return {
      resource: '/circulation/block',
      key,
      fields: () => ({
        patron: ref('/user/patron', String(patronId)),
        block: ref('/policy/block', block.blockType),
        amount: value(money(0, ctx.currency)),
        owed: value(money(0, ctx.currency)),
        createDate: value(day(block.createdAt)),
        item: ref('/catalog/item', null),
        comment: value(block.description),
      }),
    };
  }
  const fee = listFees(ctx.engine, { patronId }).find((candidate) => candidate.id === id);
  if (!fee) return undefined;
  return {
    resource: '/circulation/block',
    key,
    fields: () => {
      const item = fee.itemId === null ? undefined : findItem(db, fee.itemId);
      return {
        patron: ref('/user/patron', String(patronId)),
        block: ref('/policy/block', fee.type),
        amount: value(money(fee.originalAmountCents, ctx.currency)),
        owed: value(money(fee.balanceCents, ctx.currency)),
        createDate: value(day(fee.createdAt)),
        item: ref('/catalog/item', item ? itemKey(item) : null),
        comment: value(fee.comment),
      };
    },
  };
}

export function itemRecord(ctx: RecordContext, item: Item): RecordSource {
  return {
    resource: '/catalog/item',
    key: itemKey(item),
    fields: () => {
      const { db } = ctx.engine;
      const library = libraryById(db, item.libraryId);
      const home = locationById(db, item.locationId);
      const policy = findItemPolicy(db, item.policy);
      const active = activeHoldsForItem(db, item.id);
      const loan = activeLoanForItem(db, item.id);
      const copies = db.select({ id: items.id }).from(items).where(eq(items.holdingId, item.holdingId)).orderBy(asc(items.id)).all();
      const notes = itemNotes(item).map((note, index) => customInformationRecord(item, note, index + 1));
      return {
        barcode: value(item.barcode),
        bib: ref('/catalog/bib', bibKey(item.bibId)),
        call: ref('/catalog/call', callKey(item.bibId, item.holdingId)),
        copyNumber: value(copies.findIndex((copy) => copy.id === item.id) + 1),
        library: ref('/policy/library', library.code),
        homeLocation: ref('/policy/location', home.code),
        currentLocation: ref('/policy/location', currentLocationOf(ctx, item)),
        itemType: ref('/policy/itemType', item.policy),
        circulate: value(policy?.loanable ?? true),
        shadowed: value(false),
        pieces: value(1),
        customInformation: { kind: 'records', records: notes },
        holdRecordList: refs(
          '/circulation/holdRecord',
          active.map((hold) => String(hold.id)),
        ),
        // Every active hold on the item is one it can fill (the engine keeps title holds on an item too).
        fillableHoldList: refs(
          '/circulation/holdRecord',
          active.map((hold) => String(hold.id)),
        ),
        circRecord: ref('/circulation/circRecord', loan ? circKey(item, loan.id) : null),
        transit: ref('/circulation/transit', item.status === 'in_transit' ? itemKey(item) : null),
      };
    },
  };
}

function customInformationRecord(item: Item, note: { type: NoteType; data: string }, n: number): RecordSource {
  return {
    resource: '/catalog/item/customInformation',
    key: `${itemKey(item)}:${n}`,
    fields: () => ({
      itemExtendedInformation: ref('/policy/itemExtendedInformation', note.type),
      data: value(note.data),
    }),
  };
}

/** MARC in ILSWS JSON: `{leader, fields:[{tag, inds, subfields:[{code, data}]}]}`, `_` for control data. */
export function marcToJson(marc: MarcRecord | null, fallback: Bib): Record<string, unknown> {
  const record = marc ?? {
    leader: '00000nam a2200000 a 4500',
    controlFields: [],
    dataFields: [{ tag: '245', ind1: '0', ind2: '0', subfields: [{ code: 'a', value: fallback.title }] }],
  };
  return {
    standard: 'MARC21',
    type: 'BIB',
    leader: record.leader,
    fields: [
      ...record.controlFields.map((field) => ({ tag: field.tag, subfields: [{ code: '_', data: field.value }] })),
      ...record.dataFields.map((field) => ({
        tag: field.tag,
        inds: `${field.ind1}${field.ind2}`,
        subfields: field.subfields.map((s) => ({ code: s.code, data: s.value })),
      })),
    ],
  };
}

export function bibRecord(ctx: RecordContext, bib: Bib): RecordSource {
  return {
    resource: '/catalog/bib',
    key: bibKey(bib.id),
    fields: () => {
      const calls = ctx.engine.db.select().from(holdings).where(eq(holdings.bibId, bib.id)).orderBy(asc(holdings.id)).all();
      return {
        title: value(bib.title),
        author: value(bib.author),
        shadowed: value(bib.suppressed),
        catalogFormat: ref('/policy/catalogFormat', 'MARC'),
        callList: refs(
          '/catalog/call',
          calls.map((call) => callKey(bib.id, call.id)),
        ),
        bib: value(marcToJson(bib.marc, bib)),
      };
    },
  };
}

function callRecord(ctx: RecordContext, bibId: number, holdingId: number): RecordSource | undefined {
  const { db } = ctx.engine;
  const holding = db.select().from(holdings).where(eq(holdings.id, holdingId)).get();
  if (!holding || holding.bibId !== bibId) return undefined;
  return {
    resource: '/catalog/call',
    key: callKey(bibId, holdingId),
    fields: () => {
      const list = db.select().from(items).where(eq(items.holdingId, holdingId)).orderBy(asc(items.id)).all();
      return {
        callNumber: value(holding.callNumber),
        classification: ref('/policy/classification', 'LC'),
        library: ref('/policy/library', libraryById(db, holding.libraryId).code),
        bib: ref('/catalog/bib', bibKey(bibId)),
        itemList: refs('/catalog/item', list.map(itemKey)),
        shadowed: value(holding.suppressed),
      };
    },
  };
}

export function holdRecord(ctx: RecordContext, hold: Hold): RecordSource {
  return {
    resource: '/circulation/holdRecord',
    key: String(hold.id),
    fields: () => {
      const { db } = ctx.engine;
      const item = findItem(db, hold.itemId) as Item;
      const { status, inactiveReason } = holdStatus(hold);
      const queue = activeHoldsForItem(db, hold.itemId);
      const position = queue.findIndex((queued) => queued.id === hold.id);
      return {
        holdType: value(ctx.titleHolds.has(hold.id) ? 'TITLE' : 'COPY'),
        holdRange: value('SYSTEM'),
        recallStatus: value('STANDARD'),
        status: value(status),
        inactiveReason: value(inactiveReason),
        patron: ref('/user/patron', String(hold.patronId)),
        item: ref('/catalog/item', itemKey(item)),
        bib: ref('/catalog/bib', bibKey(item.bibId)),
        pickupLibrary: ref('/policy/library', libraryById(db, hold.pickupLibraryId).code),
        placedLibrary: ref('/policy/library', libraryById(db, hold.pickupLibraryId).code),
        placedDate: value(day(hold.createdAt)),
        beingHeldDate: value(hold.status === 'on_hold_shelf' ? day(hold.updatedAt) : null),
        expirationDate: value(null),
        fillByDate: value(null),
        pickupByDate: value(hold.holdShelfExpiry),
        queuePosition: value(position === -1 ? null : position + 1),
        comment: value(hold.comment),
      };
    },
  };
}

export function circRecord(ctx: RecordContext, loan: Loan, item: Item): RecordSource {
  return {
    resource: '/circulation/circRecord',
    key: circKey(item, loan.id),
    fields: () => {
      const now = ctx.engine.clock.now();
      return {
        item: ref('/catalog/item', itemKey(item)),
        patron: ref('/user/patron', String(loan.patronId)),
        library: ref('/policy/library', libraryById(ctx.engine.db, loan.libraryId).code),
        checkOutDate: value(isoInstant(loan.loanDate)),
        dueDate: value(isoInstant(loan.dueDate)),
        renewalCount: value(loan.renewals),
        renewalDate: value(isoInstant(loan.lastRenewDate)),
        overdue: value(loan.status === 'active' && loan.dueDate.getTime() < now.getTime()),
        estimatedOverdueAmount: value(money(0, ctx.currency)),
        status: value(loan.status === 'active' ? 'ACTIVE' : 'INACTIVE'),
      };
    },
  };
}

function transitRecord(ctx: RecordContext, item: Item): RecordSource | undefined {
  if (item.status !== 'in_transit' || item.transitLibraryId === null) return undefined;
  const transitLibraryId = item.transitLibraryId;
  return {
    resource: '/circulation/transit',
    key: itemKey(item),
    fields: () => {
      const hold = activeHoldsForItem(ctx.engine.db, item.id).find((candidate) => candidate.status === 'in_transit');
      return {
        item: ref('/catalog/item', itemKey(item)),
        destinationLibrary: ref('/policy/library', libraryById(ctx.engine.db, transitLibraryId).code),
        holdRecord: ref('/circulation/holdRecord', hold ? String(hold.id) : null),
        transitReason: value(hold ? 'HOLD' : 'EXCHANGE'),
        transitDate: value(isoInstant(item.updatedAt)),
      };
    },
  };
}

const described = (resource: string, key: string, fields: Record<string, Field>): RecordSource => ({ resource, key, fields: () => fields });

/** Policy records: enough to show a description for every code the other records point to. */
function policyRecord(ctx: RecordContext, resource: string, key: string): RecordSource | undefined {
  const { db } = ctx.engine;
  switch (resource) {
    case '/policy/library': {
      const library = db.select().from(libraries).where(eq(libraries.code, key)).get();
      return library ? described(resource, key, { description: value(library.name), displayName: value(library.name) }) : undefined;
    }
    case '/policy/location': {
      const location = db.select().from(locations).where(eq(locations.code, key)).get();
      if (location) return described(resource, key, { description: value(location.name) });
      const states: Record<string, string> = {
        CHECKEDOUT: 'Checked out',
        INTRANSIT: 'In transit',
        HOLDS: 'On the hold shelf',
        MISSING: 'Missing',
        LOST: 'Lost',
      };
      return states[key] ? described(resource, key, { description: value(states[key]) }) : undefined;
    }
    case '/policy/itemType': {
      const policy = db.select().from(itemPolicies).where(eq(itemPolicies.code, key)).get();
      return policy ? described(resource, key, { description: value(policy.name) }) : undefined;
    }
    case '/policy/userProfile':
    case '/policy/patronType': {
      const used = db.select({ id: patrons.id }).from(patrons).where(eq(patrons.userGroup, key)).get();
      return used ? described(resource, key, { description: value(key) }) : undefined;
    }
    case '/policy/patronStanding':
      return key === 'OK' || key === 'BLOCKED' ? described(resource, key, { description: value(key === 'OK' ? 'In good standing' : 'Blocked') }) : undefined;
    case '/policy/classification':
      return key === 'LC' ? described(resource, key, { description: value('Library of Congress') }) : undefined;
    case '/policy/catalogFormat':
      return key === 'MARC' ? described(resource, key, { description: value('MARC 21') }) : undefined;
    case '/policy/itemExtendedInformation':
      return (noteTypes as readonly string[]).includes(key) ? described(resource, key, { description: value(`${key} note`) }) : undefined;
    case '/policy/block':
      return described(resource, key, { description: value(key) });
    default:
      return undefined;
  }
}

/** Any record by reference: what expands a stub, and what `GET …/key/{key}` answers. */
export function resolveRecord(ctx: RecordContext, target: Ref): RecordSource | undefined {
  const { db } = ctx.engine;
  switch (target.resource) {
    case '/user/patron': {
      const patron = db
        .select()
        .from(patrons)
        .where(eq(patrons.id, parseNumericKey(target.key, target.resource)))
        .get();
      return patron ? patronRecord(ctx, patron) : undefined;
    }
    case '/user/patronStatusInfo': {
      const patron = db
        .select()
        .from(patrons)
        .where(eq(patrons.id, parseNumericKey(target.key, target.resource)))
        .get();
      return patron ? patronStatusInfoRecord(ctx, patron) : undefined;
    }
    case '/user/staff': {
      const staff = ctx.staff.find((account) => account.key === target.key);
      return staff ? described(target.resource, staff.key, { name: value(staff.name), library: ref('/policy/library', staff.library) }) : undefined;
    }
    case '/catalog/item': {
      const { bibId, holdingId, itemId } = parseItemKey(target.key);
      const item = findItem(db, itemId);
      return item && item.bibId === bibId && item.holdingId === holdingId ? itemRecord(ctx, item) : undefined;
    }
    case '/catalog/call': {
      const { bibId, holdingId } = parseCallKey(target.key);
      return callRecord(ctx, bibId, holdingId);
    }
    case '/catalog/bib': {
      const bib = db
        .select()
        .from(bibs)
        .where(eq(bibs.id, parseNumericKey(target.key, target.resource)))
        .get();
      return bib ? bibRecord(ctx, bib) : undefined;
    }
    case '/circulation/holdRecord': {
      const hold = db
        .select()
        .from(holds)
        .where(eq(holds.id, parseNumericKey(target.key, target.resource)))
        .get();
      return hold ? holdRecord(ctx, hold) : undefined;
    }
    case '/circulation/circRecord': {
      const { itemId, loanId } = parseCircKey(target.key);
      const loan = db.select().from(loans).where(eq(loans.id, loanId)).get();
      const item = findItem(db, itemId);
      // Symphony keeps current charges only: a discharged charge is gone.
      return loan && item && loan.itemId === item.id && loan.status === 'active' && circKey(item, loan.id) === target.key
        ? circRecord(ctx, loan, item)
        : undefined;
    }
    case '/circulation/transit': {
      const { itemId } = parseItemKey(target.key);
      const item = findItem(db, itemId);
      return item ? transitRecord(ctx, item) : undefined;
    }
    case '/circulation/block':
      return blockRecord(ctx, target.key);
    default:
      return policyRecord(ctx, target.resource, target.key);
  }
}
