import { asc, eq } from 'drizzle-orm';
import type { Db } from './database.ts';
import { type ProtocolLogRow, protocolLog } from './schema.ts';

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

export function appendProtocolLog(db: Db, exchange: ProtocolExchange): void {
  db.insert(protocolLog)
    .values({
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
    })
    .run();
}

export function protocolLogOf(db: Db, requestId: string): ProtocolLogRow[] {
  return db.select().from(protocolLog).where(eq(protocolLog.requestId, requestId)).orderBy(asc(protocolLog.id)).all();
}
