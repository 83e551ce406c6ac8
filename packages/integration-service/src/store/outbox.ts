import { transaction } from './connection.ts';
import { type IlsStep, type PrerequisiteState, prerequisite, readiness, type StepOutcome, temporaryItemIlsBarcode } from '@bookstrap/core';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, ServiceDatabase } from './database.ts';
import { findBy, jsonValues } from './prepared.ts';
import { type JobRow, type JobState, outboxJobs } from './schema.ts';
import { connection } from './connection.ts';
import { allRows, isPostgres, oneRow, prepared, rawGet, runWrite, tablesOf } from './dialect.ts';
import { claimNextJobOnPostgres } from './pg/outbox.ts';

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

/** The outcome stored on a job that was never run because a step it depends on did not succeed. */
export interface SkippedOutcome {
  kind: 'skipped';
  reason: string;
  blockedBy: string;
}

export interface QueuedStep {
  step: IlsStep;
  /** set when the step was stored as skipped: it would have acted on records the request does not own */
  skipped?: SkippedOutcome | undefined;
}

const waitingStates = new Set<JobState>(['pending', 'running', 'failed-retryable']);
/** resolved: staff did it by hand, which counts as succeeded for what depends on it */
const isDoneState = (state: JobState) => state === 'succeeded' || state === 'resolved';
const stateOfPrerequisite = (state: JobState): PrerequisiteState => (isDoneState(state) ? 'succeeded' : waitingStates.has(state) ? 'waiting' : 'failed');

/** The state of each prerequisite step, by key, as core `readiness` wants it. */
export async function prerequisiteStates(db: Db, keys: readonly string[]): Promise<Map<string, PrerequisiteState>> {
  const { outboxJobs } = tablesOf(db);
  return connection(db, async () => {
    const states = new Map<string, PrerequisiteState>();
    if (keys.length === 0) return states;
    for (const row of await allRows(
      db
        .select({ key: outboxJobs.idempotencyKey, state: outboxJobs.state })
        .from(outboxJobs)
        .where(inArray(outboxJobs.idempotencyKey, [...keys])),
    )) {
      states.set(row.key, stateOfPrerequisite(row.state));
    }
    return states;
  });
}

async function skippedOutcome(db: Db, step: IlsStep): Promise<SkippedOutcome | undefined> {
  const verdict = readiness(step, await prerequisiteStates(db, step.requires ?? []));
  return verdict.kind === 'skip' ? { kind: 'skipped', reason: verdict.reason, blockedBy: verdict.blockedBy } : undefined;
}

/**
 * Writes a plan's steps in order; returns the steps actually queued (a known key is not queued
 * again). A step whose prerequisite already failed or was never planned is stored as skipped.
 */
