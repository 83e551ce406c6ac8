import { type NoticeKind, noticeChanges, type PatronNotice, pickupNotice } from './notices.ts';
import type { IlsCapabilities } from './ils.ts';
import { type IlsStep, prerequisite, step, stepSupported } from './plan.ts';
import { temporaryBarcode } from './policies/barcode.ts';
import { borrowerIdentifier } from './policies/borrower-identifier.ts';
import { type CalendarDate, daysBetween, isCalendarDate, patronDueDate } from './policies/due-date.ts';
import { illFeeOnShipped, lostItemCharges } from './policies/fees.ts';
import type { IntegrationSettings } from './settings.ts';
import { actionTable, allowedActions, currentLender, type IllRequest, missingAgeOutDays, type RequestAction, type RequestStatus } from './workflow.ts';

/** What staff (or a partner library) asked for, with what that action carries. */
export type RequestCommand =
  | { action: 'cancel'; reason?: string | undefined }
  | { action: 'review' | 'request-renewal' | 'renewal-denied' | 'overdue' | 'mark-returned' | 'lost-item-returned' | 'complete' }
  | { action: 'send' }
  | { action: 'supplier-shipped'; supplierItemBarcode?: string | undefined; lenderDueDate?: CalendarDate | undefined }
  | { action: 'supplier-unfilled'; reason?: string | undefined }
  | { action: 'receive'; temporaryBarcode?: string | undefined }
  | { action: 'renewal-approved'; newDueDate: CalendarDate }
  | { action: 'recall'; dueDate?: CalendarDate | undefined }
  | { action: 'mark-lost'; replacementCost?: number | undefined }
  | { action: 'ship'; itemBarcode?: string | undefined; dueDate?: CalendarDate | undefined }
  | { action: 'respond-unfilled' | 'renewal-requested' | 'deny-renewal' | 'borrower-returned' | 'check-in' | 'not-returned' | 'age-out' }
  | { action: 'approve-renewal'; newDueDate: CalendarDate };

export interface DecisionContext {
  settings: IntegrationSettings;
  capabilities: IlsCapabilities;
  today: CalendarDate;
  /**
   * Store facts, read before deciding: the lost-item charge steps this request has planned (any
   * state), so that when the item comes back exactly those fees — and no other — are taken back.
   */
  lostCharges?: readonly LostChargeStep[] | undefined;
}

export interface LostChargeStep {
  /** the charge-fee step's idempotency key */
  key: string;
  patronId: string;
  feeType: string;
  comment: string;
}

export type RefusalCode = 'ACTION_NOT_ALLOWED' | 'PATRON_ID_REQUIRED' | 'INVALID_INPUT' | 'NOT_YET_AGED_OUT' | 'DUE_DATE_UNAVAILABLE';

export interface TransitionRefused {
  code: RefusalCode;
  message: string;
  currentStatus: RequestStatus;
  allowedActions: RequestAction[];
}

export interface Decision {
  request: IllRequest;
  /** ordered ILS steps the library's settings call for */
  plan: IlsStep[];
  /** human notes for the circulation history (due-date limits, fallbacks) */
  notes: string[];
  /** patron notices to queue (notices.ts) */
  notices: PatronNotice[];
  /** unsent notices of these kinds on the request are withdrawn first (moot after this action) */
  withdrawNotices: NoticeKind[];
}

export type DecisionResult = { ok: true; decision: Decision } | { ok: false; error: TransitionRefused };

const refuse = (request: IllRequest, code: RefusalCode, message: string): DecisionResult => ({
  ok: false,
  error: { code, message, currentStatus: request.status, allowedActions: allowedActions(request) },
});

