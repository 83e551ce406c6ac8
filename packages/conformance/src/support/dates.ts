/** Calendar arithmetic for expected due dates, with the same rules the spec states (SPEC §5). */
export const today = (now = new Date()): string => now.toISOString().slice(0, 10);

export function plusDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export function isClosed(day: string, calendar: { closedWeekdays: number[]; closedDates: string[] }): boolean {
  return calendar.closedWeekdays.includes(new Date(`${day}T00:00:00Z`).getUTCDay()) || calendar.closedDates.includes(day);
}

/** The open day on or before `day`: a due date never lands on a closed day and is never moved later. */
export function openDayOnOrBefore(day: string, calendar: { closedWeekdays: number[]; closedDates: string[] }): string {
  let candidate = day;
  for (let n = 0; n < 366 && isClosed(candidate, calendar); n += 1) candidate = plusDays(candidate, -1);
  return candidate;
}

// The drivers (in the simulators package, shared with the service's chaos test) expand annual closures the same way.
export { annualDates } from '@bookstrap/ils-simulators/drivers/dates';
