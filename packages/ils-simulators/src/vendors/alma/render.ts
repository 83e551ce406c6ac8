import { cached } from '@bookstrap/sqlite';
/**
 * Engine rows rendered as Alma REST objects (rest_user.xsd, rest_item.xsd, rest_item_loan.xsd,
 * rest_user_request.xsd, rest_fee.xsd, rest_bib.xsd, rest_holding.xsd), field names and shapes as
 * in captured Alma responses.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { toDay } from '../../engine/calendar.ts';
import type { Engine } from '../../engine/engine.ts';
import { feeTransactionsOf } from '../../engine/fees.ts';
import { placeInQueue } from '../../engine/holds.ts';
import { renewalRefusal } from '../../engine/circulation.ts';
import {
  activeBlocks,
  deskById,
  describeItem,
  findBib,
  findItem,
  type ItemRecord,
  libraryById,
  listItemPolicies,
  locationById,
  requireBib,
  requireItem,
  requirePatronById,
} from '../../engine/lookup.ts';
import {
  activeHoldStatuses,
  type Bib,
  circulationDesks,
  type Fee,
  fees,
  type Hold,
  type Holding,
  holds,
  type Library,
  type Loan,
  loans,
  type Patron,
} from '../../engine/schema.ts';
import { buildBibRecord, buildHoldingRecord, renderMarcXml, withControlField } from '../../marc.ts';
import type { DemoDataset } from '../../seed.ts';
import { toAlmaId } from './ids.ts';
import type { AlmaObject } from './representation.ts';

export interface AlmaContext {
  engine: Engine;
  dataset: DemoDataset;
  /** Absolute `…/almaws/v1`, for `link` fields. */
  baseUrl: string;
  institutionCode: string;
  currency: string;
}

/** Alma writes calendar days with a trailing Z: `2028-03-11Z`. */
export const almaDay = (day: string) => `${day}Z`;
export const almaDayOf = (instant: Date) => almaDay(instant.toISOString().slice(0, 10));
/** Date-times without milliseconds when they have none: `2025-04-09T23:59:00Z`. */
export const almaDateTime = (instant: Date) => instant.toISOString().replace('.000Z', 'Z');

const coded = (value: string | null, desc: string | null = value): AlmaObject => ({ value, desc });
const emptyCode = (): AlmaObject => ({ value: '', desc: null });

const processTypeNames: Record<string, string> = {
  LOAN: 'Loan',
  HOLDSHELF: 'Hold Shelf',
  TRANSIT: 'Transit',
  MISSING: 'Missing',
  LOST_LOAN: 'Lost',
  ACQ: 'Acquisition',
  WORK_ORDER_DEPARTMENT: 'In Process',
};

const materialTypeNames: Record<string, string> = { BOOK: 'Book', ISSUE: 'Issue', DVD: 'DVD', CD: 'CD-ROM' };

export const almaFeeTypes: Record<string, string> = {
  OVERDUEFINE: 'Overdue fine',
  RECALLEDOVERDUEFINE: 'Recalled overdue fine',
  LOSTITEMREPLACEMENTFEE: 'Lost item replacement fee',
  LOSTITEMPROCESSFEE: 'Lost item process fee',
  DAMAGEDITEMFINE: 'Damaged item fine',
  CARDRENEWAL: 'Card renewal',
  DOCUMENTDELIVERYSERVICE: 'Document delivery service',
  CREDIT: 'Credit',
  OTHER: 'Other',
};

export const almaFeeStatuses = { active: 'ACTIVE', closed: 'CLOSED', in_dispute: 'INDISPUTE' } as const;
const feeStatusNames: Record<string, string> = { ACTIVE: 'Active', CLOSED: 'Closed', INDISPUTE: 'In dispute' };

function userGroupName(ctx: AlmaContext, code: string): string {
  return ctx.dataset.userGroups.find((group) => group.code === code)?.name ?? code;
}

function policyName(ctx: AlmaContext, code: string): string | null {
  return listItemPolicies(ctx.engine.db).find((policy) => policy.code === code)?.name ?? null;
}

const userLink = (ctx: AlmaContext, patron: Patron) => `${ctx.baseUrl}/users/${encodeURIComponent(patron.primaryId)}`;

export function itemLink(ctx: AlmaContext, bibId: number, holdingId: number, itemId: number): string {
  return `${ctx.baseUrl}/bibs/${toAlmaId('bib', bibId)}/holdings/${toAlmaId('holding', holdingId)}/items/${toAlmaId('item', itemId)}`;
}

