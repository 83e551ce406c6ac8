import type { IlsCapabilities, IlsKind } from './ils.ts';
import type { StepOutcome } from './outcome.ts';
import type { CalendarDate } from './policies/due-date.ts';

/**
 * The port every ILS adapter implements. Inputs are self-contained and keyed by barcode, so a
 * step can be retried after a restart without remembering anything but its input; adapters
 * make each call idempotent (an item that already exists for this request is `already-done`).
 * Adapters return outcomes; anything they throw is classified by `classifyThrown`.
 */
export interface PatronSummary {
  patronId: string;
  name?: string | undefined;
  status: 'active' | 'blocked' | 'expired';
  expiryDate?: CalendarDate | undefined;
  blocks?: string[] | undefined;
  barcode?: string | undefined;
  /** the ILS's patron type/group code (Alma user group, Sierra ptype, Symphony/Horizon profile), when it shows one */
  patronType?: string | undefined;
}

export interface TemporaryItemInput {
  requestId: string;
  barcode: string;
  title: string;
  author?: string | undefined;
  /** shown on the ILS item: request ID and the lending library, so staff can find the request */
  note: string;
  lendingLibrary: string;
  /** ILL holding location and shelving location of temporary items */
  location: string;
  shelvingLocation?: string | undefined;
  /** the due date the ILS should apply at check-out (stricter of lender and local rule) */
  dueDate?: CalendarDate | undefined;
  inLibraryUseOnly: boolean;
  /** the ILS item policy to give the item (library use only needs one); absent: the ILS default */
  itemPolicy?: string | undefined;
  /**
   * The patron and pickup location of the hold that follows: NCIP's AcceptItem creates the item
   * and the hold in one message, so an NCIP adapter needs them here (REST adapters ignore them).
   */
  patronId?: string | undefined;
  pickupLocation?: string | undefined;
}

export interface HoldInput {
  requestId: string;
  patronId: string;
  itemBarcode: string;
  /** the ILS's code for the pickup library/branch */
  pickupLocation: string;
  inLibraryUseOnly: boolean;
}

export interface FeeInput {
  requestId: string;
  patronId: string;
  feeType: string;
  amount: number;
  comment: string;
  itemBarcode?: string | undefined;
}

export interface CheckOutInput {
  requestId: string;
  /** the borrowing library's institutional account */
  patronId: string;
  itemBarcode: string;
  /** absent: the ILS's loan policy applies */
  dueDate?: CalendarDate | undefined;
  /**
   * Filled in by the service when the step runs, never planned: loans Bookstrap made on this
   * item for other requests of the library and has not checked in. A loan to the same account
   * found in the ILS is then that request's, not this one's, so it is neither "already done"
   * nor given this request's due date (SPEC §5: honest idempotency).
   */
  heldForOtherRequests?: readonly LoanHeldForRequest[] | undefined;
}

export interface LoanHeldForRequest {
  requestId: string;
  /** the ILS loan ID when the ILS gave one (Alma, Sierra); absent: the loan is known by item only */
  loanId?: string | undefined;
}

/**
 * The other request whose loan this is, or undefined when none claims it. A recorded loan ID must
 * match; a request that recorded no ID claims any loan on the item to the same account.
 */
export function otherRequestHolding(input: Pick<CheckOutInput, 'heldForOtherRequests'>, loanId: string | undefined): string | undefined {
  for (const held of input.heldForOtherRequests ?? []) {
    if (held.loanId === undefined || loanId === undefined || held.loanId === loanId) return held.requestId;
  }
  return undefined;
}

/**
 * Whose record a modifying step expects to find, so the adapter can verify it through the ILS
 * before changing anything: the request's own temporary item (its note carries the request ID,
 * and any loan on it is the request's patron's), or the lent item on loan to the borrowing
 * library's account. Anything else is left alone and reported for staff (SPEC §5).
 */
export type Ownership =
  | { kind: 'temporary-item'; requestId: string; patronId?: string | undefined }
  | { kind: 'lent-item'; requestId: string; borrowerPatronId: string };

export interface DueDateInput {
  requestId: string;
  patronId?: string | undefined;
  itemBarcode: string;
  dueDate: CalendarDate;
  owner?: Ownership | undefined;
}

export interface CheckInInput {
  requestId: string;
  itemBarcode: string;
  owner?: Ownership | undefined;
}

export interface DeleteTemporaryItemInput {
  requestId: string;
  itemBarcode: string;
}

export interface RestoreLocationInput {
  requestId: string;
  itemBarcode: string;
  owner?: Ownership | undefined;
}

export interface LocationInput {
  requestId: string;
  itemBarcode: string;
  location: string;
}

export interface LendingHoldInput {
  requestId: string;
  itemBarcode?: string | undefined;
  title: string;
  /** the borrowing library's institutional account */
  patronId: string;
  pickupLocation?: string | undefined;
}

export interface TemporaryItemFound {
  barcode: string;
  title: string;
  note?: string | undefined;
  requestId?: string | undefined;
}

export interface CirculationSystem {
  readonly ils: IlsKind;
  readonly capabilities: IlsCapabilities;
  lookupPatron(input: { patronId: string }): Promise<StepOutcome<PatronSummary>>;
  createTemporaryItem(input: TemporaryItemInput): Promise<StepOutcome<{ itemId: string }>>;
  placeHold(input: HoldInput): Promise<StepOutcome<{ holdId?: string }>>;
  chargeFee(input: FeeInput): Promise<StepOutcome<{ feeId?: string }>>;
  checkOut(input: CheckOutInput): Promise<StepOutcome<{ loanId?: string; dueDate?: CalendarDate }>>;
  updateDueDate(input: DueDateInput): Promise<StepOutcome<{ dueDate: CalendarDate }>>;
  checkIn(input: CheckInInput): Promise<StepOutcome<Record<string, unknown>>>;
  deleteTemporaryItem(input: DeleteTemporaryItemInput): Promise<StepOutcome<Record<string, unknown>>>;
  moveToTemporaryLocation(input: LocationInput): Promise<StepOutcome<Record<string, unknown>>>;
  restorePermanentLocation(input: RestoreLocationInput): Promise<StepOutcome<Record<string, unknown>>>;
  placeLendingHold(input: LendingHoldInput): Promise<StepOutcome<{ holdId?: string }>>;
  /** recovery without the strap: temporary items by title */
  findTemporaryItems?(query: { title: string }): Promise<TemporaryItemFound[]>;
}
