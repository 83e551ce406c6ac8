import { transaction } from '../store/connection.ts';
import type { Clock } from '../adapters/types.ts';
import { type Logger, silentLogger } from '../logger.ts';
import type { ServiceDatabase } from '../store/database.ts';
import { findLibraryById } from '../store/libraries.ts';
import { claimNotice, deliverableNotices, markNoticeSent, recordDeliveryFailure } from '../store/notices.ts';
import { appendHistory } from '../store/requests.ts';
import type { Mailer } from './mailer.ts';
import { noticeName } from './names.ts';

/**
 * Drains the patron notice queue through a mailer: every due, open notice whose request has the
 * patron's e-mail is mailed, marked sent and written in the history. A notice is claimed first
 * by moving its due time past the claim window, so two senders (or processes) never mail it at
 * the same time; a crash between the mail and the write sends it again after the window
 * (at-least-once, with a stable Message-ID per notice so a repeat can be recognised). A refused
 * delivery is retried with backoff and, after `maxAttempts`, left in the queue for staff with
 * the mail server's words.
 */
export interface NoticeSenderOptions {
  db: ServiceDatabase;
  clock: Clock;
  mailer: Mailer;
  /** the default sender address (a library's `patronNotices.from` wins) */
  from: string;
  logger?: Logger;
  batch?: number;
  maxAttempts?: number;
  claimMs?: number;
  intervalMs?: number;
}

export interface NoticeSender {
  /** mails what is due now; returns how many were sent and how many failed */
  runOnce(): Promise<{ sent: number; failed: number }>;
  start(): void;
  stop(): Promise<void>;
}

export const mailRetryMs = (attempts: number) => Math.min(60_000 * 2 ** attempts, 6 * 60 * 60_000);

export function createNoticeSender(options: NoticeSenderOptions): NoticeSender {
  const { db, clock, mailer } = options;
  const logger = options.logger ?? silentLogger;
  const batch = options.batch ?? 20;
  const maxAttempts = options.maxAttempts ?? 8;
  const claimMs = options.claimMs ?? 5 * 60_000;

  async function runOnce() {
    let sent = 0;
    let failed = 0;
    for (const { notice, to } of await deliverableNotices(db, clock.now(), { limit: batch, maxAttempts })) {
      if (!(await claimNotice(db, notice, new Date(clock.now().getTime() + claimMs)))) continue; // another sender has it
      const library = await findLibraryById(db, notice.libraryId);
      const from = library?.settings.borrowing.patronNotices.from ?? options.from;
      const name = noticeName(notice.kind);
      try {
        await mailer.send({
          from,
          to,
          subject: notice.subject ?? `${name}: interlibrary loan ${notice.requestId}`,
          text: notice.text,
          messageId: `<notice-${notice.id}.${notice.requestId}@bookstrap>`,
          headers: { 'X-Bookstrap-Request': notice.requestId, 'X-Bookstrap-Notice': notice.kind },
        });
      } catch (error) {
        failed += 1;
        const message = error instanceof Error ? error.message : String(error);
        const now = clock.now();
        await transaction(db, async (tx) => {
          const after = await recordDeliveryFailure(tx, notice, message, new Date(now.getTime() + mailRetryMs(notice.deliveryAttempts)));
          if (after.deliveryAttempts >= maxAttempts) {
            await appendHistory(
              tx,
              {
                requestId: notice.requestId,
                kind: 'note',
                text: `${name} notice could not be e-mailed to ${to} after ${after.deliveryAttempts} attempts (${message}); send it by hand and mark it sent.`,
              },
              now,
            );
          }
        });
        logger.warn({ requestId: notice.requestId, notice: notice.id, err: message }, 'patron notice not delivered');
        continue;
      }
      sent += 1;
      const now = clock.now();
      await transaction(
        db,
        async (tx) => {
          await markNoticeSent(tx, notice.id, now);
          await appendHistory(tx, { requestId: notice.requestId, kind: 'note', text: `${name} notice e-mailed to ${to} (patron ${notice.patronId}).` }, now);
        },
        { behavior: 'immediate' },
      );
    }
    return { sent, failed };
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  return {
    runOnce,
    start() {
      if (timer) return;
      timer = setInterval(() => {
        if (running) return;
        running = runOnce()
          .catch((error) => logger.error({ err: error }, 'notice sender failed'))
          .finally(() => {
            running = undefined;
          });
      }, options.intervalMs ?? 15_000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