/** The plan run when a request is first created (B1 patron check; L1 lending hold). */
export function planOnCreate(request: IllRequest, ctx: DecisionContext): IlsStep[] {
  const plan: IlsStep[] = [];
  if (!ctx.settings.enabled) return plan;
  if (request.role === 'borrowing' && request.patronId && ctx.settings.borrowing.verifyPatronOnRequest) {
    plan.push(step('lookup-patron', { requestId: request.id, patronId: request.patronId }, request.patronId));
  }
  // The hold needs the item: a partner's request often names only the title, so it waits for ship.
  if (request.role === 'lending' && request.itemBarcode) {
    const hold = lendingHold(request, request.itemBarcode, ctx);
    if (hold) plan.push(hold);
  }
  return plan.filter((s) => stepSupported(s.name, ctx.capabilities));
}

/** L1 (Horizon and Symphony): a hold on the requested item for the borrowing library's account. */
function lendingHold(request: IllRequest, itemBarcode: string, ctx: DecisionContext): Extract<IlsStep, { name: 'place-lending-hold' }> | undefined {
  if (request.serviceType !== 'loan' || !ctx.settings.enabled || !ctx.settings.lending.placeHoldOnRequestedItem || !request.borrowingLibrary) return undefined;
  const { patronId } = borrowerIdentifier(request.borrowingLibrary, ctx.settings.lending);
  return step('place-lending-hold', { requestId: request.id, itemBarcode, title: request.title, patronId }, itemBarcode);
}

/**
 * The pure heart of Bookstrap: may this request take this action, where does it go, and which
 * ILS steps must follow. A refusal names the current state and the allowed actions.
 */