function countActiveLoans(ctx: AlmaContext, patronId: number): number {
  return ctx.engine.db
    .select()
    .from(loans)
    .where(and(eq(loans.patronId, patronId), eq(loans.status, 'active')))
    .all().length;
}

function countActiveHolds(ctx: AlmaContext, patronId: number): number {
  return ctx.engine.db
    .select()
    .from(holds)
    .where(and(eq(holds.patronId, patronId), inArray(holds.status, [...activeHoldStatuses])))
    .all().length;
}

function activeFeeSum(ctx: AlmaContext, patronId: number): number {
  const rows = ctx.engine.db
    .select()
    .from(fees)
    .where(and(eq(fees.patronId, patronId), eq(fees.status, 'active')))
    .all();
  return rows.reduce((sum, fee) => sum + fee.balanceCents, 0) / 100;
}

export type UserExpansion = 'loans' | 'requests' | 'fees';

/** The full user object (GET /users/{id}); `expand` adds counts with links, as Alma does. */
export function renderUser(ctx: AlmaContext, patron: Patron, expand: ReadonlySet<UserExpansion> = new Set()): AlmaObject {
  const link = userLink(ctx, patron);
  const blocks = activeBlocks(ctx.engine.db, patron.id).map((block) => ({
    block_type: coded(block.blockType, block.blockType === 'GENERAL' ? 'General' : block.blockType),
    block_description: coded(block.blockType, block.description),
    block_status: 'ACTIVE',
    block_note: block.note,
    created_by: 'System',
    created_date: almaDateTime(block.createdAt),
    segment_type: 'Internal',
  }));
  if (patron.status === 'blocked' && blocks.length === 0) {
    blocks.push({
      block_type: coded('GENERAL', 'General'),
      block_description: coded('GENERAL', 'Blocked'),
      block_status: 'ACTIVE',
      block_note: null,
      created_by: 'System',
      created_date: almaDateTime(patron.createdAt),
      segment_type: 'Internal',
    });
  }
  return {
    record_type: coded('PUBLIC', 'Public'),
    primary_id: patron.primaryId,
    first_name: patron.firstName,
    middle_name: '',
    last_name: patron.lastName,
    full_name: `${patron.firstName} ${patron.lastName}`,
    pin_number: '',
    user_title: { value: '', desc: '' },
    job_category: { value: '', desc: '' },
    job_description: '',
    gender: { value: '', desc: '' },
    user_group: coded(patron.userGroup, userGroupName(ctx, patron.userGroup)),
    campus_code: { value: '', desc: '' },
    web_site_url: '',
    cataloger_level: coded('00', '[00] Default Level'),
    preferred_language: coded('en', 'English'),
    expiry_date: almaDay(patron.expiryDate),
    purge_date: null,
    account_type: coded('INTERNAL', 'Internal'),
    external_id: '',
    password: '',
    force_password_change: '',
    status: coded('ACTIVE', 'Active'),
    status_date: almaDayOf(patron.createdAt),
    requests: expand.has('requests') ? { value: countActiveHolds(ctx, patron.id), link: `${link}/requests` } : null,
    loans: expand.has('loans') ? { value: countActiveLoans(ctx, patron.id), link: `${link}/loans` } : null,
    fees: expand.has('fees') ? { value: activeFeeSum(ctx, patron.id), link: `${link}/fees` } : null,
    contact_info: {
      address: [],
      email: patron.email
        ? [
            {
              email_address: patron.email,
              description: null,
              preferred: true,
              segment_type: 'Internal',
              email_type: [coded('personal', 'Personal')],
            },
          ]
        : [],
      phone: [],
    },
    user_identifier: patron.barcode
      ? [{ id_type: coded('BARCODE', 'Barcode'), value: patron.barcode, note: null, status: 'ACTIVE', segment_type: 'Internal' }]
      : [],
    user_role: [
      {
        status: coded('ACTIVE', 'Active'),
        scope: coded(ctx.institutionCode, ctx.institutionCode),
        role_type: coded('200', 'Patron'),
        parameter: [],
      },
    ],
    user_block: blocks,
    user_note: [],
    user_statistic: [],
    proxy_for_user: [],
    rs_library: [],
    link: null,
  };
}

