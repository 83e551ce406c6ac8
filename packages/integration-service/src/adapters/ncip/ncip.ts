import {
  alreadyDone,
  type CancelHoldInput,
  type CheckInInput,
  type PatronIllLoan,
  type CheckOutInput,
  type DeleteTemporaryItemInput,
  type CirculationSystem,
  type Connection,
  configurationError,
  type DueDateInput,
  documentedCapabilities,
  done,
  type FeeInput,
  type HoldInput,
  type IlsCapabilities,
  type IlsKind,
  type LendingHoldInput,
  type LocationInput,
  needsStaff,
  type Ownership,
  type PatronSummary,
  type RestoreLocationInput,
  retryable,
  type SettingsProblem,
  type StepOutcome,
  suggestAlternativeBarcode,
  type TemporaryItemInput,
  otherRequestHolding,
  type ItemCirculation,
  type ItemCirculationInput,
} from '@bookstrap/core';
import {
  type InitiationHeader,
  type LookupItemResponse,
  NCIP_SERVICES,
  type NcipProfile,
  type NcipRequest,
  type NcipService,
  normalisedProblemType,
  summarisePatron,
} from '@bookstrap/ncip';
import { holdGone, judgeRecordedHold, judgeUnrecordedHold, type SeenHold } from '../holds.ts';
import { leftAlone } from '../ownership.ts';
import type { AdapterContext, AdapterDefinition } from '../types.ts';
import { dayOf, endOfDayWire, type NcipEndpoint, type NcipReply, ncipCall } from './exchange.ts';

/**
 * Any ILS through its NCIP responder, driven by a vendor profile from packages/ncip (NCIP 2.02 or
 * 1.0, schemes, identifier types) and the list of services that responder offers — the way
 * ReShare and Tipasa talk to Alma, Sierra, Millennium, Symphony and Horizon.
 *
 *   lookupPatron        LookupUser (blocks and expiry read by packages/ncip's summarisePatron)
 *   createTemporaryItem AcceptItem: temporary item, and the hold when the plan names the patron
 *                       (the core passes patronId/pickupLocation along for exactly this)
 *   placeHold           RequestItem for the item; "Duplicate Request" — AcceptItem already
 *                       placed it — is already-done. One message can do both, but the hold is
 *                       still checked, so a plan without the patron on the item step works too.
 *   checkOut            CheckOutItem with DesiredDateDue; a repeat is already-done
 *   updateDueDate       RenewItem with DesiredDateDue (NCIP's only way to change a due date)
 *   checkIn             CheckInItem; "Item Not Checked Out"/"Unknown Item" are already-done
 *   ownership           with the step's `owner`: LookupItem (circulation status, current borrower,
 *                       the request a temporary item was accepted for) and LookupUser's loaned
 *                       items for the expected account, before anything is changed (see notOurs)
 *   deleteTemporaryItem DeleteItem; "Unknown Item" is already-done. First LookupItem with
 *                       CurrentRequestersDesired: a requester other than the request's patron
 *                       keeps the item (needs staff); no LookupItem: nothing deleted, needs staff
 *   chargeFee           CreateUserFiscalTransaction (amounts in minor units)
 *   placeLendingHold    RequestItem for the borrowing library's account; "Duplicate Request" is
 *                       needs staff: NCIP cannot show whose the account's request on the item is
 *   temporary locations NCIP has no service for them: configuration-error, capability off
 *
 * A service the responder does not offer is a configuration error naming it, never a fake success.
 * Problems are classified by packages/ncip (PROBLEM_RULES); every exchange goes to the protocol log.
 */
export interface NcipAdapterOptions {
  ils: IlsKind;
  endpoint: NcipEndpoint;
  /** from/to agency, application profile (Alma: the partner code), FromAgencyAuthentication */
  header: InitiationHeader;
  /** what this ILS's responder offers (default: all services packages/ncip knows) */
  services?: readonly NcipService[];
  capabilities?: IlsCapabilities;
  /**
   * Where LookupUser is answered when it is not `endpoint` (WMS: the staff profile has none, the
   * patron profile `/circ-patron` lists a patron's loans and requests). List 'LookupUser' in
   * `services` too: the ownership checks and loan reads then go there, everything else to `endpoint`.
   */
  lookupUserEndpoint?: NcipEndpoint;
}

const NEEDED: Partial<Record<keyof IlsCapabilities, NcipService>> = {
  fees: 'CreateUserFiscalTransaction',
  feesOnShipped: 'CreateUserFiscalTransaction',
  lendingHold: 'RequestItem',
  deleteTemporaryItem: 'DeleteItem',
  patronLookup: 'LookupUser',
};

/**
 * ILSs whose lent items reach the ILL temporary location by their NCIP responder's own setting
 * (the partner's check-out location, applied at CheckOutItem and undone at CheckInItem): their
 * vendor APIs cannot move an item, and NCIP has no message for it. Verified through LookupItem.
 */
const locationByResponder: ReadonlySet<IlsKind> = new Set<IlsKind>(['millennium', 'horizon']);

/** What an NCIP integration can do: the ILS's documented capabilities, limited to its services. */
export function ncipCapabilities(ils: IlsKind, services: readonly NcipService[]): IlsCapabilities {
  const documented = documentedCapabilities[ils];
  const offers = (service: NcipService | undefined) => service === undefined || services.includes(service);
  return {
    feesOnShipped: documented.feesOnShipped && offers(NEEDED.feesOnShipped),
    fees: documented.fees && offers(NEEDED.fees),
    // No responder these ILSs ship takes a fiscal transaction back (NCIP 2.02 CreateUserFiscalTransaction
    // only adds one); where a fee can be waived it is over the vendor's REST API (Alma).
    feeRemoval: false,
    lendingHold: documented.lendingHold && offers(NEEDED.lendingHold),
    dueDateUpdate: documented.dueDateUpdate !== 'none' && services.includes('RenewItem') ? 'renewal' : 'none',
    temporaryLocation: documented.temporaryLocation && locationByResponder.has(ils) && offers('LookupItem'),
    deleteTemporaryItem: documented.deleteTemporaryItem && offers(NEEDED.deleteTemporaryItem),
    patronLookup: documented.patronLookup && offers(NEEDED.patronLookup),
    // CancelRequestItem, with LookupUser's RequestedItems to check the hold first and RequestItem
    // to place the corrected one (without RequestItem AcceptItem is the only way to a hold).
    cancelHold: documented.cancelHold && ['CancelRequestItem', 'LookupUser', 'RequestItem'].every((s) => services.includes(s as NcipService)),
  };
}

