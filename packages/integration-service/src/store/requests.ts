import type { IllRequest, RequestRole, RequestStatus } from '@bookstrap/core';
import { requestIdFromSequence } from '@bookstrap/core';
import { and, asc, desc, eq, getTableColumns, gt, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { Db } from './database.ts';
import { cached } from '@bookstrap/sqlite';
import { jsonValues, ph } from './prepared.ts';
import { circulationHistory, type HistoryKind, type HistoryRow, type RequestRow, requests } from './schema.ts';
import { connection } from './connection.ts';
import { allRows, isPostgres, oneRow, prepared, rawGet, runWrite, tablesOf } from './dialect.ts';
import { listRequestsOnPostgres } from './pg/requests.ts';

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
export async function nextRequestId(db: Db): Promise<{ seq: number; id: string }> {
  const { requests } = tablesOf(db);
  return connection(db, async () => {
    const row = await rawGet<{ seq: number | null }>(db, sql`select max(${requests.seq}) as seq from ${requests}`);
    const seq = (row?.seq ?? 0) + 1;
    return { seq, id: requestIdFromSequence(seq) };
  });
}

export async function insertRequest(db: Db, seq: number, libraryId: number, request: IllRequest, now: Date, partnerRequestId?: string): Promise<StoredRequest> {
  const { requests } = tablesOf(db);
  return connection(db, async () => {
    const row = await oneRow(
      db
        .insert(requests)
        .values({ seq, id: request.id, libraryId, ...columnsOf(request), partnerRequestId: partnerRequestId ?? null, createdAt: now, updatedAt: now })
        .returning(),
    );
    return toStoredRequest(row);
  });
}

export async function saveRequest(db: Db, request: IllRequest, now: Date, partnerRequestId?: string | null): Promise<StoredRequest> {
  const { requests } = tablesOf(db);
  return connection(db, async () => {
    const row = await oneRow(
      db
        .update(requests)
        .set({ ...columnsOf(request), ...(partnerRequestId !== undefined ? { partnerRequestId } : {}), updatedAt: now })
        .where(eq(requests.id, request.id))
        .returning(),
    );
    return toStoredRequest(row);
  });
}

export async function setPatronExpiry(db: Db, requestId: string, patronExpiry: string, now: Date): Promise<void> {
  const { requests } = tablesOf(db);
  return connection(db, async () => {
    await runWrite(db.update(requests).set({ patronExpiry, updatedAt: now }).where(eq(requests.id, requestId)));
  });
}

export async function findRequest(db: Db, id: string): Promise<StoredRequest | undefined> {
  const { requests } = tablesOf(db);
  return connection(db, async () => {
    const row = await prepared(db, 'requests.find', () =>
      db
        .select()
        .from(requests)
        .where(eq(requests.id, ph('id'))),
    ).get({ id });
    return row ? toStoredRequest(row) : undefined;
  });
}

/** A library's own request; another library's request is indistinguishable from a missing one. */
export async function findLibraryRequest(db: Db, libraryId: number, id: string): Promise<StoredRequest | undefined> {
  const { requests } = tablesOf(db);
  return connection(db, async () => {
    const row = await prepared(db, 'requests.find-library', () =>
      db
        .select()
        .from(requests)
        .where(and(eq(requests.id, ph('id')), eq(requests.libraryId, ph('library')))),
    ).get({ id, library: libraryId });
    return row ? toStoredRequest(row) : undefined;
  });
}

export interface RequestFilter {
  libraryId: number;
  role?: RequestRole | undefined;
  status?: string[] | undefined;
  /** part of the title, 3+ characters (case-insensitive; the trigram index: see `minTitleSearch`) */
  title?: string | undefined;
  patronId?: string | undefined;
  /** only requests whose ILS steps need (true) or do not need (false) attention */
  needsAttention?: boolean | undefined;
  requestIds?: string[] | undefined;
  /**
   * One box for what staff have in hand (the console's search): exactly a request ID, a patron
   * ID or a barcode (temporary, the lender's, the item's) — each an index look-up — or, when
   * nothing matches exactly, part of the title (3+ characters, the trigram index; shorter text
   * finds identifiers only).
   */
  search?: string | undefined;
  limit: number;
  offset: number;
  /** keyset paging: the page after (older than) this cursor (from `nextCursor`); `offset` is then ignored */
  cursor?: string | undefined;
  /** keyset paging back: the page just before (newer than) this cursor (from `prevCursor`) */
  newerThan?: string | undefined;
}

/**
 * A title is searched by its trigrams (SQLite FTS5, migration 0013): any 3 consecutive characters
 * of the text must be in the title, in order — exactly "the title contains it", case-insensitive.
 * One or two characters have no trigram; the index cannot answer them, and a scan of the library
 * could take seconds, so the API refuses a shorter `title` (400) and the console's search box then
 * looks up identifiers only.
 */
export const minTitleSearch = 3;
export const titleSearchable = (text: string) => Array.from(text.trim()).length >= minTitleSearch;

/** Counted up to here (1,000: "1,000+" in a list header); beyond, `total` says "at least" (`totalCapped`), so a count never walks a whole library. */
export const maxCountedTotal = 1_000;

export interface RequestPage {
  requests: StoredRequest[];
  total: number;
  /**
   * `total` is "at least": the library has more than `maxCountedTotal` such requests (`total` is
   * that cap), or a title search in a big filter stopped counting at `maxTitleCandidates` titles
   */
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

/**
 * The trigram index of titles (migration 0013: an FTS5 table whose rowid is the request's seq,
 * kept by triggers). Declared here, not in schema.ts: drizzle-kit would try to create it as a
 * plain table.
 */
const titleIndex = sqliteTable('requests_title_fts', { rowid: integer('rowid').notNull(), title: text('title') });

/** A phrase of the text's trigrams: the title contains the text (FTS5 string syntax, `"` doubled). */
const titleMatch = (text: string) => `"${text.trim().replaceAll('"', '""')}"`;

/**
 * What one list statement filters on: each present filter is a placeholder, so one prepared
 * statement serves every value. `title`: `probe` tests each request of a small filter (≤ the
 * count cap) against the index; `walk` reads the index newest first and keeps the requests that
 * pass the filter — each stops as soon as the page is full.
 */
interface Shape {
  role: boolean;
  patron: boolean;
  attention: boolean;
  /** 0: any status; n: one of n statuses */
  statuses: number;
  title: 'none' | 'probe' | 'walk';
  keyset: 'none' | 'older' | 'newer';
  offset: boolean;
}

const keyOf = (kind: string, shape: Shape) =>
  `requests.${kind}:${shape.role ? 'r' : ''}${shape.patron ? 'p' : ''}${shape.attention ? 'a' : ''}:${shape.statuses}:${shape.title}:${shape.keyset}:${shape.offset ? 'o' : ''}`;

function conditionsOfShape(shape: Shape): SQL[] {
  const conditions: SQL[] = [eq(requests.libraryId, ph('library'))];
  if (shape.role) conditions.push(eq(requests.role, ph('role')));
  if (shape.patron) conditions.push(eq(requests.patronId, ph('patron')));
  // The queue column is maintained with every step change (store/attention.ts), and indexed.
  if (shape.attention) conditions.push(eq(requests.needsAttention, ph('attention')));
  if (shape.statuses === 1) conditions.push(eq(requests.status, ph('s0')));
  else if (shape.statuses > 1)
    conditions.push(
      inArray(
        requests.status,
        Array.from({ length: shape.statuses }, (_, i) => ph(`s${i}`)),
      ),
    );
  if (shape.title === 'probe')
    conditions.push(sql`exists (select 1 from ${titleIndex} where ${titleIndex} match ${ph('match')} and ${titleIndex.rowid} = ${requests.seq})`);
  if (shape.title === 'walk') conditions.push(sql`${titleIndex} match ${ph('match')}`, eq(requests.seq, titleIndex.rowid));
  const order = shape.title === 'walk' ? titleIndex.rowid : requests.seq;
  if (shape.keyset === 'older') conditions.push(lt(order, ph('cursor')));
  if (shape.keyset === 'newer') conditions.push(gt(order, ph('cursor')));
  return conditions;
}

/** The shape's requests in list order (newest first, or oldest first for a page back). */
function rowsStatement(db: Db, shape: Shape) {
  const { requests } = tablesOf(db);
  return cached(db, keyOf('rows', shape), () => {
    const where = and(...conditionsOfShape(shape));
    // The index walk drives (CROSS JOIN keeps it the outer loop) and gives the order.
    const query =
      shape.title === 'walk'
        ? db
            .select(getTableColumns(requests))
            .from(titleIndex)
            .crossJoin(requests)
            .where(where)
            .orderBy(shape.keyset === 'newer' ? asc(titleIndex.rowid) : desc(titleIndex.rowid))
            .limit(ph('limit'))
        : db
            .select()
            .from(requests)
            .where(where)
            .orderBy(shape.keyset === 'newer' ? asc(requests.seq) : desc(requests.seq))
            .limit(ph('limit'));
    return (shape.offset ? query.offset(ph('offset')) : query).prepare();
  });
}

/**
 * A title search in a big filter counts at most this many of the title's index entries (newest
 * first): a common word in a filter it rarely meets would otherwise walk every title holding it
 * to reach the count cap. Beyond, `total` is "at least" (`totalCapped`).
 */
export const maxTitleCandidates = 4_000;

/** How many requests the shape has, stopping at the cap + 1 (a title walk: or at `maxTitleCandidates` entries). */
function countStatement(db: Db, shape: Shape) {
  const { requests } = tablesOf(db);
  const counted = { ...shape, keyset: 'none', offset: false } as const;
  return cached(db, keyOf('count', counted), () => {
    const count = (inner: { limit(n: number): { as(alias: 'counted'): Parameters<ReturnType<Db['select']>['from']>[0] } }) =>
      db
        .select({ n: sql<number>`count(*)` })
        .from(inner.limit(maxCountedTotal + 1).as('counted'))
        .prepare();
    if (counted.title !== 'walk')
      return count(
        db
          .select({ one: sql`1` })
          .from(requests)
          .where(and(...conditionsOfShape(counted))),
      );
    const candidates = db
      .select({ rowid: titleIndex.rowid })
      .from(titleIndex)
      .where(sql`${titleIndex} match ${ph('match')}`)
      .orderBy(desc(titleIndex.rowid))
      .limit(maxTitleCandidates)
      .as('candidates');
    return count(
      db
        .select({ one: sql`1` })
        .from(candidates)
        .crossJoin(requests)
        .where(and(eq(requests.seq, candidates.rowid), ...conditionsOfShape({ ...counted, title: 'none' }))),
    );
  });
}

/** The title index has more than `maxTitleCandidates` entries for the text. */
function titleCandidatesBeyondBudget(db: Db, match: string): boolean {
  const statement = cached(db, 'requests.title-candidates', () =>
    db
      .select({ n: sql<number>`count(*)` })
      .from(
        db
          .select({ one: sql`1` })
          .from(titleIndex)
          .where(sql`${titleIndex} match ${ph('match')}`)
          .limit(maxTitleCandidates + 1)
          .as('candidates'),
      )
      .prepare(),
  );
  return (statement.get({ match })?.n ?? 0) > maxTitleCandidates;
}

/**
 * A page of a library's requests, newest first (by sequence: stable, unique). Each filter has an
 * index whose entries are already in that order (an index entry ends with the rowid, = seq), so a
 * page reads only its rows: keyset with `cursor` (older) and `newerThan` (back); `offset` for
 * older clients, which pays for the rows it skips. Several statuses are read one status at a
 * time, each in index order, and merged — `status IN (…) ORDER BY seq` would sort every match.
 * A title part goes through the trigram index: a filter of at most the count cap is walked and
 * each of its requests looked up there; a bigger one is read in the index's order instead.
 * Counts stop at `maxCountedTotal`. `list-plans.test.ts` checks every shape's plan.
 */
export async function listRequests(db: Db, filter: RequestFilter): Promise<RequestPage> {
  return connection(db, async () => {
    if (filter.search !== undefined) {
      const { search, ...rest } = filter;
      const exact = await exactMatches(db, filter.libraryId, search.trim());
      const within = rest.requestIds;
      if (exact.length > 0 || !titleSearchable(search))
        return await listRequests(db, { ...rest, requestIds: within ? exact.filter((id) => within.includes(id)) : exact });
      return await listRequests(db, { ...rest, title: search });
    }
    if (filter.requestIds) return listByIds(db, filter);
    if (isPostgres(db)) return listRequestsOnPostgres(db, filter);
    const statuses = filter.status?.length ? [...new Set(filter.status)] : [];
    const before = filter.cursor !== undefined ? seqOfCursor(filter.cursor) : undefined;
    const after = before === undefined && filter.newerThan !== undefined ? seqOfCursor(filter.newerThan) : undefined;
    const keyset = before !== undefined ? 'older' : after !== undefined ? 'newer' : 'none';
    const newer = keyset === 'newer';
    const offset = keyset === 'none' ? filter.offset : 0;
    const params: Record<string, unknown> = {
      library: filter.libraryId,
      role: filter.role,
      patron: filter.patronId,
      // SQLite binds no booleans: the column holds 0 or 1
      attention: filter.needsAttention === undefined ? undefined : filter.needsAttention ? 1 : 0,
      cursor: before ?? after,
    };
    statuses.forEach((status, i) => {
      params[`s${i}`] = status;
    });
    const shape: Shape = {
      role: filter.role !== undefined,
      patron: filter.patronId !== undefined,
      attention: filter.needsAttention !== undefined,
      statuses: statuses.length,
      title: 'none',
      keyset,
      offset: offset > 0,
    };
    if (filter.title !== undefined) {
      if (!titleSearchable(filter.title)) throw new RangeError(`a title search needs at least ${minTitleSearch} characters`);
      params.match = titleMatch(filter.title);
      const inFilter = countStatement(db, shape).get(params)?.n ?? 0;
      shape.title = inFilter <= maxCountedTotal ? 'probe' : 'walk';
    }
    const counted = countStatement(db, shape).get(params)?.n ?? 0;
    const partial = shape.title === 'walk' && counted <= maxCountedTotal && titleCandidatesBeyondBudget(db, params.match as string);
    const take = filter.limit + 1;
    let rows: RequestRow[] = [];
    if (filter.limit > 0) {
      if (statuses.length <= 1 || shape.title === 'walk') rows = rowsStatement(db, shape).all({ ...params, limit: take, offset });
      else {
        // each status's first (offset + limit + 1) rows, merged: the page is among them
        const one = rowsStatement(db, { ...shape, statuses: 1, offset: false });
        const per = statuses.flatMap((status) => one.all({ ...params, s0: status, limit: offset + take }));
        per.sort((a, b) => (newer ? a.seq - b.seq : b.seq - a.seq));
        rows = per.slice(offset, offset + take);
      }
    }
    return pageOf(rows, { limit: filter.limit, newer, older: before !== undefined, counted, partial });
  });
}

/**
 * The page a list read (its rows in list order, one more than the page when there are more) with
 * its count and cursors: the same on both dialects (pg/requests.ts). `newer`: the rows were read
 * oldest first (a page back) and are turned round; `older`: the page was asked for after a cursor.
 */
export function pageOf(rows: RequestRow[], read: { limit: number; newer: boolean; older: boolean; counted: number; partial: boolean }): RequestPage {
  const more = rows.length > read.limit;
  const page = rows.slice(0, read.limit);
  if (read.newer) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  return {
    requests: page.map(toStoredRequest),
    // (a partial count still says at least what the page shows)
    total: Math.min(read.partial ? Math.max(read.counted, page.length) : read.counted, maxCountedTotal),
    totalCapped: read.counted > maxCountedTotal || read.partial,
    ...((read.newer || more) && last ? { nextCursor: cursorOf(last.seq) } : {}),
    ...((read.newer ? more : read.older) && first ? { prevCursor: cursorOf(first.seq) } : {}),
  };
}

/**
 * A page among known request IDs (a search's matches; at most a thousand): looked up by the ID's
 * unique index (the set passed as one JSON parameter, so one prepared statement serves any
 * number), the other filters applied here and the page ordered here. Given the other conditions
 * in SQL, SQLite would rather walk a status index testing every request against the set.
 */
async function listByIds(db: Db, filter: RequestFilter): Promise<RequestPage> {
  const { requests } = tablesOf(db);
  const ids = [...new Set(filter.requestIds)].slice(0, maxCountedTotal + 1);
  const statuses = filter.status?.length ? new Set(filter.status) : undefined;
  const title = filter.title?.trim().toLowerCase();
  const found = ids.length
    ? await prepared(db, 'requests.by-ids', () =>
        db
          .select()
          .from(requests)
          .where(inArray(requests.id, jsonValues(db, 'ids'))),
      ).all({ ids: JSON.stringify(ids) })
    : [];
  const matched = found
    .filter(
      (row) =>
        row.libraryId === filter.libraryId &&
        (filter.role === undefined || row.role === filter.role) &&
        (statuses === undefined || statuses.has(row.status)) &&
        (filter.patronId === undefined || row.patronId === filter.patronId) &&
        (filter.needsAttention === undefined || row.needsAttention === filter.needsAttention) &&
        (title === undefined || row.title.toLowerCase().includes(title)),
    )
    .sort((a, b) => b.seq - a.seq);
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
async function exactMatches(db: Db, libraryId: number, q: string): Promise<string[]> {
  const { requests } = tablesOf(db);
  const mine = (condition: SQL) => and(eq(requests.libraryId, ph('library')), condition)!;
  return (
    await prepared(db, 'requests.exact', () =>
      db
        .select({ id: requests.id })
        .from(requests)
        .where(
          or(
            mine(eq(requests.id, ph('q'))),
            mine(eq(requests.patronId, ph('q'))),
            mine(eq(requests.temporaryBarcode, ph('q'))),
            mine(eq(requests.supplierItemBarcode, ph('q'))),
            mine(eq(requests.itemBarcode, ph('q'))),
          ),
        )
        .limit(maxCountedTotal + 1),
    ).all({ library: libraryId, q })
  ).map((row) => row.id);
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

export async function appendHistory(db: Db, entry: HistoryEntryInput, at: Date): Promise<HistoryRow> {
  const { circulationHistory } = tablesOf(db);
  return connection(db, async () => {
    return await oneRow(
      db
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
        .returning(),
    );
  });
}

export async function historyOf(db: Db, requestId: string): Promise<HistoryRow[]> {
  const { circulationHistory } = tablesOf(db);
  return connection(db, async () => {
    return await allRows(db.select().from(circulationHistory).where(eq(circulationHistory.requestId, requestId)).orderBy(asc(circulationHistory.id)));
  });
}

/** Every request in one status, in any library (the daily sweeps), as ID and library. */
export async function requestsInStatus(db: Db, status: string): Promise<{ id: string; libraryId: number }[]> {
  const { requests } = tablesOf(db);
  return connection(
    db,
    async () => await allRows(db.select({ id: requests.id, libraryId: requests.libraryId }).from(requests).where(eq(requests.status, status))),
  );
}