export function decide(request: IllRequest, command: RequestCommand, ctx: DecisionContext): DecisionResult {
  const rule = actionTable(request.role)[command.action];
  if (!rule || !rule.from.includes(request.status) || !rule.serviceTypes.includes(request.serviceType)) {
    const what = rule ? `"${command.action}"` : `"${command.action}" (not a ${request.role} action)`;
    return refuse(request, 'ACTION_NOT_ALLOWED', `a ${request.role} ${request.serviceType} request in status "${request.status}" cannot take action ${what}`);
  }
  const next: IllRequest = { ...request, status: rule.to as RequestStatus };
  const plan: IlsStep[] = [];
  const notes: string[] = [];
  const notices: PatronNotice[] = [];
  const { borrowing, lending, enabled } = ctx.settings;
  const loan = request.serviceType === 'loan';

  switch (command.action) {
    case 'send': {
      const refused = sendRefusal(request, ctx.settings);
      if (refused) return refuse(request, refused.code, refused.message);
      break;
    }
    case 'cancel':
    case 'respond-unfilled': {
      // A lending request that ends before shipping gives back the hold it placed on the item
      // for the borrowing library (ReShare's "manual CancelRequestItem" for Horizon, Symphony).
      const hold = request.role === 'lending' && request.itemBarcode ? lendingHold(request, request.itemBarcode, ctx) : undefined;
      if (hold && stepSupported(hold.name, ctx.capabilities) && hold.input.itemBarcode) {
        plan.push(
          step(
            'cancel-hold',
            { requestId: request.id, patronId: hold.input.patronId, itemBarcode: hold.input.itemBarcode, placedBy: hold.key, reason: 'request-cancelled' },
            hold.input.itemBarcode,
            'request-ended',
            [hold.key],
          ),
        );
      }
      break;
    }
    case 'supplier-unfilled':
      if (request.lenderIndex + 1 < request.lenders.length) {
        next.status = 'sent';
        next.lenderIndex = request.lenderIndex + 1;
        notes.push(`${currentLender(request)} could not supply; sent to the next lender, ${request.lenders[next.lenderIndex]}.`);
      }
      break;
    case 'supplier-shipped': {
      if (command.lenderDueDate !== undefined && !isCalendarDate(command.lenderDueDate)) {
        return refuse(request, 'INVALID_INPUT', 'lenderDueDate must be a date YYYY-MM-DD');
      }
      next.supplierItemBarcode = command.supplierItemBarcode ?? request.supplierItemBarcode;
      next.lenderDueDate = command.lenderDueDate ?? request.lenderDueDate;
      const fee = enabled && request.patronId && ctx.capabilities.feesOnShipped ? illFeeOnShipped(borrowing, request.id) : null;
      if (fee && request.patronId) {
        plan.push(
          step(
            'charge-fee',
            { requestId: request.id, patronId: request.patronId, feeType: fee.feeType, amount: fee.amount, comment: fee.comment },
            undefined,
            fee.kind,
          ),
        );
      }
      break;
    }
    case 'receive': {
      if (!loan) {
        next.status = 'complete'; // a copy is kept: no temporary item, no return
        break;
      }
      const barcode = temporaryBarcode({
        source: borrowing.temporaryBarcodeSource,
        requestId: request.id,
        supplierItemBarcode: request.supplierItemBarcode,
        override: command.temporaryBarcode,
      });
      if (!barcode.ok) return refuse(request, 'INVALID_INPUT', barcode.reason);
      if (barcode.note) notes.push(barcode.note);
      next.temporaryBarcode = barcode.barcode;
      const due = patronDueDate({
        today: ctx.today,
        lenderDueDate: request.lenderDueDate,
        returnOffsetDays: borrowing.returnShippingOffsetDays,
        localLoanDays: borrowing.localLoanDays,
        patronExpiry: request.patronExpiry,
        calendar: ctx.settings.calendar,
        rule: borrowing.dueDateRule,
        closedDayMove: borrowing.closedDayMove,
      });
      if (due.ok) {
        next.patronDueDate = due.dueDate;
        notes.push(
          `Patron due date ${due.dueDate} (set by ${due.limitedBy === 'lender' ? "the lender's due date" : due.limitedBy === 'local-policy' ? 'the local loan rule' : "the patron's expiry"}).`,
          ...due.notes,
        );
      } else {
        notes.push(`No patron due date could be set: ${due.reason}. Staff must set one at check-out.`);
      }
      if (borrowing.pickupNoticeFrom === 'bookstrap') {
        const pickup = pickupNotice(request, next, borrowing.pickupNoticeDelayMinutes, borrowing.patronNotices);
        if (pickup) notices.push(pickup);
      }
      plan.push(...temporaryItemSteps(next, barcode.barcode, ctx));
      break;
    }
    case 'renewal-approved': {
      if (!isCalendarDate(command.newDueDate)) return refuse(request, 'INVALID_INPUT', 'newDueDate must be a date YYYY-MM-DD');
      next.lenderDueDate = command.newDueDate;
      next.renewals = request.renewals + 1;
      const due = patronDueDate({
        today: ctx.today,
        lenderDueDate: command.newDueDate,
        returnOffsetDays: borrowing.returnShippingOffsetDays,
        // A renewal the lender granted is the lender's date, whichever rule: local policy does not cut it.
        localLoanDays: Math.max(borrowing.localLoanDays, daysBetween(ctx.today, command.newDueDate)),
        patronExpiry: request.patronExpiry,
        calendar: ctx.settings.calendar,
        rule: borrowing.dueDateRule,
        closedDayMove: borrowing.closedDayMove,
      });
      if (!due.ok) {
        notes.push(`Renewal approved, but no patron due date could be set: ${due.reason}.`);
        break;
      }
      next.patronDueDate = due.dueDate;
      notes.push(...due.notes);
      if (enabled && borrowing.updateDueDateOnRenewal && request.temporaryBarcode) {
        plan.push(
          step(
            'update-due-date',
            {
              requestId: request.id,
              patronId: request.patronId,
              itemBarcode: request.temporaryBarcode,
              dueDate: due.dueDate,
              owner: { kind: 'temporary-item', requestId: request.id, patronId: request.patronId },
            },
            request.temporaryBarcode,
            due.dueDate,
            [prerequisite.temporaryItem(request.id, request.temporaryBarcode)],
          ),
        );
      }
      break;
    }
    case 'recall':
      if (command.dueDate !== undefined) {
        if (!isCalendarDate(command.dueDate)) return refuse(request, 'INVALID_INPUT', 'dueDate must be a date YYYY-MM-DD');
        next.lenderDueDate = command.dueDate;
      }
      break;
    case 'mark-returned':
      plan.push(...returnSteps(request, ctx, notes));
      break;
    case 'lost-item-returned':
      plan.push(...returnSteps(request, ctx, notes));
      plan.push(...lostChargeRemovals(request, ctx, notes));
      break;
    case 'mark-lost':
      if (enabled && request.patronId) {
        for (const charge of lostItemCharges(borrowing, request.id, command.replacementCost)) {
          plan.push(
            step(
              'charge-fee',
              {
                requestId: request.id,
                patronId: request.patronId,
                feeType: charge.feeType,
                amount: charge.amount,
                comment: charge.comment,
                itemBarcode: request.temporaryBarcode,
              },
              undefined,
              charge.kind,
            ),
          );
        }
      }
      break;
    case 'ship': {
      if (command.dueDate !== undefined && !isCalendarDate(command.dueDate)) return refuse(request, 'INVALID_INPUT', 'dueDate must be a date YYYY-MM-DD');
      if (command.dueDate !== undefined && command.dueDate < ctx.today) return refuse(request, 'INVALID_INPUT', `dueDate ${command.dueDate} is in the past`);
      next.itemBarcode = command.itemBarcode?.trim() || request.itemBarcode;
      next.dueDate = command.dueDate ?? request.dueDate;
      if (!loan) {
        next.status = 'complete';
        break;
      }
      if (!next.itemBarcode) return refuse(request, 'INVALID_INPUT', 'shipping a loan needs the item barcode');
      plan.push(...shipSteps(next, next.itemBarcode, ctx, notes));
      break;
    }
    case 'approve-renewal':
      if (!isCalendarDate(command.newDueDate)) return refuse(request, 'INVALID_INPUT', 'newDueDate must be a date YYYY-MM-DD');
      if (command.newDueDate < ctx.today) return refuse(request, 'INVALID_INPUT', `newDueDate ${command.newDueDate} is in the past`);
      next.dueDate = command.newDueDate;
      next.renewals = request.renewals + 1;
      if (enabled && lending.checkOutOnShipped && request.itemBarcode && request.borrowingLibrary) {
        const borrower = borrowerIdentifier(request.borrowingLibrary, lending);
        plan.push(
          step(
            'update-due-date',
            {
              requestId: request.id,
              patronId: borrower.patronId,
              itemBarcode: request.itemBarcode,
              dueDate: command.newDueDate,
              owner: { kind: 'lent-item', requestId: request.id, borrowerPatronId: borrower.patronId },
            },
            request.itemBarcode,
            command.newDueDate,
            [prerequisite.lendingLoan(request.id, request.itemBarcode)],
          ),
        );
      }
      break;
    case 'check-in':
      if (enabled && lending.checkInOnComplete && request.itemBarcode) {
        const item = request.itemBarcode;
        // The loan Bookstrap made at ship, to the borrowing library's account: nothing else is checked in.
        const owner = request.borrowingLibrary
          ? { kind: 'lent-item' as const, requestId: request.id, borrowerPatronId: borrowerIdentifier(request.borrowingLibrary, lending).patronId }
          : undefined;
        plan.push(step('check-in', { requestId: request.id, itemBarcode: item, owner }, item, undefined, [prerequisite.lendingLoan(request.id, item)]));
        if (lending.checkOutOnShipped && lending.illTemporaryLocation) {
          plan.push(
            step('restore-permanent-location', { requestId: request.id, itemBarcode: item, owner }, item, undefined, [
              prerequisite.temporaryLocation(request.id, item),
            ]),
          );
        }
      }
      break;
    case 'not-returned':
      next.missingSince = ctx.today;
      break;
    case 'age-out': {
      const since = request.missingSince ?? ctx.today;
      const age = daysBetween(since, ctx.today);
      if (age < missingAgeOutDays) {
        return refuse(
          request,
          'NOT_YET_AGED_OUT',
          `missing since ${since} (${age} days); a returned-but-missing request ages out after ${missingAgeOutDays} days`,
        );
      }
      break;
    }
    default:
      break;
  }
  const changes = noticeChanges(request, next, command, borrowing.patronNotices, ctx.today);
  notices.push(...changes.notices);
  return {
    ok: true,
    decision: { request: next, plan: plan.filter((s) => stepSupported(s.name, ctx.capabilities)), notes, notices, withdrawNotices: changes.withdraw },
  };
}

