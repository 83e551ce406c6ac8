import type { IlsObservation } from '@bookstrap/core';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../store/database.ts';
import { jsonValues } from '../store/prepared.ts';
import { ilsObservations, ilsSyncRuns, libraries, requests } from '../store/schema.ts';
import { connection } from '../store/connection.ts';
import { allRows, oneRow, prepared, runWrite, tablesOf } from '../store/dialect.ts';

/** The ILS sync's rows: per request what it last saw, per library when it runs next. */

export type ObservationRow = typeof ilsObservations.$inferSelect;

export async function observationOf(db: Db, requestId: string): Promise<ObservationRow | undefined> {
  const { ilsObservations } = tablesOf(db);
  return connection(db, async () => {
    return await oneRow(db.select().from(ilsObservations).where(eq(ilsObservations.requestId, requestId)));
  });
}

export async function observationsOf(db: Db, requestIds: readonly string[]): Promise<Map<string, ObservationRow>> {
  const { ilsObservations } = tablesOf(db);
  return connection(db, async () => {
    if (requestIds.length === 0) return new Map();
    const rows = await prepared(db, 'observations-of', () =>
      db
        .select()
        .from(ilsObservations)
        .where(inArray(ilsObservations.requestId, jsonValues(db, 'ids'))),
    ).all({ ids: JSON.stringify(requestIds) });
    return new Map(rows.map((row) => [row.requestId, row]));
  });
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
export async function writeObservation(db: Db, write: ObservationWrite, now: Date): Promise<void> {
  const { ilsObservations } = tablesOf(db);
  return connection(db, async () => {
    const existing = await observationOf(db, write.requestId);
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
      await runWrite(db.update(ilsObservations).set(values).where(eq(ilsObservations.requestId, write.requestId)));
      return;
    }
    await runWrite(
      db.insert(ilsObservations).values({ requestId: write.requestId, libraryId: write.libraryId, state: write.observation?.state ?? 'unread', ...values }),
    );
  });
}

/** Libraries whose sync is due by the (injected) clock; a library never synced is due at once. */
export async function librariesDue(db: Db, now: Date): Promise<number[]> {
  const { ilsSyncRuns, libraries } = tablesOf(db);
  return connection(db, async () => {
    const all = await allRows(db.select({ id: libraries.id }).from(libraries));
    const scheduled = new Map((await allRows(db.select().from(ilsSyncRuns))).map((row) => [row.libraryId, row]));
    return all.filter(({ id }) => (scheduled.get(id)?.nextRunAt.getTime() ?? 0) <= now.getTime()).map(({ id }) => id);
  });
}

export async function recordRun(db: Db, libraryId: number, run: { at: Date; nextRunAt: Date; read: number; error?: string | undefined }): Promise<void> {
  const { ilsSyncRuns } = tablesOf(db);
  return connection(db, async () => {
    const values = { nextRunAt: run.nextRunAt, lastRunAt: run.at, lastRead: run.read, lastError: run.error ?? null };
    const existing = await oneRow(db.select().from(ilsSyncRuns).where(eq(ilsSyncRuns.libraryId, libraryId)));
    if (existing) await runWrite(db.update(ilsSyncRuns).set(values).where(eq(ilsSyncRuns.libraryId, libraryId)));
    else await runWrite(db.insert(ilsSyncRuns).values({ libraryId, ...values }));
  });
}

export async function lastRun(db: Db, libraryId: number) {
  const { ilsSyncRuns } = tablesOf(db);
  return connection(db, async () => {
    return await oneRow(db.select().from(ilsSyncRuns).where(eq(ilsSyncRuns.libraryId, libraryId)));
  });
}

/** The library's loan requests in a state whose ILS record may be live (the core narrows it further). */
export async function liveRequestIds(db: Db, libraryId: number, statuses: readonly string[]): Promise<string[]> {
  const { requests } = tablesOf(db);
  return connection(db, async () => {
    return (
      await allRows(
        db
          .select({ id: requests.id })
          .from(requests)
          .where(and(eq(requests.libraryId, libraryId), eq(requests.serviceType, 'loan'), inArray(requests.status, [...statuses]))),
      )
    ).map((row) => row.id);
  });
}