type Failure = Extract<NcipReply<NcipService>, { ok: false }>;
/** A request as the adapter writes it; the header comes from the connection. */
type WithoutHeader = NcipRequest extends infer R ? (R extends NcipRequest ? Omit<R, 'header'> : never) : never;

/** Whether a Problem says `pattern`, in NISO's words (Innovative's numeric codes read as the words they stand for). */
const hasProblem = (failure: Failure, pattern: RegExp) => failure.problems.some((p) => pattern.test(normalisedProblemType(p.problemType)));

/** NCIP CirculationStatus values for an item out on a loan (NISO scheme, and what ILSs write). */
const ON_LOAN = /^(on loan|checked out|charged|overdue|recalled)$/i;

/** What a responder's LookupItem shows of an item's loan: true/false, or undefined when it says neither. */
function onLoanOf(found: LookupItemResponse | undefined): boolean | undefined {
  if (!found) return undefined;
  const status = found.item.circulationStatus;
  if (found.itemTransaction?.currentBorrower !== undefined || (status !== undefined && ON_LOAN.test(status))) return true;
  // An ItemTransaction without CurrentBorrower (asked for) or any other status: no loan.
  if (found.itemTransaction !== undefined || status !== undefined) return false;
  return undefined;
}

/** Whether the record is still the request's: a reason to leave it alone, or a failed look-up. */
type Verdict = { kind: 'ours' } | { kind: 'foreign'; reason: string } | { kind: 'failed'; outcome: StepOutcome<never> };

export class NcipAdapter implements CirculationSystem {
  readonly ils: IlsKind;
  readonly capabilities: IlsCapabilities;
  private readonly services: readonly NcipService[];

  constructor(
    private readonly options: NcipAdapterOptions,
    private readonly context: AdapterContext,
  ) {
    this.ils = options.ils;
    this.services = options.services ?? NCIP_SERVICES;
    this.capabilities = options.capabilities ?? ncipCapabilities(options.ils, this.services);
  }

  private get profile(): NcipProfile {
    return this.options.endpoint.profile;
  }

  private offers(service: NcipService): boolean {
    return this.services.includes(service);
  }

  private unsupported(service: NcipService, what: string): StepOutcome<never> {
    return configurationError(
      `${this.ils}'s NCIP responder does not offer ${service}, so Bookstrap cannot ${what} over NCIP; turn the step off or use the ILS's API`,
    );
  }

  private call<R extends WithoutHeader>(request: R): Promise<NcipReply<R['service']>> {
    const endpoint = request.service === 'LookupUser' ? (this.options.lookupUserEndpoint ?? this.options.endpoint) : this.options.endpoint;
    return ncipCall(endpoint, this.context, { ...request, header: this.options.header } as NcipRequest) as Promise<NcipReply<R['service']>>;
  }

  /** A failed exchange as an outcome, in the words the history shows. */
  private failed(failure: Failure, what: string): StepOutcome<never> {
    const said = `${what}: ${failure.message}`;
    switch (failure.kind) {
      case 'already-done':
        return alreadyDone(said);
      case 'retryable':
        return retryable(said);
      case 'configuration-error':
        return configurationError(said);
      default:
        if (hasProblem(failure, /^(unknown user|user not found)$/i)) return needsStaff(`invalid patron id — ${said}`);
        return needsStaff(said);
    }
  }

  // ---- ownership -------------------------------------------------------------------------------

  /** LookupItem for an ownership check: circulation status and current borrower. */
  private async itemForOwnership(barcode: string, what: string): Promise<{ found?: LookupItemResponse; unknown?: true } | { failed: StepOutcome<never> }> {
    if (!this.offers('LookupItem')) return {};
    const reply = await this.call({ service: 'LookupItem', itemId: barcode, itemElementTypes: ['Circulation Status'], currentBorrowerDesired: true });
    if (reply.ok) return { found: reply.response };
    if (hasProblem(reply, /^unknown item$/i)) return { unknown: true };
    return { failed: this.failed(reply, what) };
  }

  /**
   * Whether `patronId` has the item on loan: the LookupItem borrower when it is that very id, else
   * LookupUser's LoanedItems for the account (the borrower may be written as another identifier,
   * a barcode for a primary id). undefined: the responder cannot say (no LookupUser).
   */
  private async onLoanTo(
    barcode: string,
    patronId: string,
    found: LookupItemResponse | undefined,
    what: string,
  ): Promise<boolean | undefined | { failed: StepOutcome<never> }> {
    if (found?.itemTransaction?.currentBorrower === patronId) return true;
    if (!this.offers('LookupUser')) return undefined;
    const reply = await this.call({ service: 'LookupUser', userId: patronId, userElementTypes: [], loanedItemsDesired: true });
    if (!reply.ok) return { failed: this.failed(reply, `${what} (checking the loans of ${patronId})`) };
    return (reply.response.loanedItems ?? []).some((loan) => loan.itemId === barcode);
  }

