import type { RequestCommand } from './decide.ts';
import { type CalendarDate, plusDays } from './policies/due-date.ts';
import type { PatronNoticeSettings } from './settings.ts';
import type { IllRequest } from './workflow.ts';

/**
 * Patron notices from the ILL side, as seed 004's library sends them through Tipasa (its
 * "Sample ILL notifications", 2023): request confirmation (automatic), request cancelled (never
 * automatic without "a reason"), item about to be due ("not from Circulation, Circulation does not
 * send ILL overdue notices to patrons"), overdue (seed 004: "Overdue messages are sent manually
 * through the Tipasa/ILL end of the system"), plus Tipasa's "loan available for pickup" when the
 * library has Bookstrap send it instead of the ILS. Pure: the service queues and mails them.
 */
export const noticeKinds = ['request-confirmation', 'loan-available-for-pickup', 'cancelled', 'due-soon', 'overdue'] as const;
export type NoticeKind = (typeof noticeKinds)[number];

export interface PatronNotice {
  kind: NoticeKind;
  patronId: string;
  /** minutes after the action that the notice falls due */
  delayMinutes: number;
  /** or: the day it falls due (a due-soon notice, ahead of the strap date); a past day means now */
  onDate?: CalendarDate | undefined;
  subject: string;
  text: string;
}

export interface NoticeChanges {
  notices: PatronNotice[];
  /** unsent notices of these kinds on the request are withdrawn (a renewal moves "due soon"; a return ends them) */
  withdraw: NoticeKind[];
}

const greeting = (request: Pick<IllRequest, 'patronName'>) => `Hello ${request.patronName?.trim() || 'ILL patron'},`;

function itemLines(request: Pick<IllRequest, 'id' | 'title' | 'author'>, dueDate?: CalendarDate): string[] {
  return [
    `ILL Request Number: ${request.id}`,
    `Title: ${request.title}`,
    ...(request.author ? [`Author: ${request.author}`] : []),
    ...(dueDate ? [`Due Date: ${dueDate}`] : []),
  ];
}

function signature(settings: PatronNoticeSettings): string[] {
  const who = settings.libraryName ?? 'the library';
  return [`Please contact ${who}'s Interlibrary Loan department${settings.contact ? ` (${settings.contact})` : ''} with any questions.`];
}

const body = (...parts: (string | string[])[]) =>
  parts
    .flatMap((p) => (Array.isArray(p) ? [...p, ''] : [p, '']))
    .join('\n')
    .trimEnd();

/** The request confirmation, queued when a borrowing request is created (seed 004: automatic). */
export function confirmationNotice(request: IllRequest, settings: PatronNoticeSettings): PatronNotice | undefined {
  if (request.role !== 'borrowing' || !settings.requestConfirmation || !request.patronId) return undefined;
  const who = settings.libraryName ?? 'the library';
  return {
    kind: 'request-confirmation',
    patronId: request.patronId,
    delayMinutes: 0,
    subject: `Your interlibrary loan request ${request.id} has been received`,
    text: body(
      greeting(request),
      `Thank you for using ${who}'s Interlibrary Loan (ILL)! Your request has been received and we will notify you via email when the item is ready.`,
      "Please note that holidays and campus closures can affect turnaround time for material and, when print/physical material is supplied, the library does not control when an item will be due back. Circulation periods are contingent on the supplying library's policies.",
      'The following ILL request is being processed:',
      itemLines(request),
      signature(settings),
    ),
  };
}

/** "Loan available for pickup" (Tipasa), when the library has Bookstrap, not the ILS, send it. */
export function pickupNotice(request: IllRequest, next: IllRequest, delayMinutes: number, settings: PatronNoticeSettings): PatronNotice | undefined {
  if (!request.patronId) return undefined;
  const where = request.pickupLocation ? ` at ${request.pickupLocation}` : '';
  return {
    kind: 'loan-available-for-pickup',
    patronId: request.patronId,
    delayMinutes,
    subject: `Your interlibrary loan "${request.title}" is ready for pickup`,
    text: body(
      greeting(request),
      `"${request.title}" is available for pickup${where}${next.patronDueDate ? `; due ${next.patronDueDate}` : ''}.`,
      itemLines(next, next.patronDueDate),
      'Please check the date on the strap on the material for the due date.',
      signature(settings),
    ),
  };
}

const onLoanStatuses = new Set(['received', 'renewal-requested', 'recalled', 'overdue']);

/**
 * The ILL-side notices an action calls for, and the unsent ones it makes moot. Only for
 * borrowing requests with a patron; the kinds the library switched on.
 */
export function noticeChanges(
  request: IllRequest,
  next: IllRequest,
  command: RequestCommand,
  settings: PatronNoticeSettings,
  today: CalendarDate,
): NoticeChanges {
  const changes: NoticeChanges = { notices: [], withdraw: [] };
  if (request.role !== 'borrowing' || !request.patronId) return changes;
  const patronId = request.patronId;

  // Item about to be due: ahead of the strap date, moved when the date moves (renewal, recall).
  const dueChanged = next.patronDueDate !== undefined && next.patronDueDate !== request.patronDueDate && onLoanStatuses.has(next.status);
  if (dueChanged && settings.dueSoonDays !== undefined && next.patronDueDate) {
    if (request.patronDueDate) changes.withdraw.push('due-soon');
    const onDate = plusDays(next.patronDueDate, -settings.dueSoonDays);
    changes.notices.push({
      kind: 'due-soon',
      patronId,
      delayMinutes: 0,
      onDate: onDate < today ? today : onDate,
      subject: `Your interlibrary loan "${request.title}" is due ${next.patronDueDate}`,
      text: body(
        greeting(request),
        'Your Interlibrary Loan item will be due back to the library soon. Please check the date on the strap on the material for the due date, though staff may have changed it in our circulation system to reflect weekends or other campus closures. If you have not picked up the book, it will also be routed back to its supplying library unless a renewal is requested and approved. This is the material due soon:',
        itemLines(next, next.patronDueDate),
        'Renewals are approved or denied by the supplying library, not by us. If approved, please go by the new due date given to you in an email. If denied, your item remains due on the original date.',
        signature(settings),
      ),
    });
  }

  if (command.action === 'overdue' && settings.overdue) {
    changes.withdraw.push('due-soon');
    changes.notices.push({
      kind: 'overdue',
      patronId,
      delayMinutes: 0,
      subject: `Your interlibrary loan "${request.title}" is overdue`,
      text: body(
        greeting(request),
        'Our records show that the Interlibrary Loan item below is overdue. Please return it to the library as soon as possible: it belongs to another library, and overdue or lost ILL items can carry charges for the replacement cost and a processing fee.',
        itemLines(next, next.patronDueDate),
        signature(settings),
      ),
    });
  }

  if (command.action === 'cancel' && settings.cancelled) {
    const reason = command.reason?.trim();
    changes.notices.push({
      kind: 'cancelled',
      patronId,
      delayMinutes: 0,
      subject: `Your interlibrary loan request ${request.id} has been cancelled`,
      text: body(
        greeting(request),
        'Your request for the following item has been cancelled.',
        ...(reason ? [`Reason: ${reason}`] : []),
        itemLines(request),
        signature(settings),
      ),
    });
  }

  // The loan is over (or never will be): nothing left to remind the patron of.
  if (!onLoanStatuses.has(next.status) && next.status !== request.status) {
    for (const kind of ['due-soon', 'overdue'] as const) if (!changes.withdraw.includes(kind)) changes.withdraw.push(kind);
  }
  return changes;
}
