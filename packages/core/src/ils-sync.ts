import type { IlsCapabilities } from './ils.ts';
import { type IlsStep, prerequisite, step } from './plan.ts';
import type { CalendarDate } from './policies/due-date.ts';
import type { ItemCirculation } from './port.ts';
import type { OwnedRecord } from './records.ts';
import type { IntegrationSettings } from './settings.ts';
import type { IllRequest, RequestStatus } from './workflow.ts';

/**
 * The ILS sync (SPEC §5 "See what circulation did first"): what circulation did at the desk,
 * read through the ILS's own API and turned into findings on the request. Pure: the service reads
 * the ILS, keeps the last observation per request, and writes what this decides.
 *
 * Only records the request owns are read (`syncTarget` takes them from `ownedRecords`): the
 * temporary item its own step created, or the loan its own lending check-out made.
 */

/** What the sync last saw of a request's item; kept in the store so a restart forgets nothing. */
export interface IlsObservation {
  /** normalised: where the item is in its ILL life */
  state: IlsItemState;
  /** the loan's due date in the ILS, when on loan and the ILS shows it */
  loanDueDate?: CalendarDate | undefined;
}

export type IlsItemState =
  /** temporary item not yet checked in at the pickup location (hold waiting) */
  | 'awaiting-pickup-check-in'
  | 'hold-in-transit'
  | 'hold-ready'
  | 'on-loan'
  /** on loan, but not to the request's patron or account */
  | 'on-loan-elsewhere'
  /** no loan and no hold of the request's patron: checked in at a desk, or the hold lapsed */
  | 'checked-in'
  | 'hold-expired'
  | 'not-in-ils';

export const syncFindingKinds = [
  'hold-in-transit',
  'hold-ready',
  'picked-up',
  'strap-date-set',
  /** the desk gave the ILS's policy date and Bookstrap may not (or cannot) put the strap date back */
  'policy-due-date',
  'hold-expired',
  'circulation-renewal',
  'checked-in-at-desk',
  'lent-item-checked-in',
  'loan-elsewhere',
  'item-gone',
] as const;
export type SyncFindingKind = (typeof syncFindingKinds)[number];

export interface SyncFinding {
  kind: SyncFindingKind;
  /** the circulation history's line */
  text: string;
  /** ILL staff must look at it (the request shows it until the request moves on) */
  needsIllStaff: boolean;
  /** what staff may do next */
  nextAction?: string | undefined;
}

export interface SyncTarget {
  /** the barcode the request's steps were planned under (their idempotency keys name it) */
  itemBarcode: string;
  /** the barcode the ILS has the item under, when the ILS gave it another (read this one) */
  ilsBarcode?: string | undefined;
  /** whose loan and hold: the request's patron, or the borrowing library's account */
  patronId?: string | undefined;
  side: 'borrowing' | 'lending';
}

const borrowingLive: readonly RequestStatus[] = ['received', 'renewal-requested', 'recalled', 'overdue'];
const lendingLive: readonly RequestStatus[] = ['shipped', 'renewal-requested', 'recalled', 'overdue', 'returned', 'returned-but-missing'];

/**
 * What the sync reads for a request: its own live ILS record, or nothing. A borrowing loan's
 * temporary item (created by its own step, not deleted); a lending request's loan (made by its
 * own check-out, not checked in). Copies, library-use-only holds on loan, ended requests: nothing.
 */
export function syncTarget(request: Pick<IllRequest, 'role' | 'status' | 'serviceType' | 'patronId'>, owned: readonly OwnedRecord[]): SyncTarget | undefined {
  if (request.serviceType !== 'loan') return undefined;
  if (request.role === 'borrowing') {
    if (!borrowingLive.includes(request.status)) return undefined;
    const item = owned.find((r) => r.kind === 'temporary-item' && !r.released && r.barcode);
    if (!item?.barcode) return undefined;
    return { itemBarcode: item.barcode, ...(item.ilsBarcode ? { ilsBarcode: item.ilsBarcode } : {}), patronId: request.patronId, side: 'borrowing' };
  }
  if (!lendingLive.includes(request.status)) return undefined;
  const loan = owned.find((r) => r.kind === 'loan' && !r.released && r.barcode);
  return loan?.barcode ? { itemBarcode: loan.barcode, patronId: loan.patronId, side: 'lending' } : undefined;
}

function borrowingState(reading: ItemCirculation, previous: IlsObservation | undefined): IlsItemState {
  if (!reading.exists) return 'not-in-ils';
  if (reading.status === 'on-loan' || reading.loan) return reading.loan?.toPatron === false ? 'on-loan-elsewhere' : 'on-loan';
  switch (reading.holdForPatron) {
    case 'ready':
      return 'hold-ready';
    case 'in-transit':
      return 'hold-in-transit';
    case 'pending':
      return 'awaiting-pickup-check-in';
    case 'none':
      // The patron's hold is gone and nothing is on loan. If the ILS's loan history shows the
      // patron had it, it was picked up and returned at the desk between two reads; otherwise,
      // after the hold shelf, it lapsed.
      if (reading.lastLoanToPatron === true) return 'checked-in';
      return previous?.state === 'hold-ready' || previous?.state === 'hold-expired' ? 'hold-expired' : 'checked-in';
    default:
      // No hold view (the API shows none): the item's status is all there is.
      if (reading.status === 'hold-shelf') return 'hold-ready';
      return previous?.state === 'on-loan' || previous?.state === 'checked-in' ? 'checked-in' : (previous?.state ?? 'awaiting-pickup-check-in');
  }
}

