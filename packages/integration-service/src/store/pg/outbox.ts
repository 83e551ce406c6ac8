import { eq, type SQL, sql } from 'drizzle-orm';
import { transaction } from '../connection.ts';
import type { Db } from '../database.ts';
import { oneRow, rawGet, tablesOf } from '../dialect.ts';
import type { ClaimOptions, Job } from '../outbox.ts';
import { toJob } from '../outbox.ts';

const notSkipped = (skip: readonly number[]): SQL => (skip.length ? sql`and j.library_id not in (${sql.join([...skip], sql`, `)})` : sql``);

/**
 * Claims the next runnable job on Postgres: the same rules as SQLite's claim (../outbox.ts: a
 * dead worker's job first, then the earliest due job whose prerequisites succeeded, whose earlier
 * steps and plans have settled, and none of whose request's other steps is running), but the
 * candidate is locked with FOR UPDATE SKIP LOCKED instead of the whole database: instances claim
 * at once, each skipping the rows another is taking. A job another instance claimed and committed
 * meanwhile is re-checked by Postgres when locked (its state no longer matches: skipped). Two jobs
 * of one request can never both be claimed: the later one waits on the earlier while it is
 * pending or running — locked by another claim or not, it is still there to see.
 */
export async function claimNextJobOnPostgres(db: Db, options: ClaimOptions): Promise<Job | undefined> {
  const now = options.now;
  const skip = options.skipLibraries ?? [];
  return transaction(
    db,
    async (tx) => {
      const candidate =
        (await rawGet<{ id: number }>(
          tx,
          sql`select j.id from outbox_jobs j
              where j.state = 'running' and j.lease_until <= ${now} ${notSkipped(skip)}
              order by j.lease_until limit 1
              for update skip locked`,
        )) ??
        (await rawGet<{ id: number }>(
          tx,
          sql`select j.id from outbox_jobs j
              where j.state in ('pending', 'failed-retryable') and j.next_attempt_at <= ${now} ${notSkipped(skip)}
                and not exists (
                  select 1 from jsonb_array_elements_text(coalesce(j.step -> 'requires', '[]'::jsonb)) r(key)
                  where not exists (select 1 from outbox_jobs d where d.idempotency_key = r.key and d.state in ('succeeded', 'resolved'))
                )
                and not exists (
                  select 1 from outbox_jobs p
                  where p.request_id = j.request_id and p.id <> j.id and p.state in ('pending', 'running', 'failed-retryable')
                    and (p.plan_id < j.plan_id or (p.plan_id = j.plan_id and p.position < j.position) or (p.state = 'running' and p.lease_until > ${now}))
                )
              order by j.next_attempt_at, j.id
              limit 1
              for update of j skip locked`,
        ));
      if (!candidate) return undefined;
      const { outboxJobs } = tablesOf(tx);
      const row = await oneRow(
        tx
          .update(outboxJobs)
          .set({
            state: 'running',
            leaseOwner: options.owner,
            leaseUntil: new Date(now.getTime() + options.leaseMs),
            attempts: sql`${outboxJobs.attempts} + 1`,
            updatedAt: now,
          })
          .where(eq(outboxJobs.id, Number(candidate.id)))
          .returning(),
      );
      return toJob(row);
    },
    // no writer lock: the row lock is the claim's
    { behavior: 'deferred' },
  );
}