  /**
   * The NCIP side of the core's ownership rule: before changing a loan or an item, check through the
   * ILS that it is still the request's; if not, staff decide. `checkPatron`: a temporary item's loan
   * must also be to the request's patron (due dates), not only the item be the request's.
   *
   * What NCIP can show: the circulation status and current borrower (LookupItem), the loans of an
   * account (LookupUser LoanedItems), and for a temporary item the RequestId it was accepted for
   * when the responder answers LookupItem with one. NCIP has no element for the item's note or
   * description ("ILL request <id>" stays invisible), so when no RequestId comes back the temporary
   * item is recognised by its loan to the request's patron. What stays unverifiable is taken as
   * ours: a temporary item not on loan (or on no loan the responder shows), a step without the
   * patron, and everything on a responder with neither LookupItem nor LookupUser — the steps then
   * run as they did before ownership. With LookupUser only (WMS: the patron profile's), a lent item
   * not among the account's loans is left alone, as nothing shows whether the desk checked it in
   * or lent it to someone else. A temporary item's barcode was
   * made unique by AcceptItem; a lent item on a loan not to the borrowing library is never touched.
   */
  private async notOurs(barcode: string, owner: Ownership, found: LookupItemResponse | undefined, checkPatron: boolean, what: string): Promise<Verdict> {
    if (!this.offers('LookupItem') && !this.offers('LookupUser')) return { kind: 'ours' };
    const onLoan = onLoanOf(found);
    if (owner.kind === 'temporary-item') {
      const shown = found?.requestId;
      if (shown !== undefined && shown !== owner.requestId) {
        return { kind: 'foreign', reason: leftAlone.notTemporaryItem(barcode, owner.requestId, `the ILS has it for request ${shown}`) };
      }
      const known = shown === owner.requestId;
      if ((known && !checkPatron) || !owner.patronId || onLoan === false) return { kind: 'ours' };
      const mine = await this.onLoanTo(barcode, owner.patronId, found, what);
      if (typeof mine === 'object') return { kind: 'failed', outcome: mine.failed };
      if (mine === true) return { kind: 'ours' };
      if (mine === undefined) return { kind: 'foreign', reason: this.cannotCheck(barcode, owner.patronId) };
      if (known) return { kind: 'foreign', reason: leftAlone.temporaryItemLoan(barcode, owner.patronId) };
      // No RequestId, not on the patron's loans, and no status: most likely checked in at the desk.
      if (onLoan === undefined) return { kind: 'ours' };
      return {
        kind: 'foreign',
        reason: leftAlone.notTemporaryItem(
          barcode,
          owner.requestId,
          `NCIP shows no item note, and the item is on loan to another patron, not to ${owner.patronId}`,
        ),
      };
    }
    if (onLoan === false) return { kind: 'ours' };
    const mine = await this.onLoanTo(barcode, owner.borrowerPatronId, found, what);
    if (typeof mine === 'object') return { kind: 'failed', outcome: mine.failed };
    if (mine === true) return { kind: 'ours' };
    if (mine === undefined) return { kind: 'foreign', reason: this.cannotCheck(barcode, owner.borrowerPatronId) };
    return {
      kind: 'foreign',
      reason:
        onLoan === true
          ? leftAlone.lentItemLoan(barcode, owner.borrowerPatronId)
          : `item ${barcode} is not on loan to ${owner.borrowerPatronId}, and ${this.ils}'s NCIP responder does not say whether it is back on the shelf or on loan to another patron; it was left alone (if the desk checked it in, resolve this step)`,
    };
  }

  private cannotCheck(barcode: string, patronId: string): string {
    return `${this.ils}'s NCIP responder does not show whether item ${barcode} is on loan to ${patronId} (it offers no LookupUser), so Bookstrap cannot check whose loan it is; it was left alone`;
  }

  // ---- patrons ---------------------------------------------------------------------------------

  /**
   * Recovery from the patron's loans: LookupUser with LoanedItemsDesired, then LookupItem for each
   * loan, kept only when the responder gives the RequestId the item was accepted for (AcceptItem's
   * RequestId is the ILL request ID). NCIP carries no item note, so an item answered without one
   * cannot be told from a normal library item and is left out.
   */
  /**
   * The ILS sync's read over NCIP: LookupItem (Circulation Status, Date Due, current borrower and
   * requesters) and, when the item is on loan and the answer has no due date or names another
   * identifier, LookupUser's LoanedItems for the patron asked about. NCIP shows no hold status of a
   * requester: "Available For Pickup" (the NISO CirculationStatus scheme) is the ready hold, "In
   * Transit Between Library Locations" with the patron among the requesters the hold in transit.
   */
  async readItemCirculation(input: ItemCirculationInput): Promise<StepOutcome<ItemCirculation>> {
    if (!this.offers('LookupItem') && this.offers('LookupUser') && input.patronId) return this.readFromPatron(input, input.patronId);
    if (!this.offers('LookupItem')) return this.unsupported('LookupItem', "read an item's circulation");
    const what = `reading the circulation of ${input.itemBarcode}`;
    const reply = await this.call({
      service: 'LookupItem',
      itemId: input.itemBarcode,
      itemElementTypes: ['Circulation Status', 'Date Due'],
      currentBorrowerDesired: true,
      currentRequestersDesired: true,
    });
    if (!reply.ok) {
      if (hasProblem(reply, /^unknown item$/i)) return done({ exists: false, status: 'other' });
      return this.failed(reply, what);
    }
    const found = reply.response;
    const circulation = found.item.circulationStatus ?? '';
    const onLoan = onLoanOf(found) === true;
    const status: ItemCirculation['status'] = onLoan
      ? 'on-loan'
      : /^available for pickup$/i.test(circulation)
        ? 'hold-shelf'
        : /^in transit/i.test(circulation)
          ? 'in-transit'
          : /^available on shelf$/i.test(circulation) || circulation === ''
            ? 'on-shelf'
            : 'other';
    const reading: ItemCirculation = { exists: true, status };
    const unseen: string[] = [];
    if (onLoan) {
      let toPatron: boolean | undefined = input.patronId ? found.itemTransaction?.currentBorrower === input.patronId || undefined : undefined;
      let dueDate = dayOf(found.item.dateDue);
      if (input.patronId && (toPatron === undefined || dueDate === undefined) && this.offers('LookupUser')) {
        const user = await this.call({ service: 'LookupUser', userId: input.patronId, userElementTypes: [], loanedItemsDesired: true });
        if (!user.ok) return this.failed(user, `${what} (the loans of ${input.patronId})`);
        const loan = (user.response.loanedItems ?? []).find((l) => l.itemId === input.itemBarcode);
        toPatron = loan !== undefined;
        dueDate = dueDate ?? (loan ? dayOf(loan.dateDue) : undefined);
      }
      if (toPatron === undefined && input.patronId) unseen.push(`${this.ils}'s NCIP responder names the borrower in another form and offers no LookupUser`);
      if (dueDate === undefined) unseen.push(`${this.ils}'s NCIP responder shows no due date (NCIP ${this.profile.version} LookupItem has no Date Due)`);
      reading.loan = { toPatron, dueDate };
    }
    if (input.patronId) {
      const requesters = found.itemTransaction?.currentRequesters;
      // NCIP has no hold status: the item's status says which stage the (first) hold is at.
      const waiting = requesters?.includes(input.patronId) ?? false;
      if (status === 'hold-shelf') reading.holdForPatron = waiting || requesters === undefined ? 'ready' : 'none';
      else if (status === 'in-transit') reading.holdForPatron = waiting ? 'in-transit' : 'none';
      else if (!onLoan) reading.holdForPatron = waiting ? 'pending' : 'none';
    }
    if (unseen.length > 0) reading.unseen = unseen;
    return done(reading);
  }

