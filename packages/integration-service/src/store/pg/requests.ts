import { and, asc, desc, eq, gt, inArray, lt, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../database.ts';
import { tablesOf } from '../dialect.ts';
import { maxCountedTotal, minTitleSearch, pageOf, type RequestFilter, type RequestPage, seqOfCursor, titleSearchable } from '../requests.ts';
import type { RequestRow } from '../schema.ts';
import { titlePattern } from './title-search.ts';

/**
 * A page of a library's requests on Postgres: the same filters, order (newest first by sequence),
 * keyset paging, count cap and cursors as the SQLite list (../requests.ts), as one plain query
 * each. SQLite's list is hand-planned (a status at a time, the trigram table walked in order)
 * because its planner would sort; Postgres's planner merges the per-library indexes itself and
 * answers the title part from the `requests_title_trgm` index.
 */
export async function listRequestsOnPostgres(db: Db, filter: RequestFilter): Promise<RequestPage> {
  const { requests } = tablesOf(db);
  const statuses = filter.status?.length ? [...new Set(filter.status)] : [];
  const before = filter.cursor !== undefined ? seqOfCursor(filter.cursor) : undefined;
  const after = before === undefined && filter.newerThan !== undefined ? seqOfCursor(filter.newerThan) : undefined;
  const newer = after !== undefined;
  const offset = before === undefined && after === undefined ? filter.offset : 0;
  const conditions: SQL[] = [eq(requests.libraryId, filter.libraryId)];
  if (filter.role !== undefined) conditions.push(eq(requests.role, filter.role));
  if (filter.patronId !== undefined) conditions.push(eq(requests.patronId, filter.patronId));
  if (filter.needsAttention !== undefined) conditions.push(eq(requests.needsAttention, filter.needsAttention));
  if (statuses.length === 1) conditions.push(eq(requests.status, statuses[0] as string));
  else if (statuses.length > 1) conditions.push(inArray(requests.status, statuses));
  if (filter.title !== undefined) {
    if (!titleSearchable(filter.title)) throw new RangeError(`a title search needs at least ${minTitleSearch} characters`);
    conditions.push(sql`${requests.title} ilike ${titlePattern(filter.title)}`);
  }
  const where = and(...conditions);
  // counted up to the cap + 1, so a count never walks a whole library
  const [countRow] = (await db.select({ n: sql<number>`count(*)::int` }).from(
    db
      .select({ one: sql`1` })
      .from(requests)
      .where(where)
      .limit(maxCountedTotal + 1)
      .as('counted'),
  )) as unknown as { n: number }[];
  const counted = Number(countRow?.n ?? 0);
  let rows: RequestRow[] = [];
  if (filter.limit > 0) {
    const keyset = before !== undefined ? lt(requests.seq, before) : after !== undefined ? gt(requests.seq, after) : undefined;
    const query = db
      .select()
      .from(requests)
      .where(keyset ? and(where, keyset) : where)
      .orderBy(newer ? asc(requests.seq) : desc(requests.seq))
      .limit(filter.limit + 1);
    rows = (await (offset > 0 ? query.offset(offset) : query)) as unknown as RequestRow[];
  }
  return pageOf(rows, { limit: filter.limit, newer, older: before !== undefined, counted, partial: false });
}
