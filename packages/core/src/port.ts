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
  /**
   * The ILS's own record ID of the patron, where its API names patrons by record and not by the ID
   * Bookstrap holds (Sierra's patron record number behind a barcode): a later step of the request
   * may use it instead of looking the patron up again (see `HoldInput.ilsPatronId`).
   */
  ilsPatronId?: string | undefined;
}

export interface TemporaryItemInput {
  requestId: string;
  barcode: string;
  title: string;
  author?: string | undefined;
  /** shown on the ILS item: request ID and the lending library, so staff can find the request */
  note: string;
  lendingLibrary: string;
  /** ILL holding location and shelving location of temporary items (see `shelfOf`) */
  location: string;
  shelvingLocation?: string | undefined;
  /** the patron due date the ILS should apply at check-out (the strap date by default; see `DueDateRule`) */
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
  /**
   * The ILS's own id of the item, when the step that created it said (the service adds it as the
   * step runs); an adapter may use it instead of looking the barcode up.
   */
  itemId?: string | undefined;
  /**
   * The step that created the item said it also placed this patron's hold at this pickup location
   * (NCIP AcceptItem with UserId and PickupLocation does, on the responders that honour its
   * RequestedActionType); the adapter need not ask again.
   */
  holdPlacedWithItem?: boolean | undefined;
  /**
   * The ILS's record ID of `patronId`, from this request's patron look-up (the service adds it as
   * the step runs, from that step's recorded outcome); an adapter may use it instead of looking the
   * patron up, and looks up after all when the ILS no longer knows the record.
   */
  ilsPatronId?: string | undefined;
}

/**
 * Cancel the hold this request placed, and only that one (SPEC §5): `holdId` is the ILS's hold ID
 * the place-hold step recorded (filled in by the service from that step's outcome when the plan
 * could not know it); the adapter first reads the hold through the ILS and cancels it only while
 * it is still on `itemBarcode` for `patronId` with that ID. A hold no longer in the ILS is
 * `already-done`; any other hold there (another patron's, one the desk placed) is left alone.
 */
export interface CancelHoldInput {
  requestId: string;
  /** whose hold it is: the patron (or, lending, the borrowing library's account) it was placed for */
  patronId: string;
  itemBarcode: string;
  /** the ILS's ID of the hold, from the place-hold step's outcome; absent when the ILS gave none */
  holdId?: string | undefined;
  /** the idempotency key of the step that placed the hold (the service reads its recorded hold ID) */
  placedBy: string;
  /** why, for the ILS's cancel reason/note where it takes one */
  reason: 'patron-corrected' | 'pickup-corrected' | 'request-cancelled';
}

export interface FeeInput {
  requestId: string;
  patronId: string;
  feeType: string;
  amount: number;
  comment: string;
  itemBarcode?: string | undefined;
}

/**
 * Take back (waive) a fee this request charged — only that one: `feeId` is the ILS's id the
 * charge step recorded (filled in by the service when the step runs, never planned), and the
 * adapter verifies through the ILS that the fee is that patron's and carries `comment` (which
 * names the request) before it waives anything. A fee already waived or paid is left as it is.
 */