  /**
   * The sync's read on a responder with LookupUser but no LookupItem (WMS's patron profile): the
   * patron's LoanedItems (the loan and its DateDue) and RequestedItems (RequestStatusType
   * "Available For Pickup" is the ready hold, anything else still waiting). What it cannot see is
   * said in `unseen`: whether the item exists at all, a loan to someone else, a hold in transit.
   */
  private async readFromPatron(input: ItemCirculationInput, patronId: string): Promise<StepOutcome<ItemCirculation>> {
    const what = `reading the circulation of ${input.itemBarcode} (the loans and requests of ${patronId})`;
    const reply = await this.call({ service: 'LookupUser', userId: patronId, userElementTypes: [], loanedItemsDesired: true, requestedItemsDesired: true });
    if (!reply.ok) return this.failed(reply, what);
    const loan = (reply.response.loanedItems ?? []).find((l) => l.itemId === input.itemBarcode);
    const request = (reply.response.requestedItems ?? []).find((r) => r.itemId === input.itemBarcode);
    const ready = request !== undefined && /^available for pickup$/i.test(request.requestStatusType);
    const reading: ItemCirculation = {
      exists: true,
      status: loan ? 'on-loan' : ready ? 'hold-shelf' : 'other',
      unseen: [
        `${this.ils}'s NCIP offers no LookupItem: whether item ${input.itemBarcode} still exists, a loan to anyone but ${patronId} and a hold in transit are not shown`,
      ],
    };
    if (loan) reading.loan = { toPatron: true, dueDate: dayOf(loan.dateDue) };
    else reading.holdForPatron = request ? (ready ? 'ready' : 'pending') : 'none';
    return done(reading);
  }

  /** LookupUser's LoanedItems for a patron: barcode, title and due date of each current loan. */
  async loanedItems(patronId: string): Promise<{ loans: Omit<PatronIllLoan, 'requestId'>[] } | { failed: StepOutcome<never> }> {
    if (!this.offers('LookupUser')) return { failed: this.unsupported('LookupUser', "list a patron's loans") };
    const reply = await this.call({ service: 'LookupUser', userId: patronId, userElementTypes: [], loanedItemsDesired: true });
    if (!reply.ok) return { failed: this.failed(reply, `listing the loans of patron ${patronId}`) };
    return { loans: (reply.response.loanedItems ?? []).map((loan) => ({ barcode: loan.itemId, title: loan.title ?? '', dueDate: dayOf(loan.dateDue) })) };
  }

  async patronLoans(input: { patronId: string }): Promise<StepOutcome<PatronIllLoan[]>> {
    if (!this.offers('LookupUser')) return this.unsupported('LookupUser', "list a patron's loans");
    if (!this.offers('LookupItem')) return this.unsupported('LookupItem', "tell a patron's ILL temporary items from their other loans");
    const what = `listing the loans of patron ${input.patronId}`;
    const reply = await this.call({ service: 'LookupUser', userId: input.patronId, userElementTypes: [], loanedItemsDesired: true });
    if (!reply.ok) return this.failed(reply, what);
    const found: PatronIllLoan[] = [];
    for (const loan of reply.response.loanedItems ?? []) {
      const item = await this.call({ service: 'LookupItem', itemId: loan.itemId, itemElementTypes: ['Bibliographic Description'] });
      if (!item.ok) {
        if (hasProblem(item, /^unknown item$/i)) continue;
        return this.failed(item, what);
      }
      const requestId = item.response.requestId;
      if (!requestId || !/^\d{7,16}$/.test(requestId)) continue;
      found.push({ requestId, barcode: loan.itemId, title: loan.title ?? '', dueDate: loan.dateDue?.slice(0, 10) });
    }
    return done(found);
  }

  async lookupPatron(input: { patronId: string }): Promise<StepOutcome<PatronSummary>> {
    if (!this.offers('LookupUser')) return this.unsupported('LookupUser', 'look patrons up');
    const reply = await this.call({ service: 'LookupUser', userId: input.patronId, userElementTypes: ['Name Information', 'User Privilege', 'Block Or Trap'] });
    if (!reply.ok) return this.failed(reply, `looking up patron ${input.patronId}`);
    const summary = summarisePatron(reply.response, this.context.clock.now());
    return done({
      patronId: input.patronId,
      name: summary.displayName || undefined,
      status: summary.expired ? 'expired' : summary.blocked ? 'blocked' : 'active',
      expiryDate: dayOf(summary.expiryDate),
      blocks: summary.blockReasons,
      barcode: summary.barcode,
    });
  }

  // ---- borrowing -------------------------------------------------------------------------------

