import type { RequestRole } from '@bookstrap/core';
import { and, asc, desc, eq, gt, inArray, lt, or, type SQL } from 'drizzle-orm';
import { html } from 'hono/html';
import { openFinding, toRequestSummary } from '../http/views.ts';
import { observationsOf } from '../sync/store.ts';
import type { Library } from '../store/libraries.ts';
import { jobsOfRequests } from '../store/outbox.ts';
import { type RequestFilter, listRequests } from '../store/requests.ts';
import { requests as requestsTable } from '../store/schema.ts';
import type { Db } from '../store/database.ts';
import { type ConsoleApp, type ConsoleContext, libraryOnly, librarySession } from './context.ts';
import { flashOf, page, statusLabel } from './layout.ts';

/**
 * The queues as ILL staff think of them (Tipasa's borrowing and lending lists), each a filter of
 * the store's own request list: counts, a search box and paging, newest first.
 */
export interface Queue {
  key: string;
  role: RequestRole;
  label: string;
  statuses?: string[];
  needsAttention?: boolean;
}

export const queues: Queue[] = [
  { key: 'borrowing-new', role: 'borrowing', label: 'New for Review', statuses: ['new-for-review', 'reviewed'] },
  { key: 'borrowing-sent', role: 'borrowing', label: 'Sent', statuses: ['sent'] },
  { key: 'borrowing-in-transit', role: 'borrowing', label: 'In Transit', statuses: ['in-transit'] },
  { key: 'borrowing-received', role: 'borrowing', label: 'Received / In Use', statuses: ['received', 'renewal-requested', 'recalled', 'overdue'] },
  { key: 'borrowing-returned', role: 'borrowing', label: 'Returned', statuses: ['returned'] },
  { key: 'borrowing-attention', role: 'borrowing', label: 'Needs attention', needsAttention: true },
  { key: 'borrowing-closed', role: 'borrowing', label: 'Closed', statuses: ['complete', 'cancelled', 'unfilled', 'lost'] },
  { key: 'lending-supply', role: 'lending', label: 'Can you Supply?', statuses: ['can-you-supply'] },
  { key: 'lending-shipped', role: 'lending', label: 'Shipped', statuses: ['shipped', 'renewal-requested', 'recalled', 'overdue'] },
  { key: 'lending-returned', role: 'lending', label: 'Returned', statuses: ['returned'] },
  { key: 'lending-missing', role: 'lending', label: 'Returned but Missing', statuses: ['returned-but-missing'] },
  { key: 'lending-attention', role: 'lending', label: 'Needs attention', needsAttention: true },
  { key: 'lending-closed', role: 'lending', label: 'Closed', statuses: ['complete', 'cancelled', 'unfilled', 'closed-missing'] },
];

const pageSize = 25;
const searchCap = 200;

function queueFilter(library: Library, queue: Queue): Omit<RequestFilter, 'limit' | 'offset'> {
  return {
    libraryId: library.id,
    role: queue.role,
    ...(queue.statuses ? { status: queue.statuses } : {}),
    ...(queue.needsAttention !== undefined ? { needsAttention: queue.needsAttention } : {}),
  };
}

/** The requests whose temporary, supplier or item barcode is exactly this (the barcode a desk scans). */
function idsByBarcode(db: Db, libraryId: number, barcode: string): string[] {
  return db
    .select({ id: requestsTable.id })
    .from(requestsTable)
    .where(
      and(
        eq(requestsTable.libraryId, libraryId),
        or(eq(requestsTable.temporaryBarcode, barcode), eq(requestsTable.supplierItemBarcode, barcode), eq(requestsTable.itemBarcode, barcode)),
      ),
    )
    .limit(searchCap)
    .all()
    .map((row) => row.id);
}

/**
 * Keyset paging: a page is the rows after (older than) or before (newer than) a request's sequence
 * number, so page 40 000 costs what page 1 does — OFFSET would read every row it skips. Only the
 * page's IDs are selected here; the rows come from the store's own list function.
 */
