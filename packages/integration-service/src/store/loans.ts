import { idempotencyKey, type LoanHeldForRequest } from '@bookstrap/core';
import { and, eq, inArray, ne } from 'drizzle-orm';
import type { Db } from './database.ts';
import { outboxJobs, requests } from './schema.ts';
import { connection } from './connection.ts';
import { allRows, oneRow, tablesOf } from './dialect.ts';

/**
 * The loans Bookstrap made on a lent item for other requests of the library and has not checked
 * in: a check-out step that succeeded, its check-in not (yet) succeeded. A check-out for this
 * request that finds the same account's loan on the item must not take that loan as its own
 * (issue "never touch what isn't yours": the 'already done' that belonged to another request).
 * Read only on check-out steps, through the (library, item barcode) index.
 */
export async function loansHeldByOtherRequests(db: Db, input: { libraryId: number; requestId: string; itemBarcode: string }): Promise<LoanHeldForRequest[]> {
  const { outboxJobs, requests } = tablesOf(db);
  return connection(db, async () => {
    const others = await allRows(
      db
        .select({ id: requests.id })
        .from(requests)
        .where(
          and(
            eq(requests.libraryId, input.libraryId),
            eq(requests.itemBarcode, input.itemBarcode),
            eq(requests.role, 'lending'),
            ne(requests.id, input.requestId),
          ),
        ),
    );
    if (others.length === 0) return [];
    const checkOutKey = (id: string) => idempotencyKey(id, 'check-out-to-borrowing-library', input.itemBarcode);
    const checkInKey = (id: string) => idempotencyKey(id, 'check-in', input.itemBarcode);
    const jobs = new Map(
      (
        await allRows(
          db
            .select({ key: outboxJobs.idempotencyKey, state: outboxJobs.state, outcome: outboxJobs.lastOutcome })
            .from(outboxJobs)
            .where(
              inArray(
                outboxJobs.idempotencyKey,
                others.flatMap(({ id }) => [checkOutKey(id), checkInKey(id)]),
              ),
            ),
        )
      ).map((job) => [job.key, job]),
    );
    const held: LoanHeldForRequest[] = [];
    for (const { id } of others) {
      const checkOut = jobs.get(checkOutKey(id));
      if (checkOut?.state !== 'succeeded') continue;
      if (jobs.get(checkInKey(id))?.state === 'succeeded') continue;
      const loanId = (checkOut.outcome as { value?: { loanId?: unknown } } | null)?.value?.loanId;
      held.push(typeof loanId === 'string' && loanId !== '' ? { requestId: id, loanId } : { requestId: id });
    }
    return held;
  });
}

/** The ILS's id of the fee a charge-fee step recorded when it succeeded; undefined otherwise. */
export async function feeIdCharged(db: Db, chargeKey: string): Promise<string | undefined> {
  const { outboxJobs } = tablesOf(db);
  return connection(db, async () => {
    const job = await oneRow(
      db.select({ state: outboxJobs.state, outcome: outboxJobs.lastOutcome }).from(outboxJobs).where(eq(outboxJobs.idempotencyKey, chargeKey)),
    );
    if (job?.state !== 'succeeded' && job?.state !== 'resolved') return undefined;
    const feeId = (job.outcome as { value?: { feeId?: unknown } } | null)?.value?.feeId;
    return typeof feeId === 'string' && feeId !== '' ? feeId : undefined;
  });
}