/** The brief user of a search result list. */
export function renderUserBrief(ctx: AlmaContext, patron: Patron): AlmaObject {
  return {
    primary_id: patron.primaryId,
    first_name: patron.firstName,
    last_name: patron.lastName,
    gender: { value: '', desc: '' },
    password: '',
    status: coded('ACTIVE', 'Active'),
    loans: null,
    requests: null,
    fees: null,
    link: userLink(ctx, patron),
  };
}

function libraryCode(library: Library | undefined): AlmaObject {
  return library ? coded(library.code, library.name) : { value: null, desc: null };
}

export interface ItemRenderOptions {
  additionalInfo?: string;
  /** `due_date`, `due_date_policy` (Alma's `expand` values for items). */
  expand?: ReadonlySet<string>;
}

export function renderItem(ctx: AlmaContext, record: ItemRecord, options: ItemRenderOptions = {}): AlmaObject {
  const { item, holding, bib, library, location, tempLibrary, tempLocation, activeLoan, activeHolds } = record;
  const mmsId = toAlmaId('bib', bib.id);
  const holdingId = toAlmaId('holding', holding.id);
  const processType = item.processType ? coded(item.processType, processTypeNames[item.processType] ?? item.processType) : emptyCode();
  const expand = options.expand ?? new Set<string>();
  const itemData: AlmaObject = {
    pid: toAlmaId('item', item.id),
    barcode: item.barcode,
    creation_date: almaDayOf(item.createdAt),
    modification_date: almaDayOf(item.updatedAt),
    base_status: item.status === 'available' ? coded('1', 'Item in place') : coded('0', 'Item not in place'),
    awaiting_reshelving: false,
    physical_material_type: coded(item.materialType, materialTypeNames[item.materialType] ?? item.materialType),
    policy: coded(item.policy, policyName(ctx, item.policy)),
    provenance: emptyCode(),
    po_line: '',
    is_magnetic: false,
    arrival_date: almaDayOf(item.createdAt),
    year_of_issue: '',
    enumeration_a: '',
    enumeration_b: '',
    chronology_i: '',
    chronology_j: '',
    description: item.description,
    receiving_operator: 'API',
    process_type: processType,
    inventory_number: '',
    inventory_price: '',
    library: libraryCode(library),
    location: coded(location.code, location.name),
    alternative_call_number: '',
    alternative_call_number_type: emptyCode(),
    storage_location_id: '',
    pages: '',
    pieces: '',
    public_note: item.publicNote,
    fulfillment_note: item.fulfillmentNote,
    internal_note_1: item.internalNote1,
    internal_note_2: item.internalNote2,
    internal_note_3: item.internalNote3,
    statistics_note_1: item.statisticsNote1,
    statistics_note_2: item.statisticsNote2,
    statistics_note_3: item.statisticsNote3,
    requested: activeHolds.length > 0,
    edition: null,
    imprint: null,
    language: null,
    physical_condition: { value: null, desc: null },
  };
  if (item.replacementCostCents !== null) itemData.replacement_cost = item.replacementCostCents / 100;
  if (expand.has('due_date') && activeLoan) itemData.due_date = almaDateTime(activeLoan.dueDate);
  if (expand.has('due_date_policy')) itemData.due_date_policy = item.policy === 'NONCIRC' ? 'Not loanable' : 'Loanable';
  const result: AlmaObject = {
    bib_data: {
      mms_id: mmsId,
      title: bib.title,
      author: bib.author,
      issn: null,
      isbn: bib.isbn,
      complete_edition: '',
      network_number: [],
      place_of_publication: '',
      date_of_publication: bib.publicationYear ?? '',
      publisher_const: bib.publisher ?? '',
      link: `${ctx.baseUrl}/bibs/${mmsId}`,
    },
    holding_data: {
      holding_id: holdingId,
      holding_suppress_from_publishing: String(holding.suppressed),
      calculated_suppress_from_publishing: String(holding.suppressed || bib.suppressed),
      permanent_call_number_type: coded('0', 'Library of Congress classification'),
      permanent_call_number: holding.callNumber,
      call_number_type: coded('0', 'Library of Congress classification'),
      call_number: holding.callNumber,
      accession_number: '',
      copy_id: '',
      in_temp_location: item.inTempLocation,
      temp_library: libraryCode(item.inTempLocation ? tempLibrary : undefined),
      temp_location: item.inTempLocation && tempLocation ? coded(tempLocation.code, tempLocation.name) : { value: null, desc: null },
      temp_call_number_type: emptyCode(),
      temp_call_number: '',
      temp_call_number_source: '',
      temp_policy: emptyCode(),
      due_back_date: item.dueBackAt ? `${toDay(item.dueBackAt)}Z` : null,
      link: `${ctx.baseUrl}/bibs/${mmsId}/holdings/${holdingId}`,
    },
    item_data: itemData,
    link: itemLink(ctx, bib.id, holding.id, item.id),
  };
  if (options.additionalInfo !== undefined) return { additional_info: options.additionalInfo, ...result };
  return result;
}

