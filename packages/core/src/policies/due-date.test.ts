import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ClosedDayMove, type DueDateRule, isCalendarDate, isClosed, patronDueDate, plusDays } from './due-date.ts';

const noClosures = { closedWeekdays: [], closedDates: [] };

describe('patron due date examples', () => {
  it('takes the lender date minus the return offset when that is stricter', () => {
    const result = patronDueDate({ today: '2026-11-22', lenderDueDate: '2026-12-10', returnOffsetDays: 7, localLoanDays: 28, calendar: noClosures });
    expect(result).toEqual({ ok: true, dueDate: '2026-12-03', limitedBy: 'lender', movedForClosedDays: 0, notes: [] });
  });
  it('by default keeps the strap date when the lender granted more time than local policy (seed 004)', () => {
    const result = patronDueDate({ today: '2026-11-22', lenderDueDate: '2027-03-01', returnOffsetDays: 7, localLoanDays: 21, calendar: noClosures });
    expect(result).toEqual({ ok: true, dueDate: '2027-02-22', limitedBy: 'lender', movedForClosedDays: 0, notes: [] });
  });
  it('without a lender date falls back to the local loan rule', () => {
    const result = patronDueDate({ today: '2026-11-22', returnOffsetDays: 7, localLoanDays: 21, calendar: noClosures });
    expect(result).toMatchObject({ ok: true, dueDate: '2026-12-13', limitedBy: 'local-policy' });
  });
  it('moves later off closed days when the library says so, within the return offset', () => {
    // strap date 2026-12-26 (Saturday); Sunday closed too: Monday 28th, still before the lender's 30th
    const result = patronDueDate({
      today: '2026-11-22',
      lenderDueDate: '2026-12-30',
      returnOffsetDays: 4,
      localLoanDays: 28,
      calendar: { closedWeekdays: [0, 6], closedDates: [] },
      closedDayMove: 'later',
    });
    expect(result).toMatchObject({ ok: true, dueDate: '2026-12-28', limitedBy: 'lender', movedForClosedDays: 2 });
  });
  it('moves earlier when later would pass the lender date itself, and says so', () => {
    // strap = lender date 2026-12-26 (Saturday), offset 0: no later day is allowed
    const result = patronDueDate({
      today: '2026-11-22',
      lenderDueDate: '2026-12-26',
      returnOffsetDays: 0,
      localLoanDays: 28,
      calendar: { closedWeekdays: [0, 6], closedDates: [] },
      closedDayMove: 'later',
    });
    expect(result).toMatchObject({ ok: true, dueDate: '2026-12-25', movedForClosedDays: -1 });
    expect(result.ok && result.notes.join(' ')).toMatch(/moved earlier instead/);
  });
  it('makes it visible when the local rule is shorter than the lender date (stricter rule)', () => {
    const result = patronDueDate({
      today: '2026-11-22',
      lenderDueDate: '2027-03-01',
      returnOffsetDays: 7,
      localLoanDays: 21,
      calendar: noClosures,
      rule: 'stricter-of-lender-and-local',
    });
    expect(result).toMatchObject({ ok: true, dueDate: '2026-12-13', limitedBy: 'local-policy' });
    expect(result.ok && result.notes[0]).toMatch(/Local loan rule \(21 days, 2026-12-13\) is shorter than the lender's due date 2027-03-01/);
  });
  it('caps at the patron expiry', () => {
    const result = patronDueDate({
      today: '2026-11-22',
      lenderDueDate: '2026-12-30',
      returnOffsetDays: 0,
      localLoanDays: 60,
      patronExpiry: '2026-12-01',
      calendar: noClosures,
    });
    expect(result).toMatchObject({ ok: true, dueDate: '2026-12-01', limitedBy: 'patron-expiry' });
  });
  it('moves earlier off closed weekdays and holidays', () => {
    // 2026-12-27 is a Sunday; 2026-12-26 a Saturday; 2026-12-25 a holiday
    const result = patronDueDate({
      today: '2026-11-22',
      lenderDueDate: '2026-12-27',
      returnOffsetDays: 0,
      localLoanDays: 90,
      calendar: { closedWeekdays: [0, 6], closedDates: ['2026-12-25'] },
    });
    expect(result).toMatchObject({ ok: true, dueDate: '2026-12-24', movedForClosedDays: -3 });
  });
  it('refuses rather than going before today (expired patron)', () => {
    const result = patronDueDate({
      today: '2026-11-22',
      lenderDueDate: '2026-12-30',
      returnOffsetDays: 0,
      localLoanDays: 28,
      patronExpiry: '2026-11-01',
      calendar: noClosures,
    });
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining('before today') });
  });
  it('refuses when every day up to the cap is closed', () => {
    const result = patronDueDate({
      today: '2026-11-23',
      lenderDueDate: '2026-11-25',
      returnOffsetDays: 0,
      localLoanDays: 28,
      calendar: { closedWeekdays: [1, 2, 3], closedDates: [] },
    });
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining('closed') });
  });
});