export interface NoticeInput {
  request: IllRequest;
  target: SyncTarget;
  previous?: IlsObservation | undefined;
  reading: ItemCirculation;
  settings: IntegrationSettings;
  capabilities: IlsCapabilities;
}

export interface Noticed {
  observation: IlsObservation;
  findings: SyncFinding[];
  /** ILS steps to queue (through the outbox, with ownership checks): the strap date put back */
  plan: IlsStep[];
}

/** Compares what the ILS shows now with what the sync saw last, and says what happened. */
export function noticeCirculation(input: NoticeInput): Noticed {
  return input.target.side === 'borrowing' ? noticeBorrowing(input) : noticeLending(input);
}

function strapDateStep(request: IllRequest, itemBarcode: string, dueDate: CalendarDate, occurrence: string): IlsStep {
  return step(
    'update-due-date',
    {
      requestId: request.id,
      patronId: request.patronId,
      itemBarcode,
      dueDate,
      owner: { kind: 'temporary-item', requestId: request.id, patronId: request.patronId },
    },
    itemBarcode,
    occurrence,
    [prerequisite.temporaryItem(request.id, itemBarcode)],
  );
}

function noticeBorrowing({ request, target, previous, reading, settings, capabilities }: NoticeInput): Noticed {
  const state = borrowingState(reading, previous);
  const loanDueDate = state === 'on-loan' ? reading.loan?.dueDate : undefined;
  const observation: IlsObservation = { state, ...(loanDueDate ? { loanDueDate } : {}) };
  const findings: SyncFinding[] = [];
  const plan: IlsStep[] = [];
  // said as the ILS has it; steps are planned (keyed) under the barcode they were planned with
  const item = target.ilsBarcode ?? target.itemBarcode;
  const was = previous?.state;
  const strap = request.patronDueDate;
  const canSetDate = capabilities.dueDateUpdate !== 'none';

  if (state === was && state !== 'on-loan') return { observation, findings, plan };
  switch (state) {
    case 'hold-in-transit':
      findings.push({
        kind: 'hold-in-transit',
        text: `ILS: item ${item} was checked in at another desk and is in transit to the pickup location.`,
        needsIllStaff: false,
      });
      break;
    case 'hold-ready':
      findings.push({
        kind: 'hold-ready',
        text: `ILS: item ${item} was checked in at the pickup location; the hold is ready for pickup (the ILS notifies the patron).`,
        needsIllStaff: false,
      });
      break;
    case 'on-loan': {
      if (was !== 'on-loan') {
        findings.push({
          kind: 'picked-up',
          text: `ILS: item ${item} was checked out to patron ${request.patronId ?? ''} at the desk${loanDueDate ? `, due ${loanDueDate} in the ILS` : ''}.`,
          needsIllStaff: false,
        });
        if (loanDueDate && strap && loanDueDate !== strap) {
          // The desk gave the ILS's own policy date: what seed 004's staff fix by hand.
          if (settings.borrowing.setStrapDateAtCheckOut && canSetDate) {
            plan.push(strapDateStep(request, target.itemBarcode, strap, `strap-at-check-out-${loanDueDate}`));
            findings.push({
              kind: 'strap-date-set',
              text: `ILS: the check-out gave the ILS's own due date ${loanDueDate}, not the book strap's ${strap}; setting the loan to the strap date ${strap}.`,
              needsIllStaff: false,
            });
          } else {
            findings.push({
              kind: 'policy-due-date',
              text: `ILS: the check-out gave the ILS's own due date ${loanDueDate}, not the book strap's ${strap}; ${canSetDate ? 'the library does not let Bookstrap change it' : 'this ILS offers no way to change a due date'}.`,
              needsIllStaff: true,
              nextAction: `Change the loan's due date in the ILS to ${strap}.`,
            });
          }
        }
        break;
      }
      // Still on loan: a later date than seen, not the strap date, is a renewal done in circulation.
      if (loanDueDate && previous?.loanDueDate && loanDueDate > previous.loanDueDate && loanDueDate !== strap) {
        const revert = settings.borrowing.revertCirculationRenewal && canSetDate && strap !== undefined;
        if (revert) plan.push(strapDateStep(request, target.itemBarcode, strap, `revert-circulation-renewal-${loanDueDate}`));
        findings.push({
          kind: 'circulation-renewal',
          text: `ILS: the loan of ${item} was renewed in circulation to ${loanDueDate}, not by the lender (strap date ${strap ?? 'none'})${reading.loan?.renewals !== undefined ? `; the ILS counts ${reading.loan.renewals} renewal${reading.loan.renewals === 1 ? '' : 's'}` : ''}; the patron may get conflicting messages.${revert ? ` Putting the strap date ${strap} back.` : ''}`,
          needsIllStaff: true,
          nextAction: revert
            ? 'Tell the patron the due date is the book strap’s.'
            : `Ask the lender for a renewal, or change the ILS due date back to ${strap ?? 'the strap date'}.`,
        });
      }
      break;
    }
    case 'on-loan-elsewhere':
      findings.push({
        kind: 'loan-elsewhere',
        text: `ILS: item ${item} is on loan, but not to patron ${request.patronId ?? ''}; Bookstrap leaves that loan alone.`,
        needsIllStaff: true,
        nextAction: 'Check at the desk who has the item.',
      });
      break;
    case 'checked-in':
      if (reading.lastLoanToPatron === true && (was === 'hold-ready' || was === 'hold-in-transit' || was === 'awaiting-pickup-check-in' || was === undefined)) {
        // Picked up and returned before the next read: the loan itself was never seen.
        findings.push({
          kind: 'picked-up',
          text: `ILS: item ${item} was checked out to patron ${request.patronId ?? ''} at the desk and returned before the sync read it again (the ILS's loan history shows the patron had it).`,
          needsIllStaff: false,
        });
        findings.push({
          kind: 'checked-in-at-desk',
          text: `ILS: item ${item} was picked up and returned at a circulation desk before ILL marked it returned; the ILS already has it back.`,
          needsIllStaff: true,
          nextAction: 'Mark the request returned and send the item back to the lender.',
        });
      } else if (was === 'on-loan' || was === 'on-loan-elsewhere' || was === undefined || was === 'awaiting-pickup-check-in') {
        findings.push({
          kind: 'checked-in-at-desk',
          text: `ILS: item ${item} was checked in at a circulation desk before ILL marked it returned; the ILS already has it back.`,
          needsIllStaff: true,
          nextAction: 'Mark the request returned and send the item back to the lender.',
        });
      }
      break;
    case 'hold-expired':
      findings.push({
        kind: 'hold-expired',
        text:
          reading.lastLoanToPatron === false
            ? `ILS: the hold on ${item} expired; the patron did not pick it up.`
            : `ILS: the hold on ${item} is gone and the item is not on loan: it expired on the hold shelf, unless the patron picked it up and returned it between two reads (the ILS's API shows no loan history to tell).`,
        needsIllStaff: true,
        nextAction: 'Contact the patron, or mark the request returned and send the item back to the lender.',
      });
      break;
    case 'not-in-ils':
      findings.push({
        kind: 'item-gone',
        text: `ILS: the temporary item ${item} is no longer in the ILS.`,
        needsIllStaff: true,
        nextAction: 'Find out at the desk what happened to the item.',
      });
      break;
    case 'awaiting-pickup-check-in':
      break;
  }
  return { observation, findings, plan };
}