export function renderItemById(ctx: AlmaContext, itemId: number, options: ItemRenderOptions = {}): AlmaObject {
  return renderItem(ctx, describeItem(ctx.engine.db, requireItem(ctx.engine.db, itemId)), options);
}

function defaultDesk(ctx: AlmaContext, libraryId: number): { code: string; name: string } {
  const db = ctx.engine.db;
  const desk = cached(db, 'defaultDesk', () =>
    db
      .select()
      .from(circulationDesks)
      .where(eq(circulationDesks.libraryId, sql.placeholder('libraryId')))
      .prepare(),
  ).get({ libraryId });
  return desk ?? { code: 'DEFAULT_CIRC_DESK', name: 'Circulation Desk' };
}

export function renderLoan(ctx: AlmaContext, loan: Loan, options: { renewable?: boolean } = {}): AlmaObject {
  const db = ctx.engine.db;
  const patron = requirePatronById(db, loan.patronId);
  const record = describeItem(db, requireItem(db, loan.itemId));
  const library = libraryById(db, loan.libraryId);
  const desk = loan.circulationDeskId === null ? defaultDesk(ctx, library.id) : deskById(db, loan.circulationDeskId);
  const returnDesk = loan.returnDeskId === null ? undefined : deskById(db, loan.returnDeskId);
  const loanId = toAlmaId('loan', loan.id);
  const result: AlmaObject = {
    loan_id: loanId,
    circ_desk: coded(desk?.code ?? null, desk?.name ?? null),
    return_circ_desk: returnDesk ? coded(returnDesk.code, returnDesk.name) : undefined,
    library: coded(library.code, library.name),
    user_id: patron.primaryId,
    item_barcode: record.item.barcode,
    due_date: almaDateTime(loan.dueDate),
    loan_status: loan.status === 'active' ? 'ACTIVE' : 'COMPLETE',
    loan_date: loan.loanDate.toISOString(),
    return_date: loan.returnedAt ? loan.returnedAt.toISOString() : undefined,
    process_status: loan.renewals > 0 ? 'RENEW' : 'NORMAL',
    mms_id: toAlmaId('bib', record.bib.id),
    holding_id: toAlmaId('holding', record.holding.id),
    item_id: toAlmaId('item', record.item.id),
    title: record.bib.title,
    author: record.bib.author,
    description: record.item.description === '' ? null : record.item.description,
    publication_year: record.bib.publicationYear,
    location_code: coded(record.location.code, record.location.name),
    item_policy: { value: record.item.policy, description: policyName(ctx, record.item.policy) },
    call_number: record.holding.callNumber,
    loan_fine: 0,
    last_renew_date: loan.lastRenewDate ? loan.lastRenewDate.toISOString() : undefined,
    last_renew_status: loan.lastRenewDate ? coded('RENEWED', 'Renewed') : undefined,
    link: `${userLink(ctx, patron)}/loans/${loanId}`,
  };
  if (options.renewable !== undefined) result.renewable = options.renewable;
  return result;
}

export function loanIsRenewable(ctx: AlmaContext, loan: Loan): boolean {
  return loan.status === 'active' && renewalRefusal(ctx.engine.db, loan, ctx.engine.clock.now()) === undefined;
}

/** Alma's request status and task for each engine hold state. */
function requestState(hold: Hold): { status: string; task: string } {
  switch (hold.status) {
    case 'pending':
      return { status: 'NOT_STARTED', task: 'Pickup From Shelf' };
    case 'in_transit':
      return { status: 'IN_PROCESS', task: 'In Transit' };
    case 'on_hold_shelf':
      return { status: 'ON_HOLD_SHELF', task: 'On Hold Shelf' };
    default:
      return { status: 'HISTORY', task: 'Request Completed' };
  }
}

