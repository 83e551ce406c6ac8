import type { PatronNotice } from '@bookstrap/core';
import { and, asc, eq, gt, isNotNull, isNull, lte } from 'drizzle-orm';
import type { Db } from './database.ts';
import { type PatronNoticeRow, patronNotices } from './schema.ts';

export function queueNotice(db: Db, input: { requestId: string; libraryId: number; notice: PatronNotice }, now: Date): PatronNoticeRow {
  return db
    .insert(patronNotices)
    .values({
      requestId: input.requestId,
      libraryId: input.libraryId,
      kind: input.notice.kind,
      patronId: input.notice.patronId,
      text: input.notice.text,
      dueAt: new Date(now.getTime() + input.notice.delayMinutes * 60_000),
      createdAt: now,
    })
    .returning()
    .get();
}

export type NoticeState = 'due' | 'scheduled' | 'sent';

/** due: time to send and not sent; scheduled: not yet due; sent: done. Oldest first. */
export function listNotices(db: Db, libraryId: number, state: NoticeState, now: Date): PatronNoticeRow[] {
  const byState = {
    due: and(isNull(patronNotices.sentAt), lte(patronNotices.dueAt, now)),
    scheduled: and(isNull(patronNotices.sentAt), gt(patronNotices.dueAt, now)),
    sent: isNotNull(patronNotices.sentAt),
  }[state];
  return db
    .select()
    .from(patronNotices)
    .where(and(eq(patronNotices.libraryId, libraryId), byState))
    .orderBy(asc(patronNotices.dueAt), asc(patronNotices.id))
    .all();
}

export function findNotice(db: Db, libraryId: number, id: number): PatronNoticeRow | undefined {
  return db
    .select()
    .from(patronNotices)
    .where(and(eq(patronNotices.libraryId, libraryId), eq(patronNotices.id, id)))
    .get();
}

export function markNoticeSent(db: Db, id: number, now: Date): PatronNoticeRow {
  return db.update(patronNotices).set({ sentAt: now }).where(eq(patronNotices.id, id)).returning().get();
}
