import { demo } from '@bookstrap/ils-simulators';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { startMailCatcher } from '../notices/catcher.ts';
import { smtpMailer } from '../notices/mailer.ts';
import { historyOf } from '../testutil/alma-desk.ts';
import { demoAdminKey } from '../demo-libraries.ts';
import { type Harness, useHarness } from '../testutil/harness.ts';

/**
 * ILL-side patron notices delivered for real: the service mails due notices over SMTP (nodemailer)
 * to a local catcher (smtp-server), and every step — queued, e-mailed, withdrawn, refused — is in
 * the request's history. Seed 004: "Item about to be due (not from Circulation…)", request
 * confirmation, request cancelled with a reason.
 */
const patron = demo.alma.patrons.good.primaryId;
const noticesOn = { requestConfirmation: true, cancelled: true, dueSoonDays: 3, overdue: true, libraryName: 'TCC Library', from: 'ill@tcc.example' };

async function withMail(refuse?: (to: string) => string | undefined) {
  const catcher = await startMailCatcher(refuse ? { refuse } : {});
  const h = await useHarness({ mail: { mailer: smtpMailer(catcher.url), from: 'bookstrap@localhost' } });
  await h.ok(200, 'PATCH', '/v1/libraries/TULSA', { key: demoAdminKey, body: { settings: { borrowing: { patronNotices: noticesOn } } } });
  return { h, catcher, mails: () => Promise.all(catcher.messages.map((m) => simpleParser(m.raw))) };
}

async function borrow(h: Harness, patronEmail = 'john.patron@tcc.example') {
  const { id } = await h.ok(201, 'POST', '/v1/requests', {
    body: {
      role: 'borrowing',
      title: 'Middlemarch',
      author: 'Eliot, George',
      patronId: patron,
      patronName: 'John Q. Patron',
      patronEmail,
      pickupLocation: 'MAIN',
      lenders: ['LENDA'],
    },
  });
  return id as string;
}

