import { addDays, differenceInCalendarDays, format, getDay, parseISO } from 'date-fns';
import type { ClosedDaysCalendar } from '../settings.ts';

/** Calendar dates are `YYYY-MM-DD` strings: due dates are days, not instants. */
export type CalendarDate = string;

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
export function isCalendarDate(value: unknown): value is CalendarDate {
  return typeof value === 'string' && isoDate.test(value) && !Number.isNaN(parseISO(value).getTime()) && format(parseISO(value), 'yyyy-MM-dd') === value;
}
export const toDate = (day: CalendarDate): Date => parseISO(day);
export const fromDate = (date: Date): CalendarDate => format(date, 'yyyy-MM-dd');
export const plusDays = (day: CalendarDate, days: number): CalendarDate => fromDate(addDays(toDate(day), days));
export const daysBetween = (from: CalendarDate, to: CalendarDate): number => differenceInCalendarDays(toDate(to), toDate(from));

export function isClosed(day: CalendarDate, calendar: ClosedDaysCalendar): boolean {
  return calendar.closedWeekdays.includes(getDay(toDate(day))) || calendar.closedDates.includes(day);
}

export interface PatronDueDateInput {
  today: CalendarDate;
  /** the lending library's due date; absent when the lender gave none */
  lenderDueDate?: CalendarDate | undefined;
  /** days taken off the lender's date so the item can travel back */
  returnOffsetDays: number;
  /** the ILS's own loan rule for ILL items, in days */
  localLoanDays: number;
  patronExpiry?: CalendarDate | undefined;
  calendar: ClosedDaysCalendar;
}

export type DueDateLimit = 'lender' | 'local-policy' | 'patron-expiry';

export type PatronDueDate =
  | {
      ok: true;
      dueDate: CalendarDate;
      /** which rule set the date: shown to staff so a shortened date is never silent */
      limitedBy: DueDateLimit;
      /** days moved earlier to avoid closed days */
      movedForClosedDays: number;
      notes: string[];
    }
  | { ok: false; reason: string };

/**
 * The patron's due date: the stricter of the lender's date (minus the return offset) and the
 * local loan rule, capped at the patron's expiry, then moved earlier off closed days.
 * Moving earlier (never later) keeps every cap true. It never falls before today: if no open
 * day is left, staff must decide, and the result says why.
 */
export function patronDueDate(input: PatronDueDateInput): PatronDueDate {
  const notes: string[] = [];
  const local = plusDays(input.today, input.localLoanDays);
  let dueDate = local;
  let limitedBy: DueDateLimit = 'local-policy';
  if (input.lenderDueDate !== undefined) {
    const lenderCap = plusDays(input.lenderDueDate, -input.returnOffsetDays);
    if (lenderCap <= local) {
      dueDate = lenderCap;
      limitedBy = 'lender';
    } else {
      // The real-world bug is doing this silently; say it in the history instead.
      notes.push(
        `Local loan rule (${input.localLoanDays} days, ${local}) is shorter than the lender's due date ${input.lenderDueDate} less ${input.returnOffsetDays} days' return offset (${lenderCap}); the local rule applies.`,
      );
    }
  }
  if (input.patronExpiry !== undefined && input.patronExpiry < dueDate) {
    dueDate = input.patronExpiry;
    limitedBy = 'patron-expiry';
    notes.push(`Due date capped at the patron's expiry date ${input.patronExpiry}.`);
  }
  if (dueDate < input.today) {
    return { ok: false, reason: `the latest allowed due date ${dueDate} (${limitedBy}) is before today ${input.today}` };
  }
  let moved = 0;
  let candidate = dueDate;
  while (isClosed(candidate, input.calendar)) {
    candidate = plusDays(candidate, -1);
    moved += 1;
    if (candidate < input.today) {
      return { ok: false, reason: `the library is closed on every day from ${input.today} to ${dueDate}` };
    }
  }
  if (moved > 0) notes.push(`Moved ${moved} day(s) earlier from ${dueDate} because the library is closed.`);
  return { ok: true, dueDate: candidate, limitedBy, movedForClosedDays: moved, notes };
}