export function pageIds(
  db: Db,
  filter: Omit<RequestFilter, 'limit' | 'offset'>,
  cursor: { before?: number | undefined; after?: number | undefined },
  size: number,
): { ids: string[]; seqs: number[]; hasOlder: boolean; hasNewer: boolean } {
  const conditions: SQL[] = [eq(requestsTable.libraryId, filter.libraryId)];
  if (filter.role) conditions.push(eq(requestsTable.role, filter.role));
  if (filter.status?.length) conditions.push(inArray(requestsTable.status, filter.status));
  if (filter.needsAttention !== undefined) conditions.push(eq(requestsTable.needsAttention, filter.needsAttention));
  if (filter.requestIds) conditions.push(inArray(requestsTable.id, filter.requestIds.length ? filter.requestIds : ['']));
  const newer = cursor.after !== undefined && cursor.before === undefined;
  if (cursor.before !== undefined) conditions.push(lt(requestsTable.seq, cursor.before));
  if (newer) conditions.push(gt(requestsTable.seq, cursor.after!));
  const rows = db
    .select({ id: requestsTable.id, seq: requestsTable.seq })
    .from(requestsTable)
    .where(and(...conditions))
    .orderBy(newer ? asc(requestsTable.seq) : desc(requestsTable.seq))
    .limit(size + 1)
    .all();
  const more = rows.length > size;
  const page = rows.slice(0, size);
  if (newer) page.reverse();
  return {
    ids: page.map((r) => r.id),
    seqs: page.map((r) => r.seq),
    hasOlder: newer ? true : more,
    hasNewer: newer ? more : cursor.before !== undefined,
  };
}

/** One box for what staff have in hand: a request ID, a title, a patron ID or a barcode. */
export function searchIds(db: Db, library: Library, role: RequestRole, q: string): string[] {
  const base = { libraryId: library.id, role, limit: searchCap, offset: 0 };
  const ids = new Set<string>();
  for (const r of listRequests(db, { ...base, requestIds: [q] }).requests) ids.add(r.id);
  for (const r of listRequests(db, { ...base, patronId: q }).requests) ids.add(r.id);
  for (const id of idsByBarcode(db, library.id, q)) ids.add(id);
  if (q.length >= 2) for (const r of listRequests(db, { ...base, title: q }).requests) ids.add(r.id);
  return [...ids];
}

