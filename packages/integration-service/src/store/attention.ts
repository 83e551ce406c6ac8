import { type Attention, attentionOf, mootSteps, type OpenFinding, type RequestStatus, type StepRecord, skippedText } from '@bookstrap/core';
import { and, eq, sql } from 'drizzle-orm';

import type { Db } from './database.ts';
import { type Job, jobsOfRequest, settleDependents, settleJobByStaff } from './outbox.ts';
import { appendHistory } from './requests.ts';
import { ilsObservations, requests } from './schema.ts';
import { connection } from './connection.ts';
import { allRows, prepared, runWrite, tablesOf } from './dialect.ts';

/**
 * The needs-attention queue, kept on the request row (an indexed column) by the same transaction
 * that changes any of its steps or the ILS sync's finding: a request is in it exactly while a
 * person must act on a step, or on what the sync saw circulation do (a renewal at the desk, an
 * expired hold, a desk check-in first).
 */
export function stepRecord(job: Job): StepRecord {
  const outcome = job.lastOutcome as StepRecord['outcome'] | undefined;
  return { key: job.key, step: job.step, state: job.state, outcome };
}

/**
 * Steps the request's end made moot (a hold never placed on a cancelled request, a lending hold
 * on a completed one) are skipped with the reason, and so is what depends on them; then the
 * queue column is recomputed. Call after every change to a request or its steps.
 */
export async function refreshAttention(tx: Db, requestId: string, now: Date): Promise<Attention | undefined> {
  const { requests } = tablesOf(tx);
  return connection(tx, async () => {
    const row = await prepared(tx, 'statusOfRequest', () =>
      tx
        .select({ status: requests.status })
        .from(requests)
        .where(eq(requests.id, sql.placeholder('requestId'))),
    ).get({ requestId });
    if (!row) return undefined;
    const status = row.status as RequestStatus;
    let jobs = await jobsOfRequest(tx, requestId);
    const moot = mootSteps({ status }, jobs.map(stepRecord));
    for (const { key, reason } of moot) {
      const job = jobs.find((j) => j.key === key);
      if (
        !job ||
        !(await settleJobByStaff(tx, job, 'skipped', { kind: 'skipped', reason, previous: job.lastOutcome as Record<string, unknown> | undefined }, now))
      )
        continue;
      await appendHistory(tx, { requestId, kind: 'outcome', stepKey: key, outcome: 'skipped', text: skippedText(job.step, reason) }, now);
      for (const dependent of await settleDependents(tx, { ...job, state: 'skipped' }, 'skipped', now)) {
        await appendHistory(
          tx,
          { requestId, kind: 'outcome', stepKey: dependent.job.key, outcome: 'skipped', text: skippedText(dependent.job.step, dependent.reason) },
          now,
        );
      }
    }
    if (moot.length > 0) jobs = await jobsOfRequest(tx, requestId);
    const attention = attentionOf({ status }, jobs.map(stepRecord), await openFindingOf(tx, requestId));
    await runWrite(
      tx
        .update(requests)
        .set({ needsAttention: attention !== undefined, attentionReason: attention?.reason ?? null, attentionStepKey: attention?.stepKey ?? null })
        .where(eq(requests.id, requestId)),
    );
    return attention;
  });
}

/** The ILS sync's last finding, while ILL staff must still act on it. */
export async function openFindingOf(tx: Db, requestId: string): Promise<OpenFinding | undefined> {
  const { ilsObservations } = tablesOf(tx);
  return connection(tx, async () => {
    const row = await prepared(tx, 'openFindingOf', () =>
      tx
        .select({
          kind: ilsObservations.lastFindingKind,
          text: ilsObservations.lastFinding,
          nextAction: ilsObservations.nextAction,
          open: ilsObservations.needsIllStaff,
        })
        .from(ilsObservations)
        .where(eq(ilsObservations.requestId, sql.placeholder('requestId'))),
    ).get({ requestId });
    if (!row?.open || !row.kind || !row.text) return undefined;
    return { kind: row.kind, text: row.text, nextAction: row.nextAction ?? undefined };
  });
}

/** The finding no longer waits for staff (resolved, or the request moved on); the row keeps what was seen. */
export async function closeFinding(tx: Db, requestId: string, now: Date): Promise<boolean> {
  const { ilsObservations } = tablesOf(tx);
  return connection(tx, async () => {
    const closed = await runWrite(
      tx
        .update(ilsObservations)
        .set({ needsIllStaff: false, updatedAt: now })
        .where(and(eq(ilsObservations.requestId, requestId), eq(ilsObservations.needsIllStaff, true))),
    );
    return closed.changes > 0;
  });
}

/** How many requests wait for a person, by reason; per library (or every library, for the admin). */
export async function attentionCounts(db: Db, libraryId?: number): Promise<{ libraryId: number; reason: string; n: number }[]> {
  const { requests } = tablesOf(db);
  return connection(db, async () => {
    return await allRows(
      db
        .select({
          libraryId: requests.libraryId,
          reason: sql<string>`coalesce(${requests.attentionReason}, 'unknown')`,
          n: sql<number>`count(*)`.mapWith(Number),
        })
        .from(requests)
        .where(libraryId === undefined ? eq(requests.needsAttention, true) : and(eq(requests.libraryId, libraryId), eq(requests.needsAttention, true)))
        .groupBy(requests.libraryId, requests.attentionReason),
    );
  });
}
