import { describe, expect, it } from 'vitest';
import { addDaysToDay, endOfDay, type LibraryCalendar, moveOffClosedDays, toDay } from './calendar.ts';

const closedOnSundaysAndChristmas: LibraryCalendar = {
  isOpen: (day) => new Date(`${day}T12:00:00Z`).getUTCDay() !== 0 && !day.endsWith('-12-25'),
};

describe('calendar arithmetic', () => {
  it('adds days across month and year ends in UTC', () => {
    expect(addDaysToDay('2025-12-30', 3)).toBe('2026-01-02');
    expect(addDaysToDay('2025-03-01', -1)).toBe('2025-02-28');
    expect(toDay(new Date('2025-03-12T23:59:59Z'))).toBe('2025-03-12');
    expect(endOfDay('2025-03-12').toISOString()).toBe('2025-03-12T23:59:00.000Z');
  });

  it('moves a due date on a closed day to the previous open day, keeping the time', () => {
    // 2025-04-13 is a Sunday.
    expect(moveOffClosedDays(endOfDay('2025-04-13'), '2025-03-12', closedOnSundaysAndChristmas).toISOString()).toBe('2025-04-12T23:59:00.000Z');
    // Christmas on a Thursday → Wednesday.
    expect(moveOffClosedDays(endOfDay('2025-12-25'), '2025-03-12', closedOnSundaysAndChristmas).toISOString()).toBe('2025-12-24T23:59:00.000Z');
  });

  it('never moves a due date before today: it then takes the next open day', () => {
    // Today is Sunday 2025-04-13 and the date is today: the previous open day would be yesterday.
    expect(moveOffClosedDays(endOfDay('2025-04-13'), '2025-04-13', closedOnSundaysAndChristmas).toISOString()).toBe('2025-04-14T23:59:00.000Z');
  });

  it('leaves the date alone for a library that is never open', () => {
    const due = endOfDay('2025-04-13');
    expect(moveOffClosedDays(due, '2025-03-12', { isOpen: () => false })).toEqual(due);
  });
});
