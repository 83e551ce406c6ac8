import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from './database.ts';
import { type ProtocolLogRow, protocolLog } from './schema.ts';
import { connection } from './connection.ts';
import { allRows, instantParam, rawRun, runWrite, tablesOf } from './dialect.ts';

/** One HTTP exchange with an ILS, already masked by the caller (see `adapters/masking.ts`). */
export interface ProtocolExchange {
  requestId?: string | undefined;
  stepKey?: string | undefined;
  libraryId?: number | undefined;
  at: Date;
  method: string;
  url: string;
  requestHeaders?: Record<string, string> | undefined;
  requestBody?: string | undefined;
  status?: number | undefined;
  responseBody?: string | undefined;
  durationMs?: number | undefined;
  error?: string | undefined;
}

export async function appendProtocolLog(db: Db, exchange: ProtocolExchange): Promise<void> {
  const { protocolLog } = tablesOf(db);
  return connection(db, async () => {
    await runWrite(
      db.insert(protocolLog).values({
        requestId: exchange.requestId ?? null,
        stepKey: exchange.stepKey ?? null,
        libraryId: exchange.libraryId ?? null,
        at: exchange.at,
        method: exchange.method,
        url: exchange.url,
        requestHeaders: exchange.requestHeaders ?? null,
        requestBody: exchange.requestBody ?? null,
        status: exchange.status ?? null,
        responseBody: exchange.responseBody ?? null,
        durationMs: exchange.durationMs ?? null,
        error: exchange.error ?? null,
      }),
    );
  });
}

export async function protocolLogOf(db: Db, requestId: string): Promise<ProtocolLogRow[]> {
  const { protocolLog } = tablesOf(db);
  return connection(db, async () => {
    return await allRows(db.select().from(protocolLog).where(eq(protocolLog.requestId, requestId)).orderBy(asc(protocolLog.id)));
  });
}

/** How long the raw ILS traffic is kept: ReShare keeps its protocol log 30 days too. */
export const defaultProtocolLogRetentionDays = 30;

/**
 * Deletes exchanges older than `before`, in batches (a short write lock each, on the `at` index),
 * so a year of traffic is pruned without stalling the worker; returns how many went.
 */
export async function pruneProtocolLog(db: Db, before: Date, batch = 5_000): Promise<number> {
  return connection(db, async () => {
    let removed = 0;
    for (;;) {
      const result = await rawRun(
        db,
        sql`delete from protocol_log where id in (select id from protocol_log where at < ${instantParam(db, before)} order by at limit ${batch})`,
      );
      const changes = result.changes;
      removed += changes;
      if (changes < batch) return removed;
    }
  });
}