export function renderRequest(ctx: AlmaContext, hold: Hold): AlmaObject {
  const db = ctx.engine.db;
  const patron = requirePatronById(db, hold.patronId);
  const item = findItem(db, hold.itemId);
  const bib = item ? findBib(db, item.bibId) : undefined;
  const pickup = libraryById(db, hold.pickupLibraryId);
  const desk = defaultDesk(ctx, pickup.id);
  const state = requestState(hold);
  const requestId = toAlmaId('request', hold.id);
  return {
    request_id: requestId,
    user_primary_id: patron.primaryId,
    request_type: 'HOLD',
    request_sub_type: coded('PATRON_PHYSICAL', 'Patron physical item request'),
    request_status: state.status,
    pickup_location: pickup.name,
    pickup_location_type: 'LIBRARY',
    pickup_location_library: pickup.code,
    pickup_location_institution: ctx.institutionCode,
    material_type: coded(item?.materialType ?? 'BOOK', materialTypeNames[item?.materialType ?? 'BOOK'] ?? null),
    title: bib?.title ?? null,
    author: bib?.author ?? null,
    description: null,
    comment: hold.comment,
    mms_id: bib ? toAlmaId('bib', bib.id) : null,
    item_id: item ? toAlmaId('item', item.id) : null,
    barcode: item?.barcode ?? null,
    request_date: almaDayOf(hold.createdAt),
    request_time: hold.createdAt.toISOString(),
    expiry_date: hold.holdShelfExpiry ? almaDay(hold.holdShelfExpiry) : null,
    task_name: state.task,
    place_in_queue: placeInQueue(ctx.engine, hold) ?? null,
    managed_by_library: pickup.name,
    managed_by_library_code: pickup.code,
    managed_by_circulation_desk: desk.name,
    managed_by_circulation_desk_code: desk.code,
    link: `${userLink(ctx, patron)}/requests/${requestId}`,
  };
}

const transactionTypes: Record<string, [string, string]> = {
  payment: ['PAYMENT', 'Payment'],
  waive: ['WAIVE', 'Waive'],
  dispute: ['DISPUTE', 'Dispute'],
  restore: ['RESTORE', 'Restore'],
};

export function renderFee(ctx: AlmaContext, fee: Fee): AlmaObject {
  const db = ctx.engine.db;
  const patron = requirePatronById(db, fee.patronId);
  const owner = libraryById(db, fee.ownerLibraryId);
  const item = fee.itemId === null ? undefined : findItem(db, fee.itemId);
  const status = almaFeeStatuses[fee.status];
  const feeId = toAlmaId('fee', fee.id);
  const transactions = feeTransactionsOf(ctx.engine, fee.id).map((transaction) => {
    const [value, desc] = transactionTypes[transaction.type] ?? [transaction.type, transaction.type];
    return {
      type: coded(value, desc),
      amount: transaction.amountCents / 100,
      vat_amount: 0,
      transaction_time: transaction.createdAt.toISOString(),
      payment_method: transaction.method ? coded(transaction.method, transaction.method) : undefined,
      reason: transaction.reason ? coded(transaction.reason, transaction.reason) : undefined,
      comment: transaction.comment,
      created_by: 'API',
    };
  });
  return {
    id: feeId,
    type: coded(fee.type, almaFeeTypes[fee.type] ?? fee.type),
    status: coded(status, feeStatusNames[status] ?? status),
    user_primary_id: { value: patron.primaryId, link: userLink(ctx, patron) },
    balance: fee.balanceCents / 100,
    remaining_vat_amount: 0,
    original_amount: fee.originalAmountCents / 100,
    original_vat_amount: 0,
    creation_time: fee.createdAt.toISOString(),
    status_time: fee.statusTime.toISOString(),
    comment: fee.comment,
    owner: coded(owner.code, owner.name),
    title: item ? requireBib(db, item.bibId).title : fee.itemTitle,
    barcode: item ? { value: item.barcode, link: itemLink(ctx, item.bibId, item.holdingId, item.id) } : fee.itemBarcode ? { value: fee.itemBarcode } : null,
    transaction: transactions.length > 0 ? transactions : undefined,
    link: `${userLink(ctx, patron)}/fees/${feeId}`,
  };
}

/** Alma's JSON carries the MARC record as a string in `anies`; the XML embeds it as `<record>`. */
function marcAnies(recordXml: string): string[] {
  return [`<?xml version="1.0" encoding="UTF-16"?>\n${recordXml}`];
}

export function bibMarcXml(bib: Bib): string {
  const record = bib.marc ?? buildBibRecord(bib);
  return renderMarcXml(withControlField(record, '001', toAlmaId('bib', bib.id)));
}

