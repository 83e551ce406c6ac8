import { describe, expect, it } from 'vitest';
import { decide } from './decide.ts';
import { aRequest, context, settingsWith } from './test-fixtures.ts';

/** The due-date rule as `decide` applies it at receipt (seed 004 over seed 001). */
describe('patron due date at receipt', () => {
  const inTransit = aRequest('borrowing', 'in-transit', { lenderDueDate: '2027-03-01' });
  const receive = (settings = settingsWith({})) => {
    const result = decide(inTransit, { action: 'receive' }, context('alma', settings));
    if (!result.ok) throw new Error(result.error.message);
    return result.decision;
  };
  it('is the strap date by default, however short local policy is, and the temporary item carries it', () => {
    const decision = receive(settingsWith({ borrowing: { localLoanDays: 21 } }));
    expect(decision.request.patronDueDate).toBe('2027-02-22');
    const created = decision.plan.find((s) => s.name === 'create-temporary-item');
    expect(created?.input).toMatchObject({ dueDate: '2027-02-22' });
    expect(decision.notes.join(' ')).not.toMatch(/Local loan rule/);
  });
  it('is cut to the local rule, and says so, under the stricter-of-both setting', () => {
    const decision = receive(settingsWith({ borrowing: { localLoanDays: 21, dueDateRule: 'stricter-of-lender-and-local' } }));
    expect(decision.request.patronDueDate).toBe('2026-12-13');
    expect(decision.notes.join(' ')).toMatch(/Local loan rule \(21 days/);
  });
  it('moves a closed strap date later when the library says so', () => {
    // 2027-02-22 is a Monday: closed Mondays, later → Tuesday the 23rd (within the 7-day offset)
    const later = receive({ ...settingsWith({ borrowing: { closedDayMove: 'later' } }), calendar: { closedWeekdays: [1], closedDates: [] } });
    expect(later.request.patronDueDate).toBe('2027-02-23');
    const earlier = receive({ ...settingsWith({}), calendar: { closedWeekdays: [1], closedDates: [] } });
    expect(earlier.request.patronDueDate).toBe('2027-02-21');
  });
});