  async createTemporaryItem(input: TemporaryItemInput): Promise<StepOutcome<{ itemId: string; barcode?: string }>> {
    if (!this.offers('AcceptItem')) return this.unsupported('AcceptItem', 'create temporary items');
    const what = `creating temporary item ${input.barcode}`;
    const reply = await this.call({
      service: 'AcceptItem',
      requestId: input.requestId,
      itemId: input.barcode,
      ...(input.patronId ? { userId: input.patronId } : {}),
      ...(input.patronId && input.pickupLocation ? { pickupLocation: input.pickupLocation } : {}),
      ...(input.dueDate ? { dateForReturn: endOfDayWire(input.dueDate) } : {}),
      // The lending library travels as Publisher (what the responders read it from, ILLiad's
      // habit) and the whole note as Ext/ItemNote (Ex Libris' extension); NCIP has no note field.
      bibliographicDescription: { title: input.title, ...(input.author ? { author: input.author } : {}), publisher: input.lendingLibrary },
      itemNote: input.note,
      // NCIP's own word for a loan that stays in the building; the ILS picks its item policy.
      ...(input.inLibraryUseOnly ? { itemUseRestrictions: ['In Library Use Only'] } : {}),
    });
    // AcceptItem with a UserId and PickupLocation asks the responder to hold the item for the patron
    // (RequestedActionType, e.g. "Hold For Pickup"): said in the outcome, so place-hold need not ask again.
    const holdFor = input.patronId && input.pickupLocation ? { holdPlacedFor: { patronId: input.patronId, pickupLocation: input.pickupLocation } } : {};
    if (reply.ok) {
      // Some responders (Koha) make the item under another barcode when the one sent is taken and
      // say so in ItemId: that barcode is the record this request owns and later steps act on.
      const itemId = reply.response.itemId ?? input.barcode;
      return done({ itemId, ...(itemId !== input.barcode ? { barcode: itemId } : {}), ...holdFor }, itemId);
    }
    if (reply.kind === 'already-done') return this.acceptedEarlier(input, reply, holdFor);
    if (hasProblem(reply, /^(duplicate item|non-unique item)$/i)) {
      // Never overwrite: the responder names a free barcode when it can, else the core suggests one.
      const named = reply.problems
        .map((p) => /suggested free barcode:?\s*(\S+?)\.?$/i.exec(p.detail ?? '')?.[1] ?? /(\S+) is free/i.exec(p.detail ?? '')?.[1])
        .find(Boolean);
      const suggestion = named ?? suggestAlternativeBarcode(input.barcode, () => false);
      return needsStaff(`barcode ${input.barcode} is already used by another item in the ILS — ${reply.message}`, `use barcode ${suggestion}`);
    }
    return this.failed(reply, what);
  }