export function renderBib(ctx: AlmaContext, bib: Bib, options: { brief?: boolean; withLink?: boolean } = {}): AlmaObject {
  const mmsId = toAlmaId('bib', bib.id);
  const result: AlmaObject = {
    mms_id: mmsId,
    record_format: 'marc21',
    linked_record_id: { value: null, type: null },
    title: bib.title,
    author: bib.author,
    issn: null,
    isbn: bib.isbn,
    complete_edition: '',
    network_number: bib.otherSystemIds,
    place_of_publication: '',
    date_of_publication: bib.publicationYear ?? '',
    publisher_const: bib.publisher ?? '',
    holdings: { value: null, link: `${ctx.baseUrl}/bibs/${mmsId}/holdings` },
    created_by: 'API',
    created_date: almaDayOf(bib.createdAt),
    last_modified_by: 'API',
    last_modified_date: almaDayOf(bib.updatedAt),
    suppress_from_publishing: String(bib.suppressed),
    originating_system: 'ILS',
    originating_system_id: bib.otherSystemIds[0] ?? mmsId,
    link: options.withLink ? `${ctx.baseUrl}/bibs/${mmsId}` : null,
  };
  if (!options.brief) result.anies = marcAnies(bibMarcXml(bib));
  return result;
}

export function holdingMarcXml(ctx: AlmaContext, holding: Holding): string {
  const db = ctx.engine.db;
  const library = libraryById(db, holding.libraryId);
  const location = locationById(db, holding.locationId);
  const record = holding.marc ?? buildHoldingRecord(library.code, location.code, holding.callNumber);
  return renderMarcXml(withControlField(withControlField(record, '001', toAlmaId('holding', holding.id)), '004', toAlmaId('bib', holding.bibId)));
}

export function renderHolding(ctx: AlmaContext, holding: Holding): AlmaObject {
  return {
    holding_id: toAlmaId('holding', holding.id),
    created_by: 'API',
    created_date: almaDayOf(holding.createdAt),
    last_modified_by: 'API',
    last_modified_date: almaDayOf(holding.updatedAt),
    originating_system: 'ILS',
    originating_system_id: toAlmaId('holding', holding.id),
    suppress_from_publishing: String(holding.suppressed),
    anies: marcAnies(holdingMarcXml(ctx, holding)),
  };
}

export function renderHoldingBrief(ctx: AlmaContext, holding: Holding): AlmaObject {
  const db = ctx.engine.db;
  const library = libraryById(db, holding.libraryId);
  const location = locationById(db, holding.locationId);
  const mmsId = toAlmaId('bib', holding.bibId);
  const holdingId = toAlmaId('holding', holding.id);
  return {
    holding_id: holdingId,
    link: `${ctx.baseUrl}/bibs/${mmsId}/holdings/${holdingId}`,
    library: coded(library.code, library.name),
    location: coded(location.code, location.name),
    call_number: holding.callNumber,
    suppress_from_publishing: String(holding.suppressed),
  };
}

export function renderBibData(ctx: AlmaContext, bib: Bib): AlmaObject {
  const mmsId = toAlmaId('bib', bib.id);
  return {
    mms_id: mmsId,
    title: bib.title,
    author: bib.author,
    issn: null,
    isbn: bib.isbn,
    network_number: bib.otherSystemIds,
    place_of_publication: '',
    date_of_publication: bib.publicationYear ?? '',
    publisher: bib.publisher ?? '',
    link: `${ctx.baseUrl}/bibs/${mmsId}`,
  };
}

/** Alma's scan-in message: where the item goes next and why. */
export function scanInMessage(ctx: AlmaContext, outcome: string, hold: Hold | undefined, destination: Library, shelvingLocationName: string): string {
  if (hold && (outcome === 'hold_shelf' || outcome === 'transit_to_pickup')) {
    const patron = requirePatronById(ctx.engine.db, hold.patronId);
    const where = outcome === 'hold_shelf' ? 'Hold Shelf' : destination.name;
    return `Item's destination is: ${where}. Request/Process Type: Patron physical item request. Requester: ${patron.lastName}, ${patron.firstName}. Requester ID: ${patron.primaryId}. Place in Queue: 1`;
  }
  if (outcome === 'transit_home') {
    return `Item's destination is: ${destination.name}. Request/Process Type: Transit for reshelving. Requester: . Requester ID: . Place in Queue: 1`;
  }
  return `Item's destination is: Reshelve to ${shelvingLocationName}.`;
}

export { defaultDesk };