describe('patron notices by e-mail', () => {
  it('request confirmation and "item about to be due" reach the patron, and the history says so', async () => {
    const { h, catcher, mails } = await withMail();
    try {
      const id = await borrow(h);
      expect((await h.service.notices!.runOnce()).sent).toBe(1);
      const [confirmation] = await mails();
      expect(confirmation?.to).toMatchObject({ text: 'john.patron@tcc.example' });
      expect(confirmation?.from?.text).toBe('ill@tcc.example');
      expect(confirmation?.subject).toBe(`Your interlibrary loan request ${id} has been received`);
      expect(confirmation?.text).toContain('Hello John Q. Patron,');
      expect(confirmation?.text).toContain(`ILL Request Number: ${id}`);
      expect(confirmation?.headers.get('x-bookstrap-request')).toBe(id);

      await h.ok(200, 'POST', `/v1/requests/${id}/send`);
      await h.ok(200, 'POST', `/v1/requests/${id}/supplier-shipped`, { body: { lenderDueDate: '2025-04-30' } });
      await h.ok(200, 'POST', `/v1/requests/${id}/receive`);
      await h.drain();
      const received = await h.ok(200, 'GET', `/v1/requests/${id}`);
      // Not yet due: the reminder waits for its day.
      expect((await h.service.notices!.runOnce()).sent).toBe(0);
      const scheduled = await h.ok(200, 'GET', '/v1/notices?state=scheduled');
      expect(scheduled.notices).toEqual([expect.objectContaining({ kind: 'due-soon', requestId: id })]);

      h.clock.set(new Date(new Date(`${received.patronDueDate}T12:00:00Z`).getTime() - 3 * 86_400_000));
      expect((await h.service.notices!.runOnce()).sent).toBe(1);
      const reminder = (await mails())[1];
      expect(reminder?.subject).toBe(`Your interlibrary loan "Middlemarch" is due ${received.patronDueDate}`);
      expect(reminder?.text).toContain(`Due Date: ${received.patronDueDate}`);
      expect(catcher.messages).toHaveLength(2);

      const history = await historyOf(h, id);
      expect(history).toContain(`Request confirmation notice e-mailed to john.patron@tcc.example (patron ${patron}).`);
      expect(history).toContain(`Item about to be due notice e-mailed to john.patron@tcc.example (patron ${patron}).`);
      // Nothing is mailed twice.
      expect((await h.service.notices!.runOnce()).sent).toBe(0);
      expect((await h.ok(200, 'GET', '/v1/notices?state=sent')).notices).toHaveLength(2);
    } finally {
      await catcher.stop();
    }
  });

  it('a renewal withdraws the old reminder and schedules one for the new date; cancel tells the reason', async () => {
    const { h, catcher, mails } = await withMail();
    try {
      const id = await borrow(h);
      await h.ok(200, 'POST', `/v1/requests/${id}/send`);
      await h.ok(200, 'POST', `/v1/requests/${id}/supplier-shipped`, { body: { lenderDueDate: '2025-04-30' } });
      await h.ok(200, 'POST', `/v1/requests/${id}/receive`);
      await h.drain();
      await h.ok(200, 'POST', `/v1/requests/${id}/renewal-approved`, { body: { newDueDate: '2025-06-30' } });
      const renewed = await h.ok(200, 'GET', `/v1/requests/${id}`);
      const withdrawn = (await h.ok(200, 'GET', '/v1/notices?state=withdrawn')).notices;
      expect(withdrawn).toEqual([expect.objectContaining({ kind: 'due-soon', withdrawnAt: expect.any(String) })]);
      const scheduled = (await h.ok(200, 'GET', '/v1/notices?state=scheduled')).notices;
      expect(scheduled).toEqual([expect.objectContaining({ kind: 'due-soon', subject: expect.stringContaining(renewed.patronDueDate) })]);
      expect(await historyOf(h, id)).toContain(`Item about to be due notice to patron ${patron} withdrawn: no longer needed.`);

      const other = await borrow(h, 'jane@tcc.example');
      await h.ok(200, 'POST', `/v1/requests/${other}/cancel`, { body: { reason: 'TCC owns this title: it is on the shelf at Metro' } });
      await h.service.notices!.runOnce();
      const cancelled = (await mails()).find((m) => m.subject?.includes('cancelled'));
      expect(cancelled?.to).toMatchObject({ text: 'jane@tcc.example' });
      expect(cancelled?.text).toContain('Reason: TCC owns this title: it is on the shelf at Metro');
    } finally {
      await catcher.stop();
    }
  });

  it('a refused address is retried with backoff, then left for staff with the server’s words; nothing lost', async () => {
    const { h, catcher } = await withMail((to) => (to.startsWith('bounce') ? 'mailbox unavailable' : undefined));
    try {
      const id = await borrow(h, 'bounce@tcc.example');
      expect(await h.service.notices!.runOnce()).toEqual({ sent: 0, failed: 1 });
      const [notice] = (await h.ok(200, 'GET', '/v1/notices?state=scheduled')).notices;
      expect(notice).toMatchObject({ deliveryAttempts: 1, lastDeliveryError: expect.stringContaining('mailbox unavailable') });
      // The retry waits for its time, then tries again.
      expect(await h.service.notices!.runOnce()).toEqual({ sent: 0, failed: 0 });
      for (let attempt = 1; attempt < 8; attempt += 1) {
        h.clock.advance(7 * 60 * 60_000);
        expect((await h.service.notices!.runOnce()).failed).toBe(1);
      }
      h.clock.advance(7 * 60 * 60_000);
      expect(await h.service.notices!.runOnce()).toEqual({ sent: 0, failed: 0 });
      expect((await h.ok(200, 'GET', '/v1/notices?state=due')).notices).toEqual([expect.objectContaining({ deliveryAttempts: 8 })]);
      expect(await historyOf(h, id)).toContainEqual(expect.stringContaining('could not be e-mailed to bounce@tcc.example after 8 attempts'));
      expect(catcher.messages).toEqual([]);
    } finally {
      await catcher.stop();
    }
  });

  it('a request without an e-mail keeps its notice in the queue for the library to send', async () => {
    const { h, catcher } = await withMail();
    try {
      const { id } = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Emma', patronId: patron, pickupLocation: 'MAIN' } });
      expect((await h.service.notices!.runOnce()).sent).toBe(0);
      expect((await h.ok(200, 'GET', '/v1/notices?state=due')).notices).toEqual([expect.objectContaining({ requestId: id, kind: 'request-confirmation' })]);
    } finally {
      await catcher.stop();
    }
  });
});
