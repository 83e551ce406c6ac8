import { describe, expect, it } from 'vitest';
import { decide, type RequestCommand } from './decide.ts';
import { confirmationNotice } from './notices.ts';
import { plusDays } from './policies/due-date.ts';
import { patronNoticeSettingsSchema } from './settings.ts';
import { aRequest, context, settingsWith } from './test-fixtures.ts';
import type { IllRequest } from './workflow.ts';

/** ILL-side patron notices (seed 004's Tipasa notifications): what each action queues or withdraws. */
const on = { requestConfirmation: true, cancelled: true, dueSoonDays: 3, overdue: true, libraryName: 'TCC Library', contact: '918-595-7568' };
const settings = settingsWith({ borrowing: { patronNotices: patronNoticeSettingsSchema.parse(on) } });

function decided(request: IllRequest, command: RequestCommand, s = settings) {
  const result = decide(request, command, context('alma', s));
  if (!result.ok) throw new Error(result.error.message);
  return result.decision;
}

describe('ILL-side patron notices', () => {
  it('request confirmation: seed 004’s wording with the request number, title and author; off by default', () => {
    const request = aRequest('borrowing', 'new-for-review', { patronName: 'John Q. Patron' });
    const notice = confirmationNotice(request, settings.borrowing.patronNotices);
    expect(notice).toMatchObject({ kind: 'request-confirmation', patronId: 'P-1001', delayMinutes: 0 });
    expect(notice?.text).toContain('Hello John Q. Patron,');
    expect(notice?.text).toContain("Thank you for using TCC Library's Interlibrary Loan (ILL)!");
    expect(notice?.text).toContain('ILL Request Number: 1000009\nTitle: The Name of the Rose\nAuthor: Eco, Umberto');
    expect(notice?.text).toContain('(918-595-7568)');
    expect(confirmationNotice(request, patronNoticeSettingsSchema.parse({}))).toBeUndefined();
    expect(confirmationNotice(aRequest('lending', 'can-you-supply'), settings.borrowing.patronNotices)).toBeUndefined();
  });

  it('receive queues "item about to be due" dueSoonDays before the patron’s due date, with that date', () => {
    const { notices, request } = decided(aRequest('borrowing', 'in-transit', { lenderDueDate: '2026-12-15' }), { action: 'receive' });
    const dueSoon = notices.find((n) => n.kind === 'due-soon');
    expect(request.patronDueDate).toBeDefined();
    expect(dueSoon).toMatchObject({ onDate: expect.any(String), subject: `Your interlibrary loan "The Name of the Rose" is due ${request.patronDueDate}` });
    expect(dueSoon?.text).toContain(`Due Date: ${request.patronDueDate}`);
    expect(dueSoon?.text).toContain('Please check the date on the strap on the material for the due date');
  });

  it('a renewal withdraws the old "due soon" and queues one for the new date', () => {
    const received = aRequest('borrowing', 'received', { patronDueDate: '2026-12-08' });
    const { notices, withdrawNotices, request } = decided(received, { action: 'renewal-approved', newDueDate: '2027-01-20' });
    expect(withdrawNotices).toContain('due-soon');
    expect(request.patronDueDate).not.toBe('2026-12-08');
    expect(notices).toEqual([expect.objectContaining({ kind: 'due-soon', onDate: plusDays(request.patronDueDate!, -3) })]);
  });

  it('overdue queues the overdue notice now; return withdraws what is left', () => {
    const overdue = decided(aRequest('borrowing', 'received', { patronDueDate: '2026-12-08' }), { action: 'overdue' });
    expect(overdue.notices.map((n) => n.kind)).toEqual(['overdue']);
    expect(overdue.withdrawNotices).toContain('due-soon');
    const returned = decided(aRequest('borrowing', 'overdue', { patronDueDate: '2026-12-08' }), { action: 'mark-returned' });
    expect(returned.notices).toEqual([]);
    expect(returned.withdrawNotices.sort()).toEqual(['due-soon', 'overdue']);
  });

  it('cancel tells the patron, with the reason staff gave (seed 004: "we always tell them a reason")', () => {
    const { notices } = decided(aRequest('borrowing', 'new-for-review'), { action: 'cancel', reason: 'We own this title: it is on the shelf at Metro' });
    expect(notices).toEqual([expect.objectContaining({ kind: 'cancelled', subject: 'Your interlibrary loan request 1000009 has been cancelled' })]);
    expect(notices[0]?.text).toContain('Reason: We own this title: it is on the shelf at Metro');
  });

  it('nothing for a kind left off, nor for a request without a patron', () => {
    const off = settingsWith({});
    expect(decided(aRequest('borrowing', 'new-for-review'), { action: 'cancel' }, off).notices).toEqual([]);
    expect(decided(aRequest('borrowing', 'received', { patronDueDate: '2026-12-08' }), { action: 'overdue' }, off).notices).toEqual([]);
    expect(decided(aRequest('borrowing', 'new-for-review', { patronId: undefined }), { action: 'cancel' }).notices).toEqual([]);
  });
});
