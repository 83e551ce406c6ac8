/**
 * The circulation engine's tables. Vendor-neutral: every vendor façade reads and writes the same
 * rows and only formats them differently (ids, codes, envelopes).
 *
 * Conventions: instants are `timestamp_ms` integers (drizzle hands back `Date`s); calendar days
 * (expiry, closed dates) are `YYYY-MM-DD` text because they carry no time of day; money is integer
 * cents so that balances never drift through floating point.
 */
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const instant = (name: string) => integer(name, { mode: 'timestamp_ms' });
const flag = (name: string) => integer(name, { mode: 'boolean' });
const id = () => integer('id').primaryKey({ autoIncrement: true });

export const libraries = sqliteTable('libraries', {
  id: id(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  /** Days a hold waits on the shelf before it expires. */
  holdShelfDays: integer('hold_shelf_days').notNull().default(7),
});

export const locationTypes = ['shelving', 'temporary', 'ill'] as const;
export type LocationType = (typeof locationTypes)[number];

export const locations = sqliteTable(
  'locations',
  {
    id: id(),
    libraryId: integer('library_id')
      .notNull()
      .references(() => libraries.id),
    code: text('code').notNull(),
    name: text('name').notNull(),
    type: text('type', { enum: locationTypes }).notNull().default('shelving'),
  },
  (t) => [uniqueIndex('locations_library_code').on(t.libraryId, t.code)],
);

export const circulationDesks = sqliteTable(
  'circulation_desks',
  {
    id: id(),
    libraryId: integer('library_id')
      .notNull()
      .references(() => libraries.id),
    code: text('code').notNull(),
    name: text('name').notNull(),
  },
  (t) => [uniqueIndex('desks_library_code').on(t.libraryId, t.code)],
);

/** Weekly closing days, 0 = Sunday … 6 = Saturday (JavaScript's `getUTCDay`). */
export const closedWeekdays = sqliteTable(
  'closed_weekdays',
  {
    id: id(),
    libraryId: integer('library_id')
      .notNull()
      .references(() => libraries.id),
    weekday: integer('weekday').notNull(),
  },
  (t) => [uniqueIndex('closed_weekdays_library_day').on(t.libraryId, t.weekday)],
);

export const closedDates = sqliteTable(
  'closed_dates',
  {
    id: id(),
    libraryId: integer('library_id')
      .notNull()
      .references(() => libraries.id),
    date: text('date').notNull(),
    reason: text('reason').notNull().default(''),
  },
  (t) => [uniqueIndex('closed_dates_library_date').on(t.libraryId, t.date)],
);

/** Item policies decide whether an item circulates at all (loan rules decide for how long). */
export const itemPolicies = sqliteTable('item_policies', {
  id: id(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  loanable: flag('loanable').notNull().default(true),
  /** Holds on such items are for use in the library only: never checked out. */
  libraryUseOnly: flag('library_use_only').notNull().default(false),
});

/**
 * Loan periods. A null user group or item policy is a wildcard; the most specific row wins
 * (both set, then item policy only, then user group only, then the default row).
 */
export const loanRules = sqliteTable('loan_rules', {
  id: id(),
  userGroup: text('user_group'),
  itemPolicy: text('item_policy'),
  loanDays: integer('loan_days').notNull(),
  renewalDays: integer('renewal_days').notNull(),
  maxRenewals: integer('max_renewals').notNull(),
});

export const patronStatuses = ['active', 'blocked', 'expired'] as const;
export type PatronStatus = (typeof patronStatuses)[number];

export const patrons = sqliteTable('patrons', {
  id: id(),
  primaryId: text('primary_id').notNull().unique(),
  barcode: text('barcode').unique(),
  firstName: text('first_name').notNull(),
  lastName: text('last_name').notNull(),
  email: text('email'),
  userGroup: text('user_group').notNull(),
  status: text('status', { enum: patronStatuses }).notNull().default('active'),
  /** Last day the account is valid (inclusive). */
  expiryDate: text('expiry_date').notNull(),
  /** Set on the accounts a lending library checks items out to: the borrowing library's symbol. */
  institutionalSymbol: text('institutional_symbol'),
  createdAt: instant('created_at').notNull(),
});

export const patronBlocks = sqliteTable('patron_blocks', {
  id: id(),
  patronId: integer('patron_id')
    .notNull()
    .references(() => patrons.id),
  blockType: text('block_type').notNull(),
  description: text('description').notNull(),
  active: flag('active').notNull().default(true),
  note: text('note'),
  createdAt: instant('created_at').notNull(),
});

/** A minimal MARC record kept as JSON, so each vendor can render it its own way. */
export interface MarcRecord {
  leader: string;
  controlFields: { tag: string; value: string }[];
  dataFields: {
    tag: string;
    ind1: string;
    ind2: string;
    subfields: { code: string; value: string }[];
  }[];
}

export const bibs = sqliteTable('bibs', {
  id: id(),
  title: text('title').notNull(),
  author: text('author'),
  isbn: text('isbn'),
  publisher: text('publisher'),
  publicationYear: text('publication_year'),
  marc: text('marc', { mode: 'json' }).$type<MarcRecord>(),
  /** Identifiers from other systems (MARC 035), e.g. the ILL request id of a temporary record. */
  otherSystemIds: text('other_system_ids', { mode: 'json' }).$type<string[]>().notNull(),
  suppressed: flag('suppressed').notNull().default(false),
  createdAt: instant('created_at').notNull(),
  updatedAt: instant('updated_at').notNull(),
});

export const holdings = sqliteTable('holdings', {
  id: id(),
  bibId: integer('bib_id')
    .notNull()
    .references(() => bibs.id),
  libraryId: integer('library_id')
    .notNull()
    .references(() => libraries.id),
  locationId: integer('location_id')
    .notNull()
    .references(() => locations.id),
  callNumber: text('call_number').notNull().default(''),
  marc: text('marc', { mode: 'json' }).$type<MarcRecord>(),
  suppressed: flag('suppressed').notNull().default(false),
  createdAt: instant('created_at').notNull(),
  updatedAt: instant('updated_at').notNull(),
});

export const itemStatuses = ['available', 'checked_out', 'on_hold_shelf', 'in_transit', 'missing', 'lost', 'in_process'] as const;
export type ItemStatus = (typeof itemStatuses)[number];

export const items = sqliteTable(
  'items',
  {
    id: id(),
    holdingId: integer('holding_id')
      .notNull()
      .references(() => holdings.id),
    bibId: integer('bib_id')
      .notNull()
      .references(() => bibs.id),
    barcode: text('barcode').notNull().unique(),
    status: text('status', { enum: itemStatuses }).notNull().default('available'),
    /** The vendor-visible work state (LOAN, HOLDSHELF, TRANSIT, …); null when in place. */
    processType: text('process_type'),
    /** Where the item is travelling to while in transit. */
    transitLibraryId: integer('transit_library_id').references(() => libraries.id),
    libraryId: integer('library_id')
      .notNull()
      .references(() => libraries.id),
    locationId: integer('location_id')
      .notNull()
      .references(() => locations.id),
    inTempLocation: flag('in_temp_location').notNull().default(false),
    tempLibraryId: integer('temp_library_id').references(() => libraries.id),
    tempLocationId: integer('temp_location_id').references(() => locations.id),
    policy: text('policy').notNull(),
    materialType: text('material_type').notNull().default('BOOK'),
    description: text('description').notNull().default(''),
    publicNote: text('public_note').notNull().default(''),
    fulfillmentNote: text('fulfillment_note').notNull().default(''),
    internalNote1: text('internal_note_1').notNull().default(''),
    internalNote2: text('internal_note_2').notNull().default(''),
    internalNote3: text('internal_note_3').notNull().default(''),
    statisticsNote1: text('statistics_note_1').notNull().default(''),
    statisticsNote2: text('statistics_note_2').notNull().default(''),
    statisticsNote3: text('statistics_note_3').notNull().default(''),
    replacementCostCents: integer('replacement_cost_cents'),
    /** Temporary ILL items: a stand-in record for a borrowed book. */
    temporary: flag('temporary').notNull().default(false),
    illRequestId: text('ill_request_id'),
    lendingLibrary: text('lending_library'),
    /** The lender's return date (NCIP AcceptItem DateForReturn): loans of the item never run past it. */
    dueBackAt: instant('due_back_at'),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [index('items_holding').on(t.holdingId), index('items_bib').on(t.bibId)],
);

export const holdStatuses = ['pending', 'in_transit', 'on_hold_shelf', 'fulfilled', 'cancelled', 'expired'] as const;
export type HoldStatus = (typeof holdStatuses)[number];
export const activeHoldStatuses: readonly HoldStatus[] = ['pending', 'in_transit', 'on_hold_shelf'];

export const holds = sqliteTable(
  'holds',
  {
    id: id(),
    patronId: integer('patron_id')
      .notNull()
      .references(() => patrons.id),
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id),
    pickupLibraryId: integer('pickup_library_id')
      .notNull()
      .references(() => libraries.id),
    status: text('status', { enum: holdStatuses }).notNull().default('pending'),
    inLibraryUseOnly: flag('in_library_use_only').notNull().default(false),
    comment: text('comment'),
    /** Last day the item waits on the hold shelf; set when it reaches the shelf. */
    holdShelfExpiry: text('hold_shelf_expiry'),
    cancelReason: text('cancel_reason'),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
    closedAt: instant('closed_at'),
  },
  (t) => [index('holds_item').on(t.itemId), index('holds_patron').on(t.patronId)],
);

export const loanStatuses = ['active', 'returned'] as const;
export type LoanStatus = (typeof loanStatuses)[number];

export const loans = sqliteTable(
  'loans',
  {
    id: id(),
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id),
    patronId: integer('patron_id')
      .notNull()
      .references(() => patrons.id),
    libraryId: integer('library_id')
      .notNull()
      .references(() => libraries.id),
    circulationDeskId: integer('circulation_desk_id').references(() => circulationDesks.id),
    holdId: integer('hold_id').references(() => holds.id),
    status: text('status', { enum: loanStatuses }).notNull().default('active'),
    loanDate: instant('loan_date').notNull(),
    dueDate: instant('due_date').notNull(),
    renewals: integer('renewals').notNull().default(0),
    lastRenewDate: instant('last_renew_date'),
    returnedAt: instant('returned_at'),
    returnLibraryId: integer('return_library_id').references(() => libraries.id),
    returnDeskId: integer('return_desk_id').references(() => circulationDesks.id),
  },
  (t) => [index('loans_item').on(t.itemId), index('loans_patron').on(t.patronId)],
);

export const feeStatuses = ['active', 'closed', 'in_dispute'] as const;
export type FeeStatus = (typeof feeStatuses)[number];

export const fees = sqliteTable(
  'fees',
  {
    id: id(),
    patronId: integer('patron_id')
      .notNull()
      .references(() => patrons.id),
    itemId: integer('item_id').references(() => items.id),
    /** Snapshots: the fee still names its item after a temporary item is deleted. */
    itemBarcode: text('item_barcode'),
    itemTitle: text('item_title'),
    /** The vendor's fee type code (each vendor validates against its own code table). */
    type: text('type').notNull(),
    originalAmountCents: integer('original_amount_cents').notNull(),
    balanceCents: integer('balance_cents').notNull(),
    status: text('status', { enum: feeStatuses }).notNull().default('active'),
    ownerLibraryId: integer('owner_library_id')
      .notNull()
      .references(() => libraries.id),
    comment: text('comment'),
    createdAt: instant('created_at').notNull(),
    statusTime: instant('status_time').notNull(),
  },
  (t) => [index('fees_patron').on(t.patronId)],
);

export const feeTransactionTypes = ['payment', 'waive', 'dispute', 'restore'] as const;
export type FeeTransactionType = (typeof feeTransactionTypes)[number];

export const feeTransactions = sqliteTable('fee_transactions', {
  id: id(),
  feeId: integer('fee_id')
    .notNull()
    .references(() => fees.id),
  type: text('type', { enum: feeTransactionTypes }).notNull(),
  amountCents: integer('amount_cents').notNull(),
  method: text('method'),
  reason: text('reason'),
  comment: text('comment'),
  createdAt: instant('created_at').notNull(),
});

export const pickupNotices = sqliteTable('pickup_notices', {
  id: id(),
  holdId: integer('hold_id')
    .notNull()
    .references(() => holds.id),
  patronId: integer('patron_id')
    .notNull()
    .references(() => patrons.id),
  itemId: integer('item_id')
    .notNull()
    .references(() => items.id),
  libraryId: integer('library_id')
    .notNull()
    .references(() => libraries.id),
  channel: text('channel').notNull().default('email'),
  sentAt: instant('sent_at').notNull(),
});

export const inHouseUses = sqliteTable('in_house_uses', {
  id: id(),
  itemId: integer('item_id')
    .notNull()
    .references(() => items.id),
  holdId: integer('hold_id').references(() => holds.id),
  patronId: integer('patron_id').references(() => patrons.id),
  libraryId: integer('library_id')
    .notNull()
    .references(() => libraries.id),
  recordedAt: instant('recorded_at').notNull(),
});

export type Library = typeof libraries.$inferSelect;
export type Location = typeof locations.$inferSelect;
export type CirculationDesk = typeof circulationDesks.$inferSelect;
export type ItemPolicy = typeof itemPolicies.$inferSelect;
export type LoanRule = typeof loanRules.$inferSelect;
export type Patron = typeof patrons.$inferSelect;
export type PatronBlock = typeof patronBlocks.$inferSelect;
export type Bib = typeof bibs.$inferSelect;
export type Holding = typeof holdings.$inferSelect;
export type Item = typeof items.$inferSelect;
export type Hold = typeof holds.$inferSelect;
export type Loan = typeof loans.$inferSelect;
export type Fee = typeof fees.$inferSelect;
export type FeeTransaction = typeof feeTransactions.$inferSelect;
export type PickupNotice = typeof pickupNotices.$inferSelect;
export type InHouseUse = typeof inHouseUses.$inferSelect;

/** Every table, children after parents: the order to seed in (reverse it to clear). */
export const allTables = {
  libraries,
  locations,
  circulationDesks,
  closedWeekdays,
  closedDates,
  itemPolicies,
  loanRules,
  patrons,
  patronBlocks,
  bibs,
  holdings,
  items,
  holds,
  loans,
  fees,
  feeTransactions,
  pickupNotices,
  inHouseUses,
} as const;