  /**
   * "Duplicate Request": an earlier run of this step was accepted, and its answer never reached us
   * (a timeout, a crash). A responder that makes the item under another barcode when the sent one
   * is taken (Koha) may have done so then, so the sent barcode is not assumed to be ours: the
   * barcode the refusal names is taken, else LookupItem tells whether the item under the sent
   * barcode is this request's; one that is another request's or on loan to someone is never
   * claimed — staff are asked to find the request's item instead.
   */
  private async acceptedEarlier(
    input: TemporaryItemInput,
    reply: Failure,
    holdFor: { holdPlacedFor?: { patronId: string; pickupLocation: string } },
  ): Promise<StepOutcome<{ itemId: string; barcode?: string }>> {
    const earlier = `request ${input.requestId} was already accepted`;
    const named = reply.problems.map((p) => /accepted as item\s+(\S+?)\.?$/i.exec(p.detail ?? '')?.[1]).find((barcode): barcode is string => Boolean(barcode));
    if (named && named !== input.barcode) {
      return alreadyDone(`${earlier} as item ${named} (the ILS gave it that barcode)`, { itemId: named, barcode: named, ...holdFor }, named);
    }
    if (!named && this.offers('LookupItem')) {
      const found = await this.itemForOwnership(input.barcode, `checking which item ${earlier} as`);
      if ('failed' in found) return found.failed;
      const item = found.found;
      const otherRequest = item?.requestId !== undefined && item.requestId !== input.requestId;
      const onLoan = item?.itemTransaction?.currentBorrower !== undefined;
      if (found.unknown || otherRequest || onLoan) {
        return needsStaff(
          `${earlier}, but the item under barcode ${input.barcode} is not this request's (${found.unknown ? 'no such item' : otherRequest ? `it is request ${item?.requestId}'s` : 'it is on loan'}): the ILS made this request's item under another barcode`,
          `find the temporary item for request ${input.requestId} in the ILS and correct the temporary barcode to the one it has`,
        );
      }
    }
    return alreadyDone(`item ${input.barcode} was already accepted for request ${input.requestId}`, { itemId: input.barcode, ...holdFor }, input.barcode);
  }

  async placeHold(input: HoldInput): Promise<StepOutcome<{ holdId?: string }>> {
    if (input.holdPlacedWithItem) {
      // ReShare's NCIP borrowing flow does the same: AcceptItem is the hold; a RequestItem after it
      // only draws "Duplicate Request".
      return alreadyDone(`the hold was placed with the temporary item (AcceptItem for patron ${input.patronId} at ${input.pickupLocation})`, {});
    }
    if (!this.offers('RequestItem')) {
      // Responders without RequestItem place the hold with AcceptItem only.
      return alreadyDone(`the hold was placed with the temporary item (AcceptItem); ${this.ils}'s NCIP responder has no RequestItem to check it`);
    }
    const reply = await this.call({
      service: 'RequestItem',
      userId: input.patronId,
      itemId: input.itemBarcode,
      requestId: input.requestId,
      requestType: 'Hold',
      requestScopeType: 'Item',
      pickupLocation: input.pickupLocation,
    });
    if (reply.ok) return done(reply.response.requestId ? { holdId: reply.response.requestId } : {}, reply.response.requestId);
    if (reply.kind === 'already-done') return alreadyDone('the patron already has this hold (AcceptItem placed it with the temporary item)', {});
    return this.failed(reply, `placing a hold on ${input.itemBarcode} for patron ${input.patronId}`);
  }

  async chargeFee(input: FeeInput): Promise<StepOutcome<{ feeId?: string }>> {
    if (!this.offers('CreateUserFiscalTransaction')) return this.unsupported('CreateUserFiscalTransaction', 'charge fees');
    const reply = await this.call({
      service: 'CreateUserFiscalTransaction',
      userId: input.patronId,
      fiscalTransaction: {
        actionType: 'Assess',
        transactionType: input.feeType,
        // MonetaryValue is an integer in the currency's minor unit.
        amount: { currencyCode: this.profile.currencyCode, monetaryValue: Math.round(input.amount * 100) },
        description: input.comment,
        requestId: input.requestId,
        ...(input.itemBarcode ? { itemId: input.itemBarcode } : {}),
      },
    });
    if (!reply.ok) return this.failed(reply, `charging ${input.feeType} to patron ${input.patronId}`);
    const feeId = reply.response.fiscalTransactionReferenceId;
    return done({ feeId }, feeId);
  }

  // ---- loans -----------------------------------------------------------------------------------

  async checkOut(input: CheckOutInput): Promise<StepOutcome<{ loanId?: string; dueDate?: string }>> {
    if (!this.offers('CheckOutItem')) return this.unsupported('CheckOutItem', 'check items out');
    const reply = await this.call({
      service: 'CheckOutItem',
      userId: input.patronId,
      itemId: input.itemBarcode,
      requestId: input.requestId,
      ...(input.dueDate ? { desiredDateDue: endOfDayWire(input.dueDate) } : {}),
    });
    if (reply.ok) return done({ dueDate: dayOf(reply.response.dateDue) }, input.itemBarcode);
    // A retry whose first answer was lost: the loan is there, nothing to do.
    if (hasProblem(reply, /^item already checked out to this user$/i)) {
      // NCIP names no loan: if Bookstrap loaned this item to that account for another request, it is that request's loan.
      const other = otherRequestHolding(input, undefined);
      if (other) return needsStaff(leftAlone.loanOfAnotherRequest(input.itemBarcode, input.patronId, other));
      return alreadyDone(`item ${input.itemBarcode} is already on loan to ${input.patronId}`, {});
    }
    return this.failed(reply, `checking out ${input.itemBarcode} to ${input.patronId}`);
  }

  async updateDueDate(input: DueDateInput): Promise<StepOutcome<{ dueDate: string }>> {
    if (!this.offers('RenewItem')) return this.unsupported('RenewItem', 'change due dates');
    const what = `changing the due date of ${input.itemBarcode} to ${input.dueDate}`;
    let current: LookupItemResponse | undefined;
    if (this.offers('LookupItem')) {
      // No element types asked: responders answer with what they have, the due date included;
      // with an owner to check, who has the item too (same exchange).
      const reply = await this.call({ service: 'LookupItem', itemId: input.itemBarcode, ...(input.owner ? { currentBorrowerDesired: true } : {}) });
      if (!reply.ok) return this.failed(reply, what);
      current = reply.response;
    }
    if (input.owner) {
      const verdict = await this.notOurs(input.itemBarcode, input.owner, current, true, what);
      if (verdict.kind === 'failed') return verdict.outcome;
      if (verdict.kind === 'foreign') return needsStaff(verdict.reason);
      if (onLoanOf(current) === false)
        return needsStaff(`item ${input.itemBarcode} is not on loan, so there is no due date to change; set ${input.dueDate} at check-out`);
    }
    if (current && dayOf(current.item.dateDue) === input.dueDate) return alreadyDone('the loan already has this due date', { dueDate: input.dueDate });
    if (!input.patronId) return needsStaff(`${what}: NCIP renews a loan for its borrower, and the step does not name the patron`);
    const reply = await this.call({ service: 'RenewItem', userId: input.patronId, itemId: input.itemBarcode, desiredDateDue: endOfDayWire(input.dueDate) });
    if (!reply.ok) return this.failed(reply, what);
    if (reply.response.pending) return retryable(`${what}: the ILS has not decided the renewal yet (Pending)`);
    const dueDate = dayOf(reply.response.dateDue) ?? input.dueDate;
    if (dueDate !== input.dueDate) return needsStaff(`${what}: the ILS set ${dueDate} instead; check the loan`);
    return done({ dueDate }, input.itemBarcode);
  }

  async checkIn(input: CheckInInput): Promise<StepOutcome<Record<string, unknown>>> {
    if (!this.offers('CheckInItem')) return this.unsupported('CheckInItem', 'check items in');
    const what = `checking in ${input.itemBarcode}`;
    if (input.owner) {
      const item = await this.itemForOwnership(input.itemBarcode, what);
      if ('failed' in item) return item.failed;
      if (item.unknown) return alreadyDone(`the ILS no longer has item ${input.itemBarcode}; treated as already checked in`, {});
      const verdict = await this.notOurs(input.itemBarcode, input.owner, item.found, false, what);
      if (verdict.kind === 'failed') return verdict.outcome;
      if (verdict.kind === 'foreign') return needsStaff(verdict.reason);
      // The library's own item back from the borrowing library and no longer on loan: the desk
      // checked it in first. CheckInItem is not sent, as it would route someone's hold on it.
      if (input.owner.kind === 'lent-item' && onLoanOf(item.found) === false) {
        return alreadyDone(`item ${input.itemBarcode} is not on loan (checked in at the desk)`, {
          ...(item.found?.item.circulationStatus ? { circulationStatus: item.found.item.circulationStatus } : {}),
        });
      }
    }
    const reply = await this.call({ service: 'CheckInItem', itemId: input.itemBarcode });
    if (reply.ok) return done(reply.response.routing ? { routing: reply.response.routing.instructions } : {});
    return this.failed(reply, what);
  }

  /**
   * How many of an item's requesters are not `patronId`: those named by that very id are ours, and
   * where some are not, the patron's own LookupUser RequestedItems on the item count as ours too
   * (the responder may name the requester by another identifier). No patron: none are ours.
   */
  private async requestersNotOf(
    barcode: string,
    requesters: string[],
    patronId: string | undefined,
    what: string,
  ): Promise<number | { failed: StepOutcome<never> }> {
    if (!patronId) return requesters.length;
    const named = requesters.filter((requester) => requester === patronId).length;
    if (named === requesters.length || !this.offers('LookupUser')) return requesters.length - named;
    const reply = await this.call({ service: 'LookupUser', userId: patronId, userElementTypes: [], requestedItemsDesired: true });
    if (!reply.ok) return { failed: this.failed(reply, `${what} (reading the requests of ${patronId})`) };
    const listed = (reply.response.requestedItems ?? []).filter((requested) => requested.itemId === barcode).length;
    return requesters.length - Math.min(requesters.length, Math.max(named, listed));
  }

  /**
   * DeleteItem ends the item's holds with it (the simulated responders delete with override,
   * ils-simulators src/ncip/services.ts deleteItemService), so the item goes only when nobody but
   * the request's patron waits for it. LookupItem with CurrentRequestersDesired names every
   * requester by UserId (NCIP 2.02 ItemTransaction/CurrentRequester); a requester written as
   * another identifier of the same patron is counted as ours through that patron's own LookupUser
   * RequestedItems. NCIP shows no hold note, so the patron's hold is taken as the request's (the
   * request's AcceptItem or RequestItem placed it). Without LookupItem the responder cannot show
   * other patrons' holds (LookupUser lists one patron's requests only), so nothing is deleted.
   */
  async deleteTemporaryItem(input: DeleteTemporaryItemInput): Promise<StepOutcome<Record<string, unknown>>> {
    if (!this.offers('DeleteItem')) return this.unsupported('DeleteItem', 'delete temporary items');
    const what = `deleting temporary item ${input.itemBarcode}`;
    if (!this.offers('LookupItem'))
      return needsStaff(
        `${this.ils}'s NCIP responder offers no LookupItem, so Bookstrap cannot see whether another patron holds temporary item ${input.itemBarcode} (LookupUser shows one patron's requests only), and DeleteItem would end those holds with the item; it was left alone`,
        'check the item for holds in the ILS, then delete it there and resolve this step by hand',
      );
    // A real item that has come to carry this barcode is never deleted: where LookupItem shows the
    // request the item was accepted for, it must be this one (no RequestId shown: the create step
    // that made it, which this delete requires, is what ties it to the request).
    const found = await this.call({
      service: 'LookupItem',
      itemId: input.itemBarcode,
      itemElementTypes: ['Circulation Status'],
      currentBorrowerDesired: true,
      currentRequestersDesired: true,
    });
    if (!found.ok && hasProblem(found, /^unknown item$/i)) return alreadyDone(`the ILS no longer has item ${input.itemBarcode}`, {});
    if (!found.ok) return this.failed(found, what);
    const shown = found.response.requestId;
    if (shown !== undefined && shown !== input.requestId) {
      return needsStaff(leftAlone.notTemporaryItem(input.itemBarcode, input.requestId, `the ILS has it for request ${shown}`));
    }
    const requesters = found.response.itemTransaction?.currentRequesters ?? [];
    const notOurs = await this.requestersNotOf(input.itemBarcode, requesters, input.patronId, what);
    if (typeof notOurs === 'object') return notOurs.failed;
    if (notOurs > 0)
      return needsStaff(
        `temporary item ${input.itemBarcode} has ${notOurs} hold(s) request ${input.requestId} did not place (${input.patronId ? `another patron's than ${input.patronId}` : "this step does not name the request's patron, so none can be shown to be its own"}); Bookstrap cancels no hold that is not its own, and DeleteItem would end them with the item, so the item and every hold on it were left alone`,
        'cancel or move those holds in the ILS (or keep the item), then retry this step or resolve it by hand',
      );
    const reply = await this.call({ service: 'DeleteItem', itemId: input.itemBarcode });
    if (reply.ok) return done({});
    return this.failed(reply, `deleting temporary item ${input.itemBarcode}`);
  }

  /** The Temporary location LookupItem shows for the item ("Main Library / Interlibrary Loan"), if any. */
  private async temporaryLocationOf(barcode: string, what: string): Promise<{ at?: string } | { failed: StepOutcome<never> }> {
    const reply = await this.call({ service: 'LookupItem', itemId: barcode, itemElementTypes: ['Location'] });
    if (!reply.ok) return { failed: this.failed(reply, what) };
    const temporary = reply.response.item.locations?.find((location) => location.type.toLowerCase() === 'temporary');
    return temporary
      ? {
          at: [...temporary.names]
            .sort((a, b) => a.level - b.level)
            .map((n) => n.value)
            .join(' / '),
        }
      : {};
  }

  /**
   * NCIP has no message that moves an item: where the responder itself shelves what it lends
   * (Millennium, Horizon — `locationByResponder`) this step checks, through LookupItem, that the
   * check-out put the item in a temporary location; it changes nothing. Elsewhere it is refused.
   */
  async moveToTemporaryLocation(input: LocationInput): Promise<StepOutcome<Record<string, unknown>>> {
    if (!this.capabilities.temporaryLocation)
      return configurationError(`NCIP has no service to move ${input.itemBarcode} to a temporary location; turn the setting off for an NCIP connection`);
    const what = `checking that ${input.itemBarcode} is in the ILL temporary location`;
    const found = await this.temporaryLocationOf(input.itemBarcode, what);
    if ('failed' in found) return found.failed;
    if (found.at) return done({ temporaryLocation: found.at, by: 'the NCIP responder at check-out' });
    return needsStaff(
      `${input.itemBarcode} was checked out but the ${this.ils} NCIP responder did not shelve it in an ILL temporary location (LookupItem shows none)`,
      `set the ILL check-out location (${input.location}) in the ${this.ils} NCIP responder's configuration for this partner, then move the item by hand and resolve this step`,
    );
  }

  async restorePermanentLocation(input: RestoreLocationInput): Promise<StepOutcome<Record<string, unknown>>> {
    // Nothing is changed over NCIP here, so there is no ownership (input.owner) to check.
    if (!this.capabilities.temporaryLocation) return configurationError(`NCIP has no service to move ${input.itemBarcode} back to its permanent location`);
    const what = `checking that ${input.itemBarcode} is back in its permanent location`;
    const found = await this.temporaryLocationOf(input.itemBarcode, what);
    if ('failed' in found) return found.failed;
    if (!found.at) return done({ by: 'the NCIP responder at check-in' });
    return needsStaff(
      `${input.itemBarcode} is still in temporary location ${found.at} after check-in; the ${this.ils} NCIP responder did not restore it`,
      `move ${input.itemBarcode} back to its permanent location in ${this.ils} and resolve this step`,
    );
  }

  async placeLendingHold(input: LendingHoldInput): Promise<StepOutcome<{ holdId?: string }>> {
    if (!this.capabilities.lendingHold)
      return configurationError(`${this.ils} does not take a hold on the requested item for lending (only Horizon and Symphony do)`);
    if (!input.itemBarcode) return needsStaff(`a lending hold on "${input.title}" needs the item barcode`);
    const reply = await this.call({
      service: 'RequestItem',
      userId: input.patronId,
      itemId: input.itemBarcode,
      requestId: input.requestId,
      requestType: this.profile.requestItem.requestType,
      requestScopeType: 'Item',
      ...(input.pickupLocation ? { pickupLocation: input.pickupLocation } : {}),
    });
    if (reply.ok) return done(reply.response.requestId ? { holdId: reply.response.requestId } : {}, reply.response.requestId);
    // "Duplicate Request": the account already has a request on the item. NCIP answers with no
    // note and LookupUser's RequestedItems carry only the ILS's own request IDs, so nothing shows
    // whether this request placed it (an earlier attempt whose answer was lost) or another did (a
    // second lending request of the same library for the item, staff at the desk). Claiming it
    // would make it this request's, and a later cancel-hold would end someone else's hold (SPEC §5).
    if (reply.kind === 'already-done')
      return needsStaff(
        `${input.patronId} already has a request on ${input.itemBarcode} (${this.ils} answered "Duplicate Request"), and NCIP cannot show whether request ${input.requestId} placed it${this.context.firstRun ? ' (this was its first attempt, so it did not)' : ''}; that request was left alone`,
        'if the hold in the ILS serves this request, resolve this step by hand; otherwise cancel it in the ILS, then retry',
      );
    return this.failed(reply, `placing a lending hold on ${input.itemBarcode} for ${input.patronId}`);
  }

  /**
   * LookupUser with RequestedItemsDesired lists the patron's active requests (RequestId and ItemId,
   * NCIP 2.02 RequestedItem); the request's hold is cancelled only while it is there, on the item,
   * with the recorded RequestId, by CancelRequestItem (UserId + RequestId + ItemId) — the message
   * ReShare sends where the ILS does not clean up by itself (reference/reshare-ncip.md). NCIP
   * carries no hold note: without a recorded RequestId (AcceptItem made the hold) the patron's one
   * active request on the request's own temporary item is the one.
   */
  async cancelHold(input: CancelHoldInput): Promise<StepOutcome<Record<string, unknown>>> {
    for (const service of ['LookupUser', 'CancelRequestItem'] as const)
      if (!this.offers(service)) return this.unsupported(service, `cancel the hold on ${input.itemBarcode} safely`);
    const what = `cancelling the hold on ${input.itemBarcode} for patron ${input.patronId}`;
    const lookup = await this.call({ service: 'LookupUser', userId: input.patronId, userElementTypes: [], requestedItemsDesired: true });
    if (!lookup.ok) return this.failed(lookup, `${what} (reading the patron's requests)`);
    const held: SeenHold[] = (lookup.response.requestedItems ?? []).map((r) => ({
      id: r.requestId ?? '',
      itemBarcode: r.itemId,
      patronId: input.patronId,
      active: true,
    }));
    const recorded = input.holdId && held.some((h) => h.id !== '') ? held.find((h) => h.id === input.holdId) : undefined;
    const verdict =
      input.holdId && held.some((h) => h.id !== '') ? judgeRecordedHold(input, recorded, this.ils) : judgeUnrecordedHold(input, held, this.ils, false);
    if (verdict.kind === 'stop') return verdict.outcome;
    return this.cancelRequest(input, verdict.hold);
  }

  /** CancelRequestItem for a hold already checked to be the request's. */
  async cancelRequest(input: CancelHoldInput, hold: SeenHold): Promise<StepOutcome<Record<string, unknown>>> {
    if (!this.offers('CancelRequestItem')) return this.unsupported('CancelRequestItem', `cancel the hold on ${input.itemBarcode}`);
    const what = `cancelling the hold on ${input.itemBarcode} for patron ${input.patronId}`;
    const reply = await this.call({
      service: 'CancelRequestItem',
      userId: input.patronId,
      ...(hold.id ? { requestId: hold.id } : {}),
      itemId: input.itemBarcode,
      requestType: this.profile.requestItem.requestType,
      requestScopeType: 'Item',
    });
    if (reply.ok) return done({ cancelled: hold.id || null }, hold.id || undefined);
    if (hasProblem(reply, /^unknown request$/i)) return holdGone(input, this.ils, 'it was gone when the cancel arrived');
    return this.failed(reply, what);
  }
}

// ---- registry ----------------------------------------------------------------------------------

/** The NCIP parts of a library's connection: responder URL and the initiation header. */
export function ncipOptionsOf(connection: Connection, profile: NcipProfile, services?: readonly NcipService[]): NcipAdapterOptions {
  const header: InitiationHeader = {
    // Who is calling: the library's own agency id when configured (ReShare's habit), else Bookstrap.
    fromAgencyId: connection.ncip?.fromAgencyId ?? 'BOOKSTRAP',
    toAgencyId: connection.ncip?.toAgencyId ?? '',
  };
  const applicationProfileType = connection.ncip?.applicationProfileType ?? profile.applicationProfileType;
  if (applicationProfileType) header.applicationProfileType = applicationProfileType;
  // A shared secret some responders want (NCSU Symphony); masked in the protocol log.
  if (connection.credentials.password) header.fromAgencyAuthentication = connection.credentials.password;
  return { ils: connection.ils, endpoint: { url: connection.ncipUrl ?? '', profile }, header, ...(services ? { services } : {}) };
}

/**
 * A registry row for an ILS spoken to over NCIP: `'sierra:ncip': ncipAdapter('sierra', profiles.sierra)`.
 * `services` is what that ILS's responder offers (its application profile), so the capabilities
 * and the plan leave out what it cannot do.
 */
export function ncipAdapter(ils: IlsKind, profile: NcipProfile, services: readonly NcipService[] = NCIP_SERVICES): AdapterDefinition {
  return {
    ils,
    protocol: 'ncip',
    capabilities: ncipCapabilities(ils, services),
    // No documented limit (/work/shared/reference/vendor-apis.md): unpaced until the ILS answers 429,
    // then the limiter halves and regrows its allowance; `connection.rateLimit` sets one per library.
    ratePerSecond: Number.POSITIVE_INFINITY,
    create: (connection, context) => new NcipAdapter(ncipOptionsOf(connection, profile, services), context),
    checkConnection: (connection) => ncipConnectionProblems(connection, profile),
  };
}

export function ncipConnectionProblems(connection: Connection, profile: NcipProfile): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  if (profile.agencyIdPattern) {
    for (const [path, value] of [
      ['connection.ncip.toAgencyId', connection.ncip?.toAgencyId],
      ['connection.ncip.fromAgencyId', connection.ncip?.fromAgencyId],
    ] as const) {
      if (value && !profile.agencyIdPattern.test(value))
        problems.push({ path, message: `"${value}" is not a ${profile.name} agency id (${profile.agencyIdPattern.source})` });
    }
  }
  return problems;
}
