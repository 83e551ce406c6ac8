import type { IlsObservation } from '@bookstrap/core';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../store/database.ts';
import { cached, jsonValues } from '../store/prepared.ts';
import { ilsObservations, ilsSyncRuns, libraries, requests } from '../store/schema.ts';

/** The ILS sync's rows: per request what it last saw, per library when it runs next. */

export type ObservationRow = typeof ilsObservations.$inferSelect;

export function observationOf(db: Db, requestId: string): ObservationRow | undefined {
  return db.select().from(ilsObservations).where(eq(ilsObservations.requestId, requestId)).get();
}

export function observationsOf(db: Db, requestIds: readonly string[]): Map<string, ObservationRow> {
  if (requestIds.length === 0) return new Map();
  // prepared once (store/prepared.ts): every list page asks this for its requests
  const rows = cached(db, 'observations-of', () =>
    db
      .select()
      .from(ilsObservations)
      .where(inArray(ilsObservations.requestId, jsonValues('ids')))
      .prepare(),
  ).all({ ids: JSON.stringify(requestIds) });
  return new Map(rows.map((row) => [row.requestId, row]));
}

export const previousObservation = (row: ObservationRow | undefined): IlsObservation | undefined =>
  row ? { state: row.state as IlsObservation['state'], ...(row.loanDueDate ? { loanDueDate: row.loanDueDate } : {}) } : undefined;

export interface ObservationWrite {
  requestId: string;
  libraryId: number;
  itemBarcode: string;
  observation?: IlsObservation | undefined;
  finding?: { text: string; kind: string; nextAction?: string | undefined; needsIllStaff: boolean } | undefined;
  unseen?: string[] | undefined;
  lendingDueDateCap?: string | undefined;
  readAt?: Date | undefined;
}

/** Upserts: a finding replaces the last one; without one, the last finding stays on the request. */
export function writeObservation(db: Db, write: ObservationWrite, now: Date): void {
  const existing = observationOf(db, write.requestId);
  const values = {
    itemBarcode: write.itemBarcode,
    ...(write.observation ? { state: write.observation.state, loanDueDate: write.observation.loanDueDate ?? null } : {}),
    ...(write.finding
      ? {
          lastFinding: write.finding.text,
          lastFindingKind: write.finding.kind,
          nextAction: write.finding.nextAction ?? null,
          needsIllStaff: write.finding.needsIllStaff,
        }
      : {}),
    ...(write.unseen !== undefined ? { unseen: write.unseen.length ? write.unseen : null } : {}),
    ...(write.lendingDueDateCap !== undefined ? { lendingDueDateCap: write.lendingDueDateCap } : {}),
    ...(write.readAt ? { readAt: write.readAt } : {}),
    updatedAt: now,
  };
  if (existing) {
    db.update(ilsObservations).set(values).where(eq(ilsObservations.requestId, write.requestId)).run();
    return;
  }
  db.insert(ilsObservations)
    .values({ requestId: write.requestId, libraryId: write.libraryId, state: write.observation?.state ?? 'unread', ...values })
    .run();
}

/** Libraries whose sync is due by the (injected) clock; a library never synced is due at once. */
export function librariesDue(db: Db, now: Date): number[] {
  const all = db.select({ id: libraries.id }).from(libraries).all();
  const scheduled = new Map(
    db
      .select()
      .from(ilsSyncRuns)
      .all()
      .map((row) => [row.libraryId, row]),
  );
  return all.filter(({ id }) => (scheduled.get(id)?.nextRunAt.getTime() ?? 0) <= now.getTime()).map(({ id }) => id);
}

export function recordRun(db: Db, libraryId: number, run: { at: Date; nextRunAt: Date; read: number; error?: string | undefined }): void {
  const values = { nextRunAt: run.nextRunAt, lastRunAt: run.at, lastRead: run.read, lastError: run.error ?? null };
  const existing = db.select().from(ilsSyncRuns).where(eq(ilsSyncRuns.libraryId, libraryId)).get();
  if (existing) db.update(ilsSyncRuns).set(values).where(eq(ilsSyncRuns.libraryId, libraryId)).run();
  else
    db.insert(ilsSyncRuns)
      .values({ libraryId, ...values })
      .run();
}

export function lastRun(db: Db, libraryId: number) {
  return db.select().from(ilsSyncRuns).where(eq(ilsSyncRuns.libraryId, libraryId)).get();
}

/** The library's loan requests in a state whose ILS record may be live (the core narrows it further). */
export function liveRequestIds(db: Db, libraryId: number, statuses: readonly string[]): string[] {
  return db
    .select({ id: requests.id })
    .from(requests)
    .where(and(eq(requests.libraryId, libraryId), eq(requests.serviceType, 'loan'), inArray(requests.status, [...statuses])))
    .all()
    .map((row) => row.id);
}