export interface RemoveFeeInput {
  requestId: string;
  patronId: string;
  /** the idempotency key of the charge-fee step whose fee this is */
  chargeKey: string;
  feeType: string;
  comment: string;
  reason: string;
  feeId?: string | undefined;
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
  /**
   * The request's patron, whose holds on the item the request may have placed: an adapter that
   * must cancel holds before the delete finds them among this patron's holds, never by listing
   * everyone's (absent on plans made before it was added).
   */
  patronId?: string | undefined;
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

/**
 * The connection check (preflight): read-only calls that show the configuration works before the
 * first request does — the key is accepted, a known patron and item can be read, the pickup and ILL
 * locations exist. Each check is passed, failed (with the vendor's own words) or skipped (the
 * ILS's API cannot tell, or nothing to check with), never guessed.
 */
export const preflightCheckNames = ['authenticate', 'test-patron', 'test-item', 'pickup-locations', 'ill-location'] as const;
export type PreflightCheckName = (typeof preflightCheckNames)[number];

export interface PreflightInput {
  /** a patron known to exist in the ILS (settings.preflight.testPatronId) */
  testPatronId?: string | undefined;
  /** an item known to exist in the ILS (settings.preflight.testItemBarcode) */
  testItemBarcode?: string | undefined;
  /** ILS codes of the library's active pickup locations */
  pickupLocations: string[];
  /** ILS codes of the ILL locations Bookstrap puts items in (temporary items; lent items, if set) */
  illLocations: string[];
}

export interface PreflightCheck {
  name: PreflightCheckName;
  status: 'passed' | 'failed' | 'skipped';
  /** false only when the check failed */
  ok: boolean;
  /** what was found, the ILS's own error text, or why the check was skipped */
  detail: string;
}

export interface PreflightReport {
  ok: boolean;
  checks: PreflightCheck[];
}

export const passedCheck = (name: PreflightCheckName, detail: string): PreflightCheck => ({ name, status: 'passed', ok: true, detail });
export const failedCheck = (name: PreflightCheckName, detail: string): PreflightCheck => ({ name, status: 'failed', ok: false, detail });
export const skippedCheck = (name: PreflightCheckName, detail: string): PreflightCheck => ({ name, status: 'skipped', ok: true, detail });

/** One report, every check in a fixed order; it is ok when nothing failed. */
export function preflightReport(checks: PreflightCheck[]): PreflightReport {
  const ordered = [...checks].sort((a, b) => preflightCheckNames.indexOf(a.name) - preflightCheckNames.indexOf(b.name));
  return { ok: ordered.every((check) => check.ok), checks: ordered };
}

/**
 * Strap recovery from the patron's loans: what the ILS says the patron has on loan that is one of
 * this library's ILL temporary items, recognised by what Bookstrap wrote on it (the request ID).
 */
export interface PatronIllLoan {
  requestId: string;
  barcode: string;
  title: string;
  dueDate?: CalendarDate | undefined;
}

/**
 * The request ID Bookstrap wrote on a temporary item ("ILL request 1000017 from LENDA", the note
 * `decide` gives every temporary item), from any of the item's texts; undefined for an item that
 * carries no such note — a normal library item.
 */
export function temporaryItemRequestId(texts: readonly (string | null | undefined)[]): string | undefined {
  for (const text of texts) {
    const match = typeof text === 'string' ? /\bILL request (\d{7,16})\b/.exec(text) : null;
    if (match) return match[1];
  }
  return undefined;
}

/**
 * What the ILS says about one item, read for the ILS sync (see what circulation did first): a read,
 * never a change. `holdForPatron` and the loan's `toPatron` answer for the patron (or borrowing
 * library account) the caller names, in whatever identifier form the ILS keeps. Anything the
 * vendor's API cannot show is left undefined and named in `unseen`, with the reason.
 */
export interface ItemCirculation {
  exists: boolean;
  /** the item's circulation status, normalised */
  status: 'on-shelf' | 'hold-shelf' | 'in-transit' | 'on-loan' | 'other';
  loan?:
    | {
        /** the loan is to the patron asked about; undefined: the ILS does not say */
        toPatron?: boolean | undefined;
        dueDate?: CalendarDate | undefined;
        /** how many times the loan was renewed, where the ILS counts them (Sierra checkout `numberOfRenewals`) */
        renewals?: number | undefined;
      }
    | undefined;
  /**
   * The item's last (ended) loan was to the asked patron: the ILS's loan history, where its API
   * shows one (WMS item details `lastIssuedTo`). Undefined: the API does not say. With no hold and
   * no loan it tells a pickup and return at the desk between two reads from an expired hold.
   */
  lastLoanToPatron?: boolean | undefined;
  /** the asked patron's hold on the item: waiting, ready on the hold shelf, in transit to pickup, none */
  holdForPatron?: 'pending' | 'ready' | 'in-transit' | 'none' | undefined;
  /** what this read cannot see through the vendor's API, and why */
  unseen?: string[] | undefined;
}

export interface ItemCirculationInput {
  itemBarcode: string;
  /** whose loan and hold to answer for: the request's patron, or the borrowing library's account */
  patronId?: string | undefined;
}

export interface CirculationSystem {
  readonly ils: IlsKind;
  readonly capabilities: IlsCapabilities;
  lookupPatron(input: { patronId: string }): Promise<StepOutcome<PatronSummary>>;
  /**
   * `barcode`: the barcode the ILS made the item under, when it says so (a responder that makes a
   * new barcode when the sent one is taken, as Koha does); later steps then act on that one.
   */
  createTemporaryItem(input: TemporaryItemInput): Promise<StepOutcome<{ itemId: string; barcode?: string }>>;
  placeHold(input: HoldInput): Promise<StepOutcome<{ holdId?: string }>>;
  chargeFee(input: FeeInput): Promise<StepOutcome<{ feeId?: string }>>;
  /** Absent: the ILS's API cannot take a fee back (capability `feeRemoval` off). */
  removeFee?(input: RemoveFeeInput): Promise<StepOutcome<{ feeId: string; status?: string }>>;
  checkOut(input: CheckOutInput): Promise<StepOutcome<{ loanId?: string; dueDate?: CalendarDate }>>;
  updateDueDate(input: DueDateInput): Promise<StepOutcome<{ dueDate: CalendarDate }>>;
  checkIn(input: CheckInInput): Promise<StepOutcome<Record<string, unknown>>>;
  deleteTemporaryItem(input: DeleteTemporaryItemInput): Promise<StepOutcome<Record<string, unknown>>>;
  moveToTemporaryLocation(input: LocationInput): Promise<StepOutcome<Record<string, unknown>>>;
  restorePermanentLocation(input: RestoreLocationInput): Promise<StepOutcome<Record<string, unknown>>>;
  placeLendingHold(input: LendingHoldInput): Promise<StepOutcome<{ holdId?: string }>>;
  /** cancels the request's own hold, verified through the ILS first (see `CancelHoldInput`) */
  cancelHold(input: CancelHoldInput): Promise<StepOutcome<Record<string, unknown>>>;
  /** recovery without the strap: temporary items by title */
  findTemporaryItems?(query: { title: string }): Promise<TemporaryItemFound[]>;
  /**
   * Recovery from the patron's loans: their current loans that are ILL temporary items Bookstrap
   * made (never a normal library item). Absent: the ILS's API cannot list a patron's loans.
   */
  patronLoans?(input: { patronId: string }): Promise<StepOutcome<PatronIllLoan[]>>;
  /**
   * The ILS sync's read: one item's circulation as the ILS sees it (REST item/loan/hold reads or
   * NCIP LookupItem/LookupUser). Absent: the ILS's API cannot show it, and the sync says so.
   */
  readItemCirculation?(input: ItemCirculationInput): Promise<StepOutcome<ItemCirculation>>;
  /** the connection check; read-only. Absent: the service checks what `lookupPatron` can. */
  preflight?(input: PreflightInput): Promise<PreflightCheck[]>;
}

/**
 * The location code a temporary item is shelved at, where the ILS gives an item one location
 * field: Alma's item `location` within its library (vendor-apis.md: holding 852 $b library $c
 * location, item `location{value}`), Sierra's item `location` code (Sierra has no library/location
 * hierarchy), SirsiDynix Web Services' item `homeLocation` (vendor-apis.md: POST /catalog/bib
 * itemList homeLocation). The library's shelving location is that field when set; otherwise the
 * ILL location is. (Over NCIP the responder's own configuration shelves AcceptItem items.)
 */
export const shelfOf = (input: Pick<TemporaryItemInput, 'location' | 'shelvingLocation'>): string => input.shelvingLocation ?? input.location;
