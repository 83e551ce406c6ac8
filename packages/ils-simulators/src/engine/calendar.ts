/**
 * Calendar arithmetic for due dates. Simulated libraries keep UTC: a due date is a UTC instant,
 * a closed day is a UTC calendar day.
 */
import { eq } from 'drizzle-orm';
import type { Db } from './database.ts';
import { closedDates, closedWeekdays } from './schema.ts';

/** `YYYY-MM-DD` of an instant, in UTC. */
export function toDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** The instant `hours:minutes` UTC on a `YYYY-MM-DD` day. */
export function atTime(day: string, hours: number, minutes: number): Date {
  return new Date(`${day}T${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}:00.000Z`);
}

/** Libraries set due dates to the end of the day: 23:59 UTC. */
export function endOfDay(day: string): Date {
  return atTime(day, 23, 59);
}

const dayMs = 24 * 60 * 60 * 1000;

/** Calendar-day arithmetic in UTC (date-fns would use the host's time zone). */
export function addDaysToDay(day: string, days: number): string {
  return new Date(Date.parse(`${day}T12:00:00.000Z`) + days * dayMs).toISOString().slice(0, 10);
}

export interface LibraryCalendar {
  isOpen(day: string): boolean;
}

export function loadCalendar(db: Db, libraryId: number): LibraryCalendar {
  const weekdays = new Set(
    db
      .select({ weekday: closedWeekdays.weekday })
      .from(closedWeekdays)
      .where(eq(closedWeekdays.libraryId, libraryId))
      .all()
      .map((row) => row.weekday),
  );
  const dates = new Set(
    db
      .select({ date: closedDates.date })
      .from(closedDates)
      .where(eq(closedDates.libraryId, libraryId))
      .all()
      .map((row) => row.date),
  );
  return {
    isOpen(day) {
      const weekday = new Date(`${day}T12:00:00.000Z`).getUTCDay();
      return !weekdays.has(weekday) && !dates.has(day);
    },
  };
}

/**
 * Moves a due date off closed days to the previous open day (keeping its time), never before
 * `today`; if no open day is left between today and the date, the next open day after it is used.
 * A library closed all year round keeps the date as is.
 */
export function moveOffClosedDays(due: Date, today: string, calendar: LibraryCalendar): Date {
  const time = due.toISOString().slice(10);
  let day = toDay(due);
  for (let step = 0; step < 366 && day >= today; step += 1) {
    if (calendar.isOpen(day)) return new Date(`${day}${time}`);
    day = addDaysToDay(day, -1);
  }
  day = toDay(due);
  for (let step = 0; step < 366; step += 1) {
    day = addDaysToDay(day, 1);
    if (calendar.isOpen(day)) return new Date(`${day}${time}`);
  }
  return due;
}