const day = fc.integer({ min: 0, max: 3 * 365 }).map((n) => plusDays('2025-01-01', n));
const input = fc.record({
  today: day,
  lenderOffset: fc.option(fc.integer({ min: -30, max: 200 }), { nil: undefined }),
  returnOffsetDays: fc.integer({ min: 0, max: 30 }),
  localLoanDays: fc.integer({ min: 1, max: 120 }),
  expiryOffset: fc.option(fc.integer({ min: -60, max: 400 }), { nil: undefined }),
  closedWeekdays: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { maxLength: 6 }),
  closedDateOffsets: fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { maxLength: 20 }),
  rule: fc.constantFrom<DueDateRule>('strap', 'stricter-of-lender-and-local'),
  closedDayMove: fc.constantFrom<ClosedDayMove>('earlier', 'later'),
});
// Fixed seeds: a failure is reproducible from the test name alone.
const seeded = (numRuns: number) => ({ numRuns, seed: 4004 });

describe('patron due date properties', () => {
  type Input = typeof input extends fc.Arbitrary<infer T> ? T : never;
  const run = (i: Input) => {
    const calendar = { closedWeekdays: i.closedWeekdays, closedDates: i.closedDateOffsets.map((n: number) => plusDays(i.today, n)) };
    const lenderDueDate = i.lenderOffset === undefined ? undefined : plusDays(i.today, i.lenderOffset);
    const patronExpiry = i.expiryOffset === undefined ? undefined : plusDays(i.today, i.expiryOffset);
    return {
      calendar,
      lenderDueDate,
      patronExpiry,
      result: patronDueDate({
        today: i.today,
        lenderDueDate,
        patronExpiry,
        returnOffsetDays: i.returnOffsetDays,
        localLoanDays: i.localLoanDays,
        calendar,
        rule: i.rule,
        closedDayMove: i.closedDayMove,
      }),
    };
  };
  it('never after the strap date (earlier) or the lender date (later), never after expiry, never on a closed day, never before today', () => {
    fc.assert(
      fc.property(input, (i) => {
        const { result, calendar, lenderDueDate, patronExpiry } = run(i);
        if (!result.ok) return true;
        expect(isCalendarDate(result.dueDate)).toBe(true);
        if (lenderDueDate && i.closedDayMove === 'earlier') expect(result.dueDate <= plusDays(lenderDueDate, -i.returnOffsetDays)).toBe(true);
        if (lenderDueDate) expect(result.dueDate <= lenderDueDate).toBe(true);
        if (patronExpiry) expect(result.dueDate <= patronExpiry).toBe(true);
        expect(isClosed(result.dueDate, calendar)).toBe(false);
        expect(result.dueDate >= i.today).toBe(true);
        if (i.rule === 'stricter-of-lender-and-local' || !lenderDueDate) {
          const local = plusDays(i.today, i.localLoanDays);
          if (i.closedDayMove === 'earlier' || !lenderDueDate) expect(result.dueDate <= local).toBe(true);
        }
        return true;
      }),
      seeded(3000),
    );
  });
  it('local policy never shortens or lengthens the strap date (default rule, open day, before expiry)', () => {
    fc.assert(
      fc.property(input, (i) => {
        const { result, calendar, lenderDueDate, patronExpiry } = run({ ...i, rule: 'strap' });
        if (!lenderDueDate) return true;
        const strap = plusDays(lenderDueDate, -i.returnOffsetDays);
        if (strap < i.today || isClosed(strap, calendar) || (patronExpiry && patronExpiry < strap)) return true;
        expect(result).toMatchObject({ ok: true, dueDate: strap, limitedBy: 'lender', movedForClosedDays: 0 });
        return true;
      }),
      seeded(3000),
    );
  });
  it('only refuses when no open day lies between today and the strictest cap', () => {
    fc.assert(
      fc.property(input, (i) => {
        const { result, calendar, lenderDueDate, patronExpiry } = run(i);
        if (result.ok) return true;
        let cap = plusDays(i.today, i.localLoanDays);
        const strap = lenderDueDate ? plusDays(lenderDueDate, -i.returnOffsetDays) : undefined;
        if (strap && (i.rule === 'strap' || strap < cap)) cap = strap;
        if (patronExpiry && patronExpiry < cap) cap = patronExpiry;
        for (let d = i.today; d <= cap; d = plusDays(d, 1)) expect(isClosed(d, calendar)).toBe(true);
        return true;
      }),
      seeded(2000),
    );
  });
  it('moving earlier is to the latest open day allowed (it does not give away days)', () => {
    fc.assert(
      fc.property(input, (i) => {
        const { result, calendar } = run(i);
        if (!result.ok || result.movedForClosedDays >= 0) return true;
        for (let n = 1; n <= -result.movedForClosedDays; n += 1) expect(isClosed(plusDays(result.dueDate, n), calendar)).toBe(true);
        return true;
      }),
      seeded(1000),
    );
  });
  it('moving later is to the first open day after the date', () => {
    fc.assert(
      fc.property(input, (i) => {
        const { result, calendar } = run({ ...i, closedDayMove: 'later' });
        if (!result.ok || result.movedForClosedDays <= 0) return true;
        for (let n = 1; n <= result.movedForClosedDays; n += 1) expect(isClosed(plusDays(result.dueDate, -n), calendar)).toBe(true);
        return true;
      }),
      seeded(1000),
    );
  });
});
