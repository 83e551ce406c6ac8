import type { IlsStep, StepOutcome } from '@bookstrap/core';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, ServiceDatabase } from './database.ts';
import { type JobRow, type JobState, outboxJobs } from './schema.ts';

/**
 * The outbox: one job per ILS step, written in the same transaction as the request change that
 * called for it. The idempotency key is UNIQUE, so a step planned twice is stored once and a
 * succeeded step is never run again.
 */
export interface Job {
  id: number;
  key: string;
  requestId: string;
  libraryId: number;
  planId: number;
  position: number;
  step: IlsStep;
  state: JobState;
  attempts: number;
  nextAttemptAt: Date;
  leaseOwner?: string | undefined;
  leaseUntil?: Date | undefined;
  lastOutcome?: StepOutcome<Record<string, unknown>> | undefined;
  createdAt: Date;
  updatedAt: Date;
}

export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    key: row.idempotencyKey,
    requestId: row.requestId,
    libraryId: row.libraryId,
    planId: row.planId,
    position: row.position,
    step: row.step as unknown as IlsStep,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    leaseOwner: row.leaseOwner ?? undefined,
    leaseUntil: row.leaseUntil ?? undefined,
    lastOutcome: (row.lastOutcome as StepOutcome<Record<string, unknown>> | null) ?? undefined,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Writes a plan's steps in order; returns the steps actually queued (a known key is skipped). */
