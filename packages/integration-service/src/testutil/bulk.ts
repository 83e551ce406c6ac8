import { requestIdFromSequence } from '@bookstrap/core';
import type Database from 'better-sqlite3';

/**
 * Bulk rows for scale tests and the bench: prepared inserts in one transaction (hundreds of
 * thousands a second), shaped like what the service writes. Not the workflow: the point is the
 * store's behaviour at size, not how the rows got there.
 */
export interface BulkOptions {
  libraryId: number;
  requests: number;
  /** first sequence number (request ids are `R<seq>`) */
  startSeq?: number;
  /** jobs per request; all settled unless `pending` */
  jobsPerRequest?: number;
  /** of each `pendingEvery` requests, one has its steps still waiting */
  pendingEvery?: number;
  now?: number;
  statuses?: readonly string[];
  /** request IDs as the service makes them (the sequence with its check digit), not `R<seq>` */
  serviceIds?: boolean;
}

export function bulkRequests(sqlite: Database.Database, options: BulkOptions): void {
  const now = options.now ?? Date.UTC(2025, 2, 12, 10);
  const jobs = options.jobsPerRequest ?? 3;
  const statuses = options.statuses ?? ['requested', 'sent', 'shipped', 'received', 'checked-out', 'returned', 'complete'];
  const insertRequest = sqlite.prepare(
    `insert into requests (seq, id, library_id, role, service_type, status, title, patron_id, lenders, needs_attention, attention_reason, created_at, updated_at)
     values (?, ?, ?, ?, 'loan', ?, ?, ?, '["LENDA"]', ?, ?, ?, ?)`,
  );
  const insertJob = sqlite.prepare(
    `insert into outbox_jobs (idempotency_key, request_id, library_id, plan_id, position, step_name, step, state, attempts, next_attempt_at, created_at, updated_at)
     values (?, ?, ?, 1, ?, 'lookup-patron', ?, ?, ?, ?, ?, ?)`,
  );
  const titles = ['Dracula', 'Jane Eyre', 'Opticks', 'Emma', 'Persuasion', 'Middlemarch', 'Ivanhoe', 'Beowulf', 'Walden', 'Kidnapped'];
  const start = options.startSeq ?? 1;
  sqlite.transaction(() => {
    for (let i = 0; i < options.requests; i += 1) {
      const seq = start + i;
      const id = options.serviceIds ? requestIdFromSequence(seq) : `R${seq}`;
      const pending = options.pendingEvery !== undefined && i % options.pendingEvery === 0;
      const attention = !pending && i % 97 === 0;
      const at = now - (options.requests - i) * 1000;
      insertRequest.run(
        seq,
        id,
        options.libraryId,
        i % 3 === 0 ? 'lending' : 'borrowing',
        statuses[i % statuses.length],
        `${titles[i % titles.length]} ${i}`,
        `patron-${i % 5000}`,
        attention ? 1 : 0,
        attention ? 'ils-refused' : null,
        at,
        at,
      );
      for (let position = 0; position < jobs; position += 1) {
        const key = `${id}:step-${position}`;
        const step = JSON.stringify({
          name: 'lookup-patron',
          key,
          input: { patronId: `patron-${i % 5000}` },
          ...(position > 0 ? { requires: [`${id}:step-${position - 1}`] } : {}),
        });
        const state = pending ? 'pending' : attention && position === jobs - 1 ? 'needs-staff' : 'succeeded';
        insertJob.run(key, id, options.libraryId, position, step, state, pending ? 0 : 1, at, at, at);
      }
    }
  })();
}

export function insertBareLibrary(sqlite: Database.Database, symbol: string): number {
  const row = sqlite
    .prepare(
      `insert into libraries (symbol, name, connection, settings, pickup_locations, created_at, updated_at) values (?, ?, '{"ils":"alma","protocol":"rest","credentials":{}}', '{}', '[]', 0, 0) returning id`,
    )
    .get(symbol, symbol) as { id: number };
  return row.id;
}
