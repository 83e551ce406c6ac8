import type { IllRequest, RequestRole, RequestStatus } from '@bookstrap/core';
import { requestIdFromSequence } from '@bookstrap/core';
import { and, asc, desc, eq, gt, inArray, like, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from './database.ts';
import { circulationHistory, type HistoryKind, type HistoryRow, type RequestRow, requests } from './schema.ts';
import { findBy, kept } from './find-by.ts';

/** A stored request: the core's `IllRequest` plus what only the service knows. */
export interface StoredRequest extends IllRequest {
  libraryId: number;
  partnerRequestId?: string | undefined;
  /** in the needs-attention queue (see store/attention.ts), why, and which step */
  needsAttention: boolean;
  attentionReason?: string | undefined;
  attentionStepKey?: string | undefined;
  createdAt: Date;
  updatedAt: Date;
}

const opt = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

export function toStoredRequest(row: RequestRow): StoredRequest {
  return {
    id: row.id,
    libraryId: row.libraryId,
    role: row.role,
    serviceType: row.serviceType,
    status: row.status as RequestStatus,
    title: row.title,
    author: opt(row.author),
    isbn: opt(row.isbn),
    patronId: opt(row.patronId),
    patronExpiry: opt(row.patronExpiry),
    patronName: opt(row.patronName),
    patronEmail: opt(row.patronEmail),
    pickupLocation: opt(row.pickupLocation),
    inLibraryUseOnly: row.inLibraryUseOnly,
    lenders: row.lenders,
    lenderIndex: row.lenderIndex,
    borrowingLibrary: opt(row.borrowingLibrary),
    supplierItemBarcode: opt(row.supplierItemBarcode),
    lenderDueDate: opt(row.lenderDueDate),
    temporaryBarcode: opt(row.temporaryBarcode),
    patronDueDate: opt(row.patronDueDate),
    itemBarcode: opt(row.itemBarcode),
    dueDate: opt(row.dueDate),
    missingSince: opt(row.missingSince),
    renewals: row.renewals,
    partnerRequestId: opt(row.partnerRequestId),
    needsAttention: row.needsAttention,
    attentionReason: opt(row.attentionReason),
    attentionStepKey: opt(row.attentionStepKey),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The columns an `IllRequest` maps to (absent values are stored as NULL, not left alone). */
function columnsOf(request: IllRequest) {
  return {
    role: request.role,
    serviceType: request.serviceType,
    status: request.status,
    title: request.title,
    author: request.author ?? null,
    isbn: request.isbn ?? null,
    patronId: request.patronId ?? null,
    patronExpiry: request.patronExpiry ?? null,
    patronName: request.patronName ?? null,
    patronEmail: request.patronEmail ?? null,
    pickupLocation: request.pickupLocation ?? null,
    inLibraryUseOnly: request.inLibraryUseOnly,
    lenders: request.lenders,
    lenderIndex: request.lenderIndex,
    borrowingLibrary: request.borrowingLibrary ?? null,
    supplierItemBarcode: request.supplierItemBarcode ?? null,
    lenderDueDate: request.lenderDueDate ?? null,
    temporaryBarcode: request.temporaryBarcode ?? null,
    patronDueDate: request.patronDueDate ?? null,
    itemBarcode: request.itemBarcode ?? null,
    dueDate: request.dueDate ?? null,
    missingSince: request.missingSince ?? null,
    renewals: request.renewals,
  };
}

/** The next request ID: numeric with a check digit, from a sequence that never repeats. */
export function nextRequestId(db: Db): { seq: number; id: string } {
  const row = db.get<{ seq: number | null }>(sql`select max(${requests.seq}) as seq from ${requests}`);
  const seq = (row?.seq ?? 0) + 1;
  return { seq, id: requestIdFromSequence(seq) };
}

export function insertRequest(db: Db, seq: number, libraryId: number, request: IllRequest, now: Date, partnerRequestId?: string): StoredRequest {
  const row = db
    .insert(requests)
    .values({ seq, id: request.id, libraryId, ...columnsOf(request), partnerRequestId: partnerRequestId ?? null, createdAt: now, updatedAt: now })
    .returning()
    .get();
  return toStoredRequest(row);
}

export function saveRequest(db: Db, request: IllRequest, now: Date, partnerRequestId?: string | null): StoredRequest {
  const row = db
    .update(requests)
    .set({ ...columnsOf(request), ...(partnerRequestId !== undefined ? { partnerRequestId } : {}), updatedAt: now })
    .where(eq(requests.id, request.id))
    .returning()
    .get();
  return toStoredRequest(row);
}

export function setPatronExpiry(db: Db, requestId: string, patronExpiry: string, now: Date): void {
  db.update(requests).set({ patronExpiry, updatedAt: now }).where(eq(requests.id, requestId)).run();
}

export function findRequest(db: Db, id: string): StoredRequest | undefined {
  const row = findBy<typeof requests.$inferSelect>(db, requests, requests.id, id);
  return row ? toStoredRequest(row) : undefined;
}

/** A library's own request; another library's request is indistinguishable from a missing one. */
export function findLibraryRequest(db: Db, libraryId: number, id: string): StoredRequest | undefined {
  // on every request route (the API's most frequent read)
  const row = kept(db, 'findLibraryRequest', () =>
    db
      .select()
      .from(requests)
      .where(and(eq(requests.id, sql.placeholder('id')), eq(requests.libraryId, sql.placeholder('libraryId'))))
      .prepare(),
  ).get({ id, libraryId });
  return row ? toStoredRequest(row) : undefined;
}

export interface RequestFilter {
  libraryId: number;
  role?: RequestRole | undefined;
  status?: string[] | undefined;
  title?: string | undefined;
  patronId?: string | undefined;
  /** only requests whose ILS steps need (true) or do not need (false) attention */
  needsAttention?: boolean | undefined;
  requestIds?: string[] | undefined;
  /**
   * One box for what staff have in hand (the console's search): exactly a request ID, a patron
   * ID or a barcode (temporary, the lender's, the item's) — each an index look-up — or, when
   * nothing matches exactly, part of the title (2+ characters; a scan, stopped by the page size).
   */
  search?: string | undefined;
  limit: number;
  offset: number;
  /** keyset paging: the page after (older than) this cursor (from `nextCursor`); `offset` is then ignored */
  cursor?: string | undefined;
  /** keyset paging back: the page just before (newer than) this cursor (from `prevCursor`) */
  newerThan?: string | undefined;
}

/** Counted up to here (1,000: "1,000+" in a list header); beyond, `total` says "at least" (`totalCapped`), so a count never walks a whole library. */
export const maxCountedTotal = 1_000;

export interface RequestPage {
  requests: StoredRequest[];
  total: number;
  /** the library has more than `maxCountedTotal` such requests: `total` is that cap */
  totalCapped: boolean;
  /** the cursor of the next (older) page; absent on the last */
  nextCursor?: string | undefined;
  /** the cursor of the page before (newer); absent on the first (only with `cursor` or `newerThan`) */
  prevCursor?: string | undefined;
}

/** A cursor is the last request's sequence, opaque to clients. */
export const cursorOf = (seq: number) => Buffer.from(`s${seq}`).toString('base64url');
export function seqOfCursor(cursor: string): number | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^s(\d{1,15})$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

function conditionsOf(filter: RequestFilter): SQL[] {
  const conditions: SQL[] = [eq(requests.libraryId, filter.libraryId)];
  if (filter.role) conditions.push(eq(requests.role, filter.role));
  if (filter.title) conditions.push(like(requests.title, `%${filter.title.replace(/[%_]/g, '')}%`));
  if (filter.patronId) conditions.push(eq(requests.patronId, filter.patronId));
  // The queue column is maintained with every step change (store/attention.ts), and indexed.
  if (filter.needsAttention !== undefined) conditions.push(eq(requests.needsAttention, filter.needsAttention));
  if (filter.requestIds) conditions.push(inArray(requests.id, filter.requestIds.length ? filter.requestIds : ['']));
  return conditions;
}

/**
 * A page of a library's requests, newest first (by sequence: stable, unique). Each filter has an
 * index whose entries are already in that order (an index entry ends with the rowid, = seq), so a
 * page reads only its rows: keyset with `cursor` (older) and `newerThan` (back); `offset` for
 * older clients, which pays for the rows it skips. Several statuses are read one status at a
 * time, each in index order, and merged — `status IN (…) ORDER BY seq` would sort every match.
 * Counts stop at `maxCountedTotal`.
 */
export function listRequests(db: Db, filter: RequestFilter): RequestPage {
  if (filter.search !== undefined) {
    const { search, ...rest } = filter;
    const exact = exactMatches(db, filter.libraryId, search);
    const term = search.replace(/[%_]/g, '');
    const within = rest.requestIds;
    if (exact.length > 0 || term.length < 2) return listRequests(db, { ...rest, requestIds: within ? exact.filter((id) => within.includes(id)) : exact });
    return listRequests(db, { ...rest, title: term });
  }
  if (filter.requestIds) return listByIds(db, filter);
  const base = conditionsOf(filter);
  const statuses = filter.status?.length ? [...new Set(filter.status)] : undefined;
  const where = and(...base, ...(statuses ? [inArray(requests.status, statuses)] : []));
  const counted = db.get<{ n: number }>(sql`select count(*) as n from (select 1 from ${requests} where ${where} limit ${maxCountedTotal + 1})`)?.n ?? 0;
  const before = filter.cursor !== undefined ? seqOfCursor(filter.cursor) : undefined;
  const after = before === undefined && filter.newerThan !== undefined ? seqOfCursor(filter.newerThan) : undefined;
  const keyset = before !== undefined ? lt(requests.seq, before) : after !== undefined ? gt(requests.seq, after) : undefined;
  const newer = after !== undefined;
  const take = filter.limit + 1;
  const read = (status: string | undefined, offset: number) => {
    const query = db
      .select()
      .from(requests)
      .where(and(...base, ...(status !== undefined ? [eq(requests.status, status)] : []), ...(keyset ? [keyset] : [])))
      .orderBy(newer ? asc(requests.seq) : desc(requests.seq))
      .limit(take);
    return (offset > 0 ? query.offset(offset) : query).all();
  };
  const offset = keyset ? 0 : filter.offset;
  let rows: RequestRow[];
  if (!statuses || statuses.length === 1) rows = read(statuses?.[0], offset);
  else {
    // each status's first (offset + limit + 1) rows, merged: the page is among them
    const per = statuses.flatMap((status) => readFirst(db, base, status, keyset, newer, offset + take));
    per.sort((a, b) => (newer ? a.seq - b.seq : b.seq - a.seq));
    rows = per.slice(offset, offset + take);
  }
  const more = rows.length > filter.limit;
  const page = rows.slice(0, filter.limit);
  if (newer) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  return {
    requests: page.map(toStoredRequest),
    total: Math.min(counted, maxCountedTotal),
    totalCapped: counted > maxCountedTotal,
    ...((newer || more) && last ? { nextCursor: cursorOf(last.seq) } : {}),
    ...((newer ? more : before !== undefined) && first ? { prevCursor: cursorOf(first.seq) } : {}),
  };
}

/**
 * A page among known request IDs (a search's matches; at most a thousand): looked up by the ID's
 * unique index and ordered here. Asking SQLite for them in sequence order would make it walk a
 * status index in that order instead, testing every request of the status against the set.
 */
function listByIds(db: Db, filter: RequestFilter): RequestPage {
  const ids = [...new Set(filter.requestIds)].slice(0, maxCountedTotal + 1);
  const statuses = filter.status?.length ? filter.status : undefined;
  // by ID alone first (the unique index), then the rest by rowid: given the ID set together with
  // the other conditions, SQLite prefers the (library, role, status) index and walks it
  const seqs = ids.length
    ? db
        .select({ seq: requests.seq })
        .from(requests)
        .where(inArray(requests.id, ids))
        .all()
        .map((row) => row.seq)
    : [];
  const { requestIds: _, ...rest } = filter;
  const matched = seqs.length
    ? db
        .select()
        .from(requests)
        .where(and(inArray(requests.seq, seqs), ...conditionsOf(rest), ...(statuses ? [inArray(requests.status, statuses)] : [])))
        .all()
        .sort((a, b) => b.seq - a.seq)
    : [];
  const before = filter.cursor !== undefined ? seqOfCursor(filter.cursor) : undefined;
  const after = before === undefined && filter.newerThan !== undefined ? seqOfCursor(filter.newerThan) : undefined;
  let start = filter.offset;
  let end = start + filter.limit;
  if (before !== undefined) {
    start = matched.findIndex((row) => row.seq < before);
    if (start < 0) start = matched.length;
    end = start + filter.limit;
  } else if (after !== undefined) {
    end = matched.findIndex((row) => row.seq <= after);
    if (end < 0) end = matched.length;
    start = Math.max(0, end - filter.limit);
  }
  const page = matched.slice(start, end);
  const first = page[0];
  const last = page[page.length - 1];
  return {
    requests: page.map(toStoredRequest),
    total: Math.min(matched.length, maxCountedTotal),
    totalCapped: matched.length > maxCountedTotal,
    ...(end < matched.length && last ? { nextCursor: cursorOf(last.seq) } : {}),
    ...((before !== undefined || after !== undefined) && start > 0 && first ? { prevCursor: cursorOf(first.seq) } : {}),
  };
}

/** What the desk has in hand, by index: a request ID, a patron ID, a temporary, lender's or item barcode. */
function exactMatches(db: Db, libraryId: number, q: string): string[] {
  const mine = (condition: SQL) => and(eq(requests.libraryId, libraryId), condition)!;
  return db
    .select({ id: requests.id })
    .from(requests)
    .where(
      or(
        mine(eq(requests.id, q)),
        mine(eq(requests.patronId, q)),
        mine(eq(requests.temporaryBarcode, q)),
        mine(eq(requests.supplierItemBarcode, q)),
        mine(eq(requests.itemBarcode, q)),
      ),
    )
    .limit(maxCountedTotal + 1)
    .all()
    .map((row) => row.id);
}

function readFirst(db: Db, base: SQL[], status: string, keyset: SQL | undefined, newer: boolean, n: number): RequestRow[] {
  return db
    .select()
    .from(requests)
    .where(and(...base, eq(requests.status, status), ...(keyset ? [keyset] : [])))
    .orderBy(newer ? asc(requests.seq) : desc(requests.seq))
    .limit(n)
    .all();
}

// ---- circulation history (append-only) -------------------------------------------------------

export interface HistoryEntryInput {
  requestId: string;
  kind: HistoryKind;
  text: string;
  action?: string | undefined;
  stepKey?: string | undefined;
  outcome?: string | undefined;
}

export function appendHistory(db: Db, entry: HistoryEntryInput, at: Date): HistoryRow {
  return db
    .insert(circulationHistory)
    .values({
      requestId: entry.requestId,
      at,
      kind: entry.kind,
      text: entry.text,
      action: entry.action ?? null,
      stepKey: entry.stepKey ?? null,
      outcome: entry.outcome ?? null,
    })
    .returning()
    .get();
}

export function historyOf(db: Db, requestId: string): HistoryRow[] {
  return db.select().from(circulationHistory).where(eq(circulationHistory.requestId, requestId)).orderBy(asc(circulationHistory.id)).all();
}