export function enqueuePlan(db: Db, input: { requestId: string; libraryId: number; planId: number; plan: IlsStep[] }, now: Date): IlsStep[] {
  const queued: IlsStep[] = [];
  input.plan.forEach((step, position) => {
    const inserted = db
      .insert(outboxJobs)
      .values({
        idempotencyKey: step.key,
        requestId: input.requestId,
        libraryId: input.libraryId,
        planId: input.planId,
        position,
        stepName: step.name,
        step: step as unknown as Record<string, unknown>,
        state: 'pending',
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({ target: outboxJobs.idempotencyKey })
      .returning({ id: outboxJobs.id })
      .all();
    if (inserted.length > 0) queued.push(step);
  });
  return queued;
}

export function jobsOfRequest(db: Db, requestId: string): Job[] {
  return db.select().from(outboxJobs).where(eq(outboxJobs.requestId, requestId)).orderBy(asc(outboxJobs.planId), asc(outboxJobs.position)).all().map(toJob);
}

export function jobsOfRequests(db: Db, requestIds: string[]): Map<string, Job[]> {
  const byRequest = new Map<string, Job[]>();
  if (requestIds.length === 0) return byRequest;
  const rows = db.select().from(outboxJobs).where(inArray(outboxJobs.requestId, requestIds)).orderBy(asc(outboxJobs.planId), asc(outboxJobs.position)).all();
  for (const row of rows) {
    const list = byRequest.get(row.requestId) ?? [];
    list.push(toJob(row));
    byRequest.set(row.requestId, list);
  }
  return byRequest;
}

export function findJob(db: Db, key: string): Job | undefined {
  const row = db.select().from(outboxJobs).where(eq(outboxJobs.idempotencyKey, key)).get();
  return row ? toJob(row) : undefined;
}

export interface ClaimOptions {
  owner: string;
  now: Date;
  leaseMs: number;
  /** libraries the rate limiter is holding back right now */
  skipLibraries?: number[];
}

/**
 * Claims the next runnable job, atomically: an IMMEDIATE transaction takes the write lock before
 * reading, so two workers (even in two processes) can never claim the same job. Runnable means
 * due, not leased by a live worker, every earlier step of its plan succeeded (the hold needs
 * the item), every earlier plan of the request has settled (done, or stopped for staff), and nothing
 * else of the request runs.
 * An expired lease (a worker that died) makes a running job claimable again.
 */
export function claimNextJob(db: ServiceDatabase, options: ClaimOptions): Job | undefined {
  const now = options.now.getTime();
  const skip = options.skipLibraries ?? [];
  return db.transaction(
    (tx) => {
      const candidate = tx.get<{ id: number } | undefined>(sql`
        select j.id from outbox_jobs j
        where ((j.state in ('pending', 'failed-retryable') and j.next_attempt_at <= ${now})
               or (j.state = 'running' and j.lease_until <= ${now}))
          ${skip.length ? sql`and j.library_id not in (${sql.join(skip, sql`, `)})` : sql``}
          and not exists (
            select 1 from outbox_jobs p
            where p.request_id = j.request_id and p.id <> j.id and (
                 (p.plan_id = j.plan_id and p.position < j.position and p.state <> 'succeeded')
              or (p.plan_id < j.plan_id and (
                   p.state in ('running', 'failed-retryable')
                   -- a step stuck behind a step that needs staff does not hold up later plans
                   or (p.state = 'pending' and not exists (
                     select 1 from outbox_jobs q
                     where q.request_id = p.request_id and q.plan_id = p.plan_id and q.position < p.position
                       and q.state in ('needs-staff', 'configuration-error')))))
              or (p.state = 'running' and p.lease_until > ${now})
            )
          )
        order by j.next_attempt_at, j.id
        limit 1`);
      if (!candidate) return undefined;
      const row = tx
        .update(outboxJobs)
        .set({
          state: 'running',
          leaseOwner: options.owner,
          leaseUntil: new Date(now + options.leaseMs),
          attempts: sql`${outboxJobs.attempts} + 1`,
          updatedAt: options.now,
        })
        .where(eq(outboxJobs.id, candidate.id))
        .returning()
        .get();
      return toJob(row);
    },
    { behavior: 'immediate' },
  );
}

/** The earliest moment a waiting job becomes due (for the worker's sleep), if any. */
export function nextDueAt(db: Db): Date | undefined {
  const row = db.get<{ at: number | null }>(sql`
    select min(case when state = 'running' then lease_until else next_attempt_at end) as at
    from outbox_jobs where state in ('pending', 'failed-retryable', 'running')`);
  return row?.at == null ? undefined : new Date(row.at);
}

export interface JobResult {
  state: Exclude<JobState, 'pending' | 'running'>;
  outcome: StepOutcome<Record<string, unknown>>;
  nextAttemptAt?: Date | undefined;
}

/**
 * Records a job's result if this worker still holds its lease; returns false when the lease
 * was lost (another worker took over after expiry), so the caller writes no history either.
 */
export function finishJob(db: Db, job: Job, owner: string, result: JobResult, now: Date): boolean {
  const updated = db
    .update(outboxJobs)
    .set({
      state: result.state,
      lastOutcome: result.outcome as unknown as Record<string, unknown>,
      nextAttemptAt: result.nextAttemptAt ?? now,
      leaseOwner: null,
      leaseUntil: null,
      updatedAt: now,
    })
    .where(and(eq(outboxJobs.id, job.id), eq(outboxJobs.state, 'running'), eq(outboxJobs.leaseOwner, owner)))
    .returning({ id: outboxJobs.id })
    .all();
  return updated.length === 1;
}

/** Staff asked to run a stopped or waiting step again: a fresh attempt budget, due now. */
export function resetJobForRetry(db: Db, jobId: number, now: Date): Job {
  const row = db
    .update(outboxJobs)
    .set({ state: 'pending', attempts: 0, nextAttemptAt: now, leaseOwner: null, leaseUntil: null, updatedAt: now })
    .where(eq(outboxJobs.id, jobId))
    .returning()
    .get();
  return toJob(row);
}

/**
 * The running worker's heartbeat: extends the lease only while this worker still owns it, so a
 * job taken over after expiry is never taken back. False when the lease was lost.
 */
export function renewLease(db: Db, jobId: number, owner: string, until: Date): boolean {
  const updated = db
    .update(outboxJobs)
    .set({ leaseUntil: until })
    .where(and(eq(outboxJobs.id, jobId), eq(outboxJobs.state, 'running'), eq(outboxJobs.leaseOwner, owner)))
    .returning({ id: outboxJobs.id })
    .all();
  return updated.length === 1;
}