export async function enqueuePlan(db: Db, input: { requestId: string; libraryId: number; planId: number; plan: IlsStep[] }, now: Date): Promise<QueuedStep[]> {
  const { outboxJobs } = tablesOf(db);
  return connection(db, async () => {
    const queued: QueuedStep[] = [];
    for (const [position, step] of input.plan.entries()) {
      const skipped = await skippedOutcome(db, step);
      const inserted = await allRows(
        db
          .insert(outboxJobs)
          .values({
            idempotencyKey: step.key,
            requestId: input.requestId,
            libraryId: input.libraryId,
            planId: input.planId,
            position,
            stepName: step.name,
            step: step as unknown as Record<string, unknown>,
            state: skipped ? 'skipped' : 'pending',
            lastOutcome: skipped ? (skipped as unknown as Record<string, unknown>) : undefined,
            nextAttemptAt: now,
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoNothing({ target: outboxJobs.idempotencyKey })
          .returning({ id: outboxJobs.id }),
      );
      if (inserted.length > 0) queued.push({ step, skipped });
    }
    return queued;
  });
}

/** What settling one step did to the steps that depend on it. */
export interface DependentChange {
  job: Job;
  change: 'skipped' | 'reopened';
  reason: string;
}

/**
 * No cascades: when a step stops for staff, every waiting step that depends on it (directly or
 * through another) is skipped, so it never acts on records the request does not own. When such a
 * step later succeeds (staff retried it), the steps skipped because of it are reopened.
 */
export async function settleDependents(db: Db, settled: Job, state: JobState, now: Date): Promise<DependentChange[]> {
  const { outboxJobs } = tablesOf(db);
  return connection(db, async () => {
    const changes: DependentChange[] = [];
    const siblings = (await allRows(db.select().from(outboxJobs).where(eq(outboxJobs.requestId, settled.requestId)))).map(toJob);
    const dependentsOf = (key: string) => siblings.filter((job) => job.step.requires?.includes(key));
    if (isDoneState(state)) {
      for (const job of dependentsOf(settled.key)) {
        const blockedBy = (job.lastOutcome as { blockedBy?: unknown } | undefined)?.blockedBy;
        if (job.state !== 'skipped' || blockedBy !== settled.key) continue;
        if (await skippedOutcome(db, job.step)) continue;
        await runWrite(
          db
            .update(outboxJobs)
            .set({ state: 'pending', attempts: 0, lastOutcome: null, nextAttemptAt: now, updatedAt: now })
            .where(and(eq(outboxJobs.id, job.id), eq(outboxJobs.state, 'skipped'))),
        );
        changes.push({ job, change: 'reopened', reason: `step ${settled.key}, which it depends on, has now succeeded` });
      }
      return changes;
    }
    if (waitingStates.has(state)) return changes;
    const queue = [settled.key];
    while (queue.length > 0) {
      const key = queue.shift() as string;
      for (const job of dependentsOf(key)) {
        if (job.state !== 'pending' && job.state !== 'failed-retryable') continue;
        const skipped = await skippedOutcome(db, job.step);
        if (!skipped) continue;
        const updated = await allRows(
          db
            .update(outboxJobs)
            .set({ state: 'skipped', lastOutcome: skipped as unknown as Record<string, unknown>, updatedAt: now })
            .where(and(eq(outboxJobs.id, job.id), inArray(outboxJobs.state, ['pending', 'failed-retryable'])))
            .returning({ id: outboxJobs.id }),
        );
        if (updated.length === 0) continue;
        job.state = 'skipped';
        changes.push({ job, change: 'skipped', reason: skipped.reason });
        queue.push(job.key);
      }
    }
    return changes;
  });
}

export async function jobsOfRequest(db: Db, requestId: string): Promise<Job[]> {
  const { outboxJobs } = tablesOf(db);
  return connection(db, async () => {
    return (
      await prepared(db, 'jobsOfRequest', () =>
        db
          .select()
          .from(outboxJobs)
          .where(eq(outboxJobs.requestId, sql.placeholder('requestId')))
          .orderBy(asc(outboxJobs.planId), asc(outboxJobs.position)),
      ).all({ requestId })
    ).map(toJob);
  });
}

export async function jobsOfRequests(db: Db, requestIds: string[]): Promise<Map<string, Job[]>> {
  const { outboxJobs } = tablesOf(db);
  return connection(db, async () => {
    const byRequest = new Map<string, Job[]>();
    if (requestIds.length === 0) return byRequest;
    const rows = await prepared(db, 'jobs-of-requests', () =>
      db
        .select()
        .from(outboxJobs)
        .where(inArray(outboxJobs.requestId, jsonValues(db, 'ids')))
        .orderBy(asc(outboxJobs.planId), asc(outboxJobs.position)),
    ).all({ ids: JSON.stringify(requestIds) });
    for (const row of rows) {
      const list = byRequest.get(row.requestId) ?? [];
      list.push(toJob(row));
      byRequest.set(row.requestId, list);
    }
    return byRequest;
  });
}

/**
 * The barcode the ILS gave the request's temporary item when it is not `sent` (a responder that
 * makes the item under a new barcode when the sent one is taken, as Koha does), read from the
 * outcome of the step that created it; undefined otherwise (and for any item the request did not
 * create). Every later step and the strap act on this barcode: the item under `sent` is another's.
 */
export async function ilsBarcodeOfTemporaryItem(db: Db, requestId: string, sent: string): Promise<string | undefined> {
  return connection(db, async () => {
    const created = await findJob(db, prerequisite.temporaryItem(requestId, sent));
    if (!created || !isDoneState(created.state)) return undefined;
    return temporaryItemIlsBarcode(sent, created.lastOutcome);
  });
}

export async function findJob(db: Db, key: string): Promise<Job | undefined> {
  const { outboxJobs } = tablesOf(db);
  return connection(db, async () => {
    const row = await findBy<typeof outboxJobs.$inferSelect>(db, outboxJobs, outboxJobs.idempotencyKey, key);
    return row ? toJob(row) : undefined;
  });
}

export interface ClaimOptions {
  owner: string;
  now: Date;
  leaseMs: number;
  /** libraries the rate limiter is holding back right now */
  skipLibraries?: number[];
}

const notSkipped = (skip: readonly number[]) => (skip.length ? sql`and j.library_id not in (${sql.join([...skip], sql`, `)})` : sql``);

/**
 * A dead worker's job: its lease ran out (partial index over running jobs' leases). It was
 * runnable when it was claimed, and nothing else of its request can have started since.
 */
export function expiredLeaseQuery(now: number, skip: readonly number[] = []) {
  return sql`
    select j.id from outbox_jobs j indexed by outbox_jobs_leases
    where j.state = 'running' and j.lease_until <= ${now} ${notSkipped(skip)}
    order by j.lease_until limit 1`;
}

/**
 * The earliest due waiting job: one range scan of the partial index over waiting jobs (settled
 * jobs, the bulk of the table, are not in it) in the order it keeps, so no sort; each candidate's
 * checks are index lookups among its own request's jobs.
 */
export function dueJobQuery(now: number, skip: readonly number[] = []) {
  return sql`
    select j.id from outbox_jobs j indexed by outbox_jobs_claimable
    where j.state in ('pending', 'failed-retryable') and j.next_attempt_at <= ${now} ${notSkipped(skip)}
      -- every step whose records this one acts on has succeeded (no cascades after a failure)
      and not exists (
        select 1 from json_each(j.step, '$.requires') r
        where not exists (select 1 from outbox_jobs d where d.idempotency_key = r.value and d.state in ('succeeded', 'resolved'))
      )
      -- steps run in plan order, a plan after every earlier one has settled, one step of a request at a time
      and not exists (
        select 1 from outbox_jobs p indexed by outbox_jobs_request
        where p.request_id = j.request_id and p.id <> j.id and p.state in ('pending', 'running', 'failed-retryable')
          and (p.plan_id < j.plan_id or (p.plan_id = j.plan_id and p.position < j.position) or (p.state = 'running' and p.lease_until > ${now}))
      )
    order by j.next_attempt_at, j.id
    limit 1`;
}

/**
 * Claims the next runnable job, atomically: an IMMEDIATE transaction takes the write lock before
 * reading, so two workers (even in two processes) can never claim the same job. Runnable means
 * due, not leased by a live worker, every earlier step of its plan succeeded (the hold needs
 * the item), every earlier plan of the request has settled (done, or stopped for staff), and nothing
 * else of the request runs.
 * An expired lease (a worker that died) makes a running job claimable again.
 */
export async function claimNextJob(db: ServiceDatabase, options: ClaimOptions): Promise<Job | undefined> {
  if (isPostgres(db)) return claimNextJobOnPostgres(db, options);
  const { outboxJobs } = tablesOf(db);
  return connection(db, async () => {
    const now = options.now.getTime();
    const skip = options.skipLibraries ?? [];
    return await transaction(
      db,
      async (tx) => {
        // A dead worker's job first: its lease ran out (partial index on running jobs' leases). It
        // was runnable when it was claimed, and nothing else of its request can have started since.
        const candidate = tx.get<{ id: number } | undefined>(expiredLeaseQuery(now, skip)) ?? tx.get<{ id: number } | undefined>(dueJobQuery(now, skip));
        if (!candidate) return undefined;
        const row = await oneRow(
          tx
            .update(outboxJobs)
            .set({
              state: 'running',
              leaseOwner: options.owner,
              leaseUntil: new Date(now + options.leaseMs),
              attempts: sql`${outboxJobs.attempts} + 1`,
              updatedAt: options.now,
            })
            .where(eq(outboxJobs.id, candidate.id))
            .returning(),
        );
        return toJob(row);
      },
      { behavior: 'immediate' },
    );
  });
}

/** The earliest moment a waiting job becomes due (for the worker's sleep), if any. */
export async function nextDueAt(db: Db): Promise<Date | undefined> {
  return connection(db, async () => {
    const row = await rawGet<{ at: number | null }>(
      db,
      sql`
    select min(case when state = 'running' then lease_until else next_attempt_at end) as at
    from outbox_jobs where state in ('pending', 'failed-retryable', 'running')`,
    );
    return row?.at == null ? undefined : new Date(row.at);
  });
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
export async function finishJob(db: Db, job: Job, owner: string, result: JobResult, now: Date): Promise<boolean> {
  const { outboxJobs } = tablesOf(db);
  return connection(db, async () => {
    const updated = await allRows(
      db
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
        .returning({ id: outboxJobs.id }),
    );
    return updated.length === 1;
  });
}

/** Staff asked to run a stopped or waiting step again: a fresh attempt budget, due now. */
export async function resetJobForRetry(db: Db, jobId: number, now: Date): Promise<Job> {
  const { outboxJobs } = tablesOf(db);
  return connection(db, async () => {
    const row = await oneRow(
      db
        .update(outboxJobs)
        .set({ state: 'pending', attempts: 0, nextAttemptAt: now, leaseOwner: null, leaseUntil: null, updatedAt: now })
        .where(eq(outboxJobs.id, jobId))
        .returning(),
    );
    return toJob(row);
  });
}

/**
 * The running worker's heartbeat: extends the lease only while this worker still owns it, so a
 * job taken over after expiry is never taken back. False when the lease was lost.
 */
export async function renewLease(db: Db, jobId: number, owner: string, until: Date): Promise<boolean> {
  const { outboxJobs } = tablesOf(db);
  return connection(db, async () => {
    const updated = await allRows(
      db
        .update(outboxJobs)
        .set({ leaseUntil: until })
        .where(and(eq(outboxJobs.id, jobId), eq(outboxJobs.state, 'running'), eq(outboxJobs.leaseOwner, owner)))
        .returning({ id: outboxJobs.id }),
    );
    return updated.length === 1;
  });
}

/** What staff or a correction made of a step: resolved by hand, skipped, superseded, moot. */
export interface StaffOutcome {
  kind: 'resolved' | 'skipped';
  reason: string;
  by?: string | undefined;
  /** the outcome the step had before */
  previous?: Record<string, unknown> | undefined;
}

/**
 * Settles a step that is not running without the worker (staff resolved or skipped it, a correction
 * superseded it, the request's end made it moot). False when it was claimed meanwhile.
 */
export async function settleJobByStaff(db: Db, job: Job, state: 'resolved' | 'skipped', outcome: StaffOutcome, now: Date): Promise<boolean> {
  const { outboxJobs } = tablesOf(db);
  return connection(db, async () => {
    const updated = await allRows(
      db
        .update(outboxJobs)
        .set({ state, lastOutcome: outcome as unknown as Record<string, unknown>, leaseOwner: null, leaseUntil: null, updatedAt: now })
        .where(and(eq(outboxJobs.id, job.id), inArray(outboxJobs.state, ['pending', 'failed-retryable', 'needs-staff', 'configuration-error', 'skipped'])))
        .returning({ id: outboxJobs.id }),
    );
    return updated.length === 1;
  });
}

/** A correction's new input for a step not yet done (same key: same ILS record); `reopen` runs it again now. */
export async function rewriteJob(db: Db, job: Job, step: IlsStep, reopen: boolean, now: Date): Promise<boolean> {
  const { outboxJobs } = tablesOf(db);
  return connection(db, async () => {
    const updated = await allRows(
      db
        .update(outboxJobs)
        .set({
          step: step as unknown as Record<string, unknown>,
          ...(reopen ? { state: 'pending' as const, attempts: 0, nextAttemptAt: now, lastOutcome: null } : {}),
          updatedAt: now,
        })
        .where(and(eq(outboxJobs.id, job.id), inArray(outboxJobs.state, ['pending', 'failed-retryable', 'needs-staff', 'configuration-error', 'skipped'])))
        .returning({ id: outboxJobs.id }),
    );
    return updated.length === 1;
  });
}