export function registerQueues(app: ConsoleApp, ctx: ConsoleContext): void {
  app.get('/queues', (c) => {
    const session = librarySession(c);
    if (!session) return libraryOnly(c);
    const { library, signed } = session;
    const db = ctx.deps.db;
    const queue = queues.find((q) => q.key === c.req.query('queue')) ?? queues[0]!;
    const q = (c.req.query('q') ?? '').trim().slice(0, 200);
    const cursorOf = (name: string) => {
      const value = Number.parseInt(c.req.query(name) ?? '', 10);
      return Number.isSafeInteger(value) && value > 0 ? value : undefined;
    };
    const cursor = { before: cursorOf('before'), after: cursorOf('after') };

    const counts = new Map(queues.map((entry) => [entry.key, listRequests(db, { ...queueFilter(library, entry), limit: 0, offset: 0 }).total]));
    const filter = { ...queueFilter(library, queue), ...(q ? { requestIds: searchIds(db, library, queue.role, q) } : {}) };
    const { total } = listRequests(db, { ...filter, limit: 0, offset: 0 });
    const paged = pageIds(db, filter, cursor, pageSize);
    const byId = new Map(listRequests(db, { ...filter, requestIds: paged.ids, limit: pageSize, offset: 0 }).requests.map((r) => [r.id, r]));
    const requests = paged.ids.map((id) => byId.get(id)).filter((r) => r !== undefined);
    const jobs = jobsOfRequests(
      db,
      requests.map((r) => r.id),
    );
    const observations = observationsOf(
      db,
      requests.map((r) => r.id),
    );
    const rows = requests.map((r) => toRequestSummary(r, library, jobs.get(r.id) ?? [], openFinding(observations.get(r.id))));
    const link = (key: string, extra: Record<string, string> = {}) => `/console/queues?${new URLSearchParams({ queue: key, ...extra }).toString()}`;
    const tabs = (role: RequestRole) =>
      html`<ul class="tabs">${queues
        .filter((entry) => entry.role === role)
        .map(
          (entry) =>
            html`<li><a href="${link(entry.key)}" ${entry.key === queue.key ? html`aria-current="page"` : ''}>${entry.label} <span class="count" aria-label="${counts.get(entry.key)} requests">${counts.get(entry.key)}</span></a></li>`,
        )}</ul>`;

    return page(
      c,
      { title: `${queue.role === 'borrowing' ? 'Borrowing' : 'Lending'}: ${queue.label}`, signed, nav: 'queues', flash: flashOf(c) },
      html`<h1>Queues</h1>
<h2 id="borrowing">Borrowing</h2>${tabs('borrowing')}
<h2 id="lending">Lending</h2>${tabs('lending')}
<h2>${queue.role === 'borrowing' ? 'Borrowing' : 'Lending'}: ${queue.label}</h2>
<form method="get" action="/console/queues" class="inline" role="search">
  <input type="hidden" name="queue" value="${queue.key}">
  <label for="q">Search this queue (request ID, title, patron ID or barcode)</label>
  <input type="search" id="q" name="q" value="${q}" maxlength="200">
  <button type="submit">Search</button>
  ${q ? html`<a href="${link(queue.key)}">Clear</a>` : ''}
</form>
<p class="muted" aria-live="polite">${total} request${total === 1 ? '' : 's'}${q ? html` matching “${q}”` : ''}${rows.length ? ` — showing ${rows.length}, ${rows[0]!.id} to ${rows[rows.length - 1]!.id}` : ''}.</p>
<table>
<thead><tr><th scope="col">Request</th><th scope="col">Title</th><th scope="col">${queue.role === 'borrowing' ? 'Patron' : 'Borrowing library'}</th><th scope="col">Status</th><th scope="col">Barcode</th><th scope="col">Due</th><th scope="col">Attention</th></tr></thead>
<tbody>${rows.map(
        (r) => html`<tr>
<td><a href="/console/requests/${r.id}">${r.id}</a></td>
<td class="title-cell" dir="auto">${r.title}</td>
<td dir="auto">${queue.role === 'borrowing' ? `${r.patronName ? `${r.patronName} ` : ''}${r.patronId ? `(${r.patronId})` : ''}` : (r.borrowingLibrary ?? '')}</td>
<td>${statusLabel(r.status)}${r.pendingSteps ? html` <span class="state-pending">· ${r.pendingSteps} ILS step${r.pendingSteps === 1 ? '' : 's'} running</span>` : ''}</td>
<td>${r.temporaryBarcode ?? r.itemBarcode ?? r.supplierItemBarcode ?? ''}</td>
<td>${r.patronDueDate ?? r.dueDate ?? r.lenderDueDate ?? ''}</td>
<td>${r.attention ? html`<span class="state-needs-staff">${r.attention.reason}</span>` : ''}</td>
</tr>`,
      )}</tbody>
</table>
<nav class="pager" aria-label="Pages">
${paged.hasNewer ? html`<a href="${link(queue.key, q ? { q } : {})}">Newest</a> <a href="${link(queue.key, { ...(q ? { q } : {}), after: String(paged.seqs[0]) })}" rel="prev">Newer</a>` : ''}
${paged.hasOlder && paged.seqs.length ? html`<a href="${link(queue.key, { ...(q ? { q } : {}), before: String(paged.seqs[paged.seqs.length - 1]) })}" rel="next">Older</a>` : ''}
</nav>`,
    );
  });
}