/**
 * Why sending would be refused whatever staff type (SPEC §1: a loan needs the patron ID), so the
 * action is neither offered nor accepted while it holds.
 */
export function sendRefusal(request: IllRequest, settings: IntegrationSettings): { code: RefusalCode; message: string } | undefined {
  if (settings.enabled && request.serviceType === 'loan' && !request.patronId) {
    return { code: 'PATRON_ID_REQUIRED', message: 'a loan request needs the patron ID (the ILS identifier) before it can be sent' };
  }
  if (request.lenders.length === 0) return { code: 'INVALID_INPUT', message: 'the request has no lender string to send to' };
  return undefined;
}

/**
 * The actions staff are offered: the allowed ones (the state table) less those known to fail
 * validation on this request as it stands (send without a patron ID).
 */
export function offeredActions(request: IllRequest, settings: IntegrationSettings): RequestAction[] {
  return allowedActions(request).filter((action) => !(action === 'send' && sendRefusal(request, settings)));
}

/** B4: the temporary item under `barcode`, then the hold for the patron on it (the request as received). */
export function temporaryItemSteps(request: IllRequest, barcode: string, ctx: DecisionContext): IlsStep[] {
  const { borrowing, enabled } = ctx.settings;
  if (!enabled || !borrowing.createItemOnReceived || !request.patronId || request.serviceType !== 'loan') return [];
  const lender = currentLender(request) ?? 'the lending library';
  const pickupLocation = request.pickupLocation ?? borrowing.illLocation;
  const plan: IlsStep[] = [
    step(
      'create-temporary-item',
      {
        requestId: request.id,
        barcode,
        title: request.title,
        author: request.author,
        note: `ILL request ${request.id} from ${lender}${request.inLibraryUseOnly ? ' (library use only)' : ''}`,
        lendingLibrary: lender,
        location: borrowing.illLocation,
        shelvingLocation: borrowing.shelvingLocation,
        dueDate: request.patronDueDate,
        inLibraryUseOnly: request.inLibraryUseOnly,
        itemPolicy: request.inLibraryUseOnly ? (borrowing.libraryUseOnlyItemPolicy ?? borrowing.temporaryItemPolicy) : borrowing.temporaryItemPolicy,
        patronId: request.patronId,
        pickupLocation,
      },
      barcode,
    ),
    step(
      'place-hold',
      { requestId: request.id, patronId: request.patronId, itemBarcode: barcode, pickupLocation, inLibraryUseOnly: request.inLibraryUseOnly },
      barcode,
      undefined,
      [prerequisite.temporaryItem(request.id, barcode)],
    ),
  ];
  return plan.filter((s) => stepSupported(s.name, ctx.capabilities));
}