function noticeLending({ target, previous, reading }: NoticeInput): Noticed {
  const item = target.itemBarcode;
  const onLoanToAccount = reading.exists && (reading.status === 'on-loan' || !!reading.loan) && reading.loan?.toPatron !== false;
  const state: IlsItemState = !reading.exists ? 'not-in-ils' : onLoanToAccount ? 'on-loan' : reading.loan ? 'on-loan-elsewhere' : 'checked-in';
  const loanDueDate = onLoanToAccount ? reading.loan?.dueDate : undefined;
  const observation: IlsObservation = { state, ...(loanDueDate ? { loanDueDate } : {}) };
  const findings: SyncFinding[] = [];
  if (state === previous?.state) return { observation, findings, plan: [] };
  if (state === 'checked-in' || state === 'on-loan-elsewhere') {
    findings.push({
      kind: 'lent-item-checked-in',
      text: `ILS: lent item ${item} was checked in at a circulation desk before ILL completed the request; the ILS already has it back${state === 'on-loan-elsewhere' ? ' (and has lent it again; that loan is left alone)' : ''}.`,
      needsIllStaff: true,
      nextAction: 'Mark the request checked in (Complete).',
    });
  } else if (state === 'not-in-ils') {
    findings.push({
      kind: 'item-gone',
      text: `ILS: lent item ${item} is no longer in the ILS.`,
      needsIllStaff: true,
      nextAction: 'Find out what happened to the item.',
    });
  }
  return { observation, findings, plan: [] };
}

/**
 * A lending check-out's due date as the ILS set it, against the request's: the ILS caps a loan at
 * the borrowing library account's expiry (SPEC §3 L2). The cap is reported on the request.
 */
export function lendingDueDateReport(requested: CalendarDate | undefined, given: CalendarDate | undefined, accountId: string): string | undefined {
  if (!given) return undefined;
  if (!requested) return `No due date on the request: the ILS loan policy set ${given} for ${accountId}.`;
  if (given < requested) {
    return `Due date capped by the ILS at ${given}, before the request's ${requested}: the borrowing library's account ${accountId} expires first. The borrowing library must return it by ${given}.`;
  }
  return undefined;
}
