import type { NoticeKind, PatronNotice } from '@bookstrap/core';
import { and, asc, eq, gt, inArray, isNotNull, isNull, lte } from 'drizzle-orm';
import type { Db } from './database.ts';
import { type PatronNoticeRow, patronNotices, requests } from './schema.ts';
import { connection } from './connection.ts';
import { allRows, oneRow, tablesOf } from './dialect.ts';

/** When a notice falls due: minutes after the action, or (due soon) the start of its day, never in the past. */
function dueAtOf(notice: PatronNotice, now: Date): Date {
  if (notice.onDate) {
    const day = new Date(`${notice.onDate}T00:00:00.000Z`);
    return day > now ? day : now;
  }
  return new Date(now.getTime() + notice.delayMinutes * 60_000);
}

export async function queueNotice(db: Db, input: { requestId: string; libraryId: number; notice: PatronNotice }, now: Date): Promise<PatronNoticeRow> {
  const { patronNotices } = tablesOf(db);
  return connection(db, async () => {
    return await oneRow(
      db
        .insert(patronNotices)
        .values({
          requestId: input.requestId,
          libraryId: input.libraryId,
          kind: input.notice.kind,
          patronId: input.notice.patronId,
          subject: input.notice.subject,
          text: input.notice.text,
          dueAt: dueAtOf(input.notice, now),
          createdAt: now,
        })
        .returning(),
    );
  });
}

/** Withdraws the request's unsent notices of these kinds; returns them (for the history). */
export async function withdrawNotices(db: Db, requestId: string, kinds: readonly NoticeKind[], now: Date): Promise<PatronNoticeRow[]> {
  const { patronNotices } = tablesOf(db);
  return connection(db, async () => {
    if (kinds.length === 0) return [];
    return await allRows(
      db
        .update(patronNotices)
        .set({ withdrawnAt: now })
        .where(
          and(eq(patronNotices.requestId, requestId), inArray(patronNotices.kind, [...kinds]), isNull(patronNotices.sentAt), isNull(patronNotices.withdrawnAt)),
        )
        .returning(),
    );
  });
}

export type NoticeState = 'due' | 'scheduled' | 'sent' | 'withdrawn';

const openOf = (notices: typeof patronNotices) => and(isNull(notices.sentAt), isNull(notices.withdrawnAt));

/** due: time to send and not sent; scheduled: not yet due; sent: done; withdrawn: made moot. Oldest first. */
export async function listNotices(db: Db, libraryId: number, state: NoticeState, now: Date): Promise<PatronNoticeRow[]> {
  const { patronNotices } = tablesOf(db);
  return connection(db, async () => {
    const byState = {
      due: and(openOf(patronNotices), lte(patronNotices.dueAt, now)),
      scheduled: and(openOf(patronNotices), gt(patronNotices.dueAt, now)),
      sent: isNotNull(patronNotices.sentAt),
      withdrawn: isNotNull(patronNotices.withdrawnAt),
    }[state];
    return await allRows(
      db
        .select()
        .from(patronNotices)
        .where(and(eq(patronNotices.libraryId, libraryId), byState))
        .orderBy(asc(patronNotices.dueAt), asc(patronNotices.id)),
    );
  });
}

export async function findNotice(db: Db, libraryId: number, id: number): Promise<PatronNoticeRow | undefined> {
  const { patronNotices } = tablesOf(db);
  return connection(db, async () => {
    return await oneRow(
      db
        .select()
        .from(patronNotices)
        .where(and(eq(patronNotices.libraryId, libraryId), eq(patronNotices.id, id))),
    );
  });
}

export async function markNoticeSent(db: Db, id: number, now: Date): Promise<PatronNoticeRow> {
  const { patronNotices } = tablesOf(db);
  return connection(db, async () => {
    return await oneRow(db.update(patronNotices).set({ sentAt: now }).where(eq(patronNotices.id, id)).returning());
  });
}

export interface Deliverable {
  notice: PatronNoticeRow;
  to: string;
  patronName?: string | undefined;
}

/**
 * Due, open notices the mailer can deliver (the request has the patron's e-mail), oldest first,
 * under the attempt limit. Notices without an address stay in the queue for staff to send.
 */
export async function deliverableNotices(db: Db, now: Date, options: { limit: number; maxAttempts: number }): Promise<Deliverable[]> {
  const { patronNotices, requests } = tablesOf(db);
  return connection(db, async () => {
    return (
      await allRows(
        db
          .select({ notice: patronNotices, to: requests.patronEmail, patronName: requests.patronName })
          .from(patronNotices)
          .innerJoin(requests, eq(requests.id, patronNotices.requestId))
          .where(
            and(
              openOf(patronNotices),
              lte(patronNotices.dueAt, now),
              isNotNull(requests.patronEmail),
              lte(patronNotices.deliveryAttempts, options.maxAttempts - 1),
            ),
          )
          .orderBy(asc(patronNotices.dueAt), asc(patronNotices.id))
          .limit(options.limit),
      )
    ).map((row) => ({ notice: row.notice, to: row.to ?? '', patronName: row.patronName ?? undefined }));
  });
}

/** A failed delivery: counted, its error kept, and tried again after `retryAt`. */
export async function recordDeliveryFailure(db: Db, notice: PatronNoticeRow, error: string, retryAt: Date): Promise<PatronNoticeRow> {
  const { patronNotices } = tablesOf(db);
  return connection(db, async () => {
    return await oneRow(
      db
        .update(patronNotices)
        .set({ deliveryAttempts: notice.deliveryAttempts + 1, lastDeliveryError: error.slice(0, 500), dueAt: retryAt })
        .where(eq(patronNotices.id, notice.id))
        .returning(),
    );
  });
}

/**
 * Takes a due notice for sending until `until` (a compare-and-set on its due time): false when
 * another sender took it first.
 */
export async function claimNotice(db: Db, notice: { id: number; dueAt: Date }, until: Date): Promise<boolean> {
  const { patronNotices } = tablesOf(db);
  return connection(db, async () => {
    const claimed = await allRows(
      db
        .update(patronNotices)
        .set({ dueAt: until })
        .where(and(eq(patronNotices.id, notice.id), eq(patronNotices.dueAt, notice.dueAt)))
        .returning({ id: patronNotices.id }),
    );
    return claimed.length === 1;
  });
}