/** B8: the temporary item is checked in (closing the patron's loan if still on loan) and deleted, or kept. */
function returnSteps(request: IllRequest, ctx: DecisionContext, notes: string[]): IlsStep[] {
  const { borrowing, enabled } = ctx.settings;
  if (!enabled || !request.temporaryBarcode || !borrowing.createItemOnReceived) return [];
  const plan: IlsStep[] = [];
  const item = request.temporaryBarcode;
  const created = prerequisite.temporaryItem(request.id, item);
  const owner = { kind: 'temporary-item' as const, requestId: request.id, patronId: request.patronId };
  if (borrowing.checkInItemOnReturned) plan.push(step('check-in', { requestId: request.id, itemBarcode: item, owner }, item, 'returned', [created]));
  if (borrowing.checkInItemOnReturned && borrowing.deleteTemporaryItemOnReturn) {
    if (ctx.capabilities.deleteTemporaryItem)
      plan.push(
        step(
          'delete-temporary-item',
          { requestId: request.id, itemBarcode: item, ...(request.patronId ? { patronId: request.patronId } : {}) },
          item,
          undefined,
          [created, prerequisite.borrowingCheckIn(request.id, item)],
        ),
      );
    else notes.push(`Temporary item ${item} is kept in the ILS, marked unavailable, with the request ID for reference.`);
  }
  return plan;
}

/**
 * The lost item came back: the lost charges this request made are taken back, each only once
 * its own charge step succeeded (a charge that failed or was skipped left nothing to remove),
 * and only that fee (the ILS's id the charge recorded, verified by the adapter). Where the ILS's
 * API cannot take a fee back, staff are told to, by name.
 */
function lostChargeRemovals(request: IllRequest, ctx: DecisionContext, notes: string[]): IlsStep[] {
  const charges = ctx.lostCharges ?? [];
  if (charges.length === 0 || !ctx.settings.borrowing.lostItemCharges.removeWhenReturned) return [];
  if (!ctx.capabilities.feeRemoval) {
    notes.push(
      `The lost item came back: remove its charges (${charges.map((c) => c.feeType).join(', ')}) for patron ${charges[0]?.patronId} in the ILS by hand; its API cannot take a fee back.`,
    );
    return [];
  }
  return charges.map((charge) =>
    step(
      'remove-fee',
      {
        requestId: request.id,
        patronId: charge.patronId,
        chargeKey: charge.key,
        feeType: charge.feeType,
        comment: charge.comment,
        reason: 'the lost item came back',
      },
      undefined,
      charge.key.split(':').pop(),
      [charge.key],
    ),
  );
}

/** L2: the lending hold (same key if placed at L1), the check-out to the borrowing library, the move to the ILL location. */
export function shipSteps(request: IllRequest, itemBarcode: string, ctx: DecisionContext, notes: string[] = []): IlsStep[] {
  const { lending, enabled } = ctx.settings;
  const plan: IlsStep[] = [];
  const hold = lendingHold(request, itemBarcode, ctx);
  if (hold) plan.push(hold);
  if (enabled && lending.checkOutOnShipped && request.borrowingLibrary) {
    const borrower = borrowerIdentifier(request.borrowingLibrary, lending);
    if (borrower.source !== 'map')
      notes.push(
        `No ILS account is mapped for ${request.borrowingLibrary}; using the ${borrower.source === 'default' ? 'default account' : 'symbol itself'} (${borrower.patronId}).`,
      );
    plan.push(
      step('check-out-to-borrowing-library', { requestId: request.id, patronId: borrower.patronId, itemBarcode, dueDate: request.dueDate }, itemBarcode),
    );
    if (lending.illTemporaryLocation) {
      plan.push(
        step('move-to-temporary-location', { requestId: request.id, itemBarcode, location: lending.illTemporaryLocation }, itemBarcode, undefined, [
          prerequisite.lendingLoan(request.id, itemBarcode),
        ]),
      );
    }
  }
  return plan.filter((s) => stepSupported(s.name, ctx.capabilities));
}

/** Lending requests still missing after 180 days, for a daily sweep. */
export function dueForAgeOut(request: IllRequest, today: CalendarDate): boolean {
  return request.status === 'returned-but-missing' && daysBetween(request.missingSince ?? today, today) >= missingAgeOutDays;
}

/**
 * When both libraries use Bookstrap, an action on one side is a message to the other.
 * This table says which action each side's action becomes on its partner's request.
 */
export const partnerEffects: Readonly<Record<string, RequestAction | undefined>> = {
  'lending:ship': 'supplier-shipped',
  'lending:respond-unfilled': 'supplier-unfilled',
  'lending:approve-renewal': 'renewal-approved',
  'lending:deny-renewal': 'renewal-denied',
  'lending:recall': 'recall',
  'lending:check-in': 'complete',
  'borrowing:request-renewal': 'renewal-requested',
  'borrowing:mark-returned': 'borrower-returned',
  'borrowing:cancel': 'cancel',
};
