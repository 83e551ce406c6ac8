import type { RequestRole } from '@bookstrap/core';
import { html } from 'hono/html';
import { openFinding, toRequestSummary } from '../http/views.ts';
import { observationsOf } from '../sync/store.ts';
import type { Library } from '../store/libraries.ts';
import { jobsOfRequests } from '../store/outbox.ts';
import type { Db } from '../store/database.ts';
import { type RequestFilter, type RequestPage, listRequests } from '../store/requests.ts';
import { type ConsoleApp, type ConsoleContext, libraryOnly, librarySession } from './context.ts';
import { flashOf, page, statusLabel } from './layout.ts';

/**
 * The queues as ILL staff think of them (Tipasa's borrowing and lending lists), each a filter of
 * the store's own request list (listRequests: indexed, keyset-paged, counts capped at 1,000 and
 * shown as "1,000+"), with one search box and paging newest first.
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
  // Lost is not closed: seed 004's lost item is billed and can still come back (the charges are
  // then removed), so ILL staff keep it in view until it is returned or written off.
  { key: 'borrowing-lost', role: 'borrowing', label: 'Lost', statuses: ['lost'] },
  { key: 'borrowing-attention', role: 'borrowing', label: 'Needs attention', needsAttention: true },
  { key: 'borrowing-closed', role: 'borrowing', label: 'Closed', statuses: ['complete', 'cancelled', 'unfilled'] },
  { key: 'lending-supply', role: 'lending', label: 'Can you Supply?', statuses: ['can-you-supply'] },
  { key: 'lending-shipped', role: 'lending', label: 'Shipped', statuses: ['shipped', 'renewal-requested', 'recalled', 'overdue'] },
  { key: 'lending-returned', role: 'lending', label: 'Returned', statuses: ['returned'] },
  { key: 'lending-missing', role: 'lending', label: 'Returned but Missing', statuses: ['returned-but-missing'] },
  { key: 'lending-attention', role: 'lending', label: 'Needs attention', needsAttention: true },
  { key: 'lending-closed', role: 'lending', label: 'Closed', statuses: ['complete', 'cancelled', 'unfilled', 'closed-missing'] },
];

const pageSize = 25;

function queueFilter(libraryId: number, queue: Queue): Omit<RequestFilter, 'limit' | 'offset'> {
  return {
    libraryId,
    role: queue.role,
    ...(queue.statuses ? { status: queue.statuses } : {}),
    ...(queue.needsAttention !== undefined ? { needsAttention: queue.needsAttention } : {}),
  };
}

/**
 * What a queue page shows, all from the store's listRequests (one indexed way to list): every
 * queue's count (limit 0 reads no rows; each count stops at 1,000) and this queue's page.
 * `pnpm bench` (P5) times exactly this at a million requests.
 */
export async function loadQueue(
  db: Db,
  libraryId: number,
  queue: Queue,
  options: { q?: string | undefined; cursor?: string | undefined; newer?: string | undefined } = {},
): Promise<{ counts: Map<string, RequestPage>; listed: RequestPage }> {
  const counts = new Map<string, RequestPage>();
  for (const entry of queues) counts.set(entry.key, await listRequests(db, { ...queueFilter(libraryId, entry), limit: 0, offset: 0 }));
  const listed = await listRequests(db, {
    ...queueFilter(libraryId, queue),
    ...(options.q ? { search: options.q } : {}),
    limit: pageSize,
    offset: 0,
    ...(options.cursor ? { cursor: options.cursor } : {}),
    ...(options.newer ? { newerThan: options.newer } : {}),
  });
  return { counts, listed };
}

/** A count as staff read it: counting stops at 1,000 (the store's cap), so a count never walks the library. */
export const countText = (page: Pick<RequestPage, 'total' | 'totalCapped'>) => `${page.total.toLocaleString('en-US')}${page.totalCapped ? '+' : ''}`;

export function registerQueues(app: ConsoleApp, ctx: ConsoleContext): void {
  app.get('/queues', async (c) => {
    const session = librarySession(c);
    if (!session) return libraryOnly(c);
    const { library, signed } = session;
    const db = ctx.deps.db;
    const queue = queues.find((q) => q.key === c.req.query('queue')) ?? queues[0]!;
    const q = (c.req.query('q') ?? '').trim().slice(0, 200);
    // keyset cursors from the store's own list (opaque): `cursor` pages older, `newer` back
    const cursorParam = (name: string) => {
      const value = c.req.query(name);
      return value && /^[A-Za-z0-9_-]{1,40}$/.test(value) ? value : undefined;
    };
    const cursor = cursorParam('cursor');
    const newer = cursor ? undefined : cursorParam('newer');

    const { counts, listed } = await loadQueue(db, library.id, queue, { q, cursor, newer });
    const requests = listed.requests;
    const jobs = await jobsOfRequests(
      db,
      requests.map((r) => r.id),
    );
    const observations = await observationsOf(
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
            html`<li><a href="${link(entry.key)}" ${entry.key === queue.key ? html`aria-current="page"` : ''}>${entry.label} <span class="count" aria-label="${countText(counts.get(entry.key)!)} requests">${countText(counts.get(entry.key)!)}</span></a></li>`,
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
  <label for="q">Search this queue (request ID, patron ID, barcode, or 3+ characters of the title)</label>
  <input type="search" id="q" name="q" value="${q}" maxlength="200">
  <button type="submit">Search</button>
  ${q ? html`<a href="${link(queue.key)}">Clear</a>` : ''}
</form>
<p class="muted" aria-live="polite">${countText(listed)} request${listed.total === 1 && !listed.totalCapped ? '' : 's'}${q ? html` matching “${q}”` : ''}${rows.length ? ` — showing ${rows.length}, ${rows[0]!.id} to ${rows[rows.length - 1]!.id}` : ''}.</p>
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
${listed.prevCursor || cursor || newer ? html`<a href="${link(queue.key, q ? { q } : {})}">Newest</a>` : ''}
${listed.prevCursor ? html`<a href="${link(queue.key, { ...(q ? { q } : {}), newer: listed.prevCursor })}" rel="prev">Newer</a>` : ''}
${listed.nextCursor ? html`<a href="${link(queue.key, { ...(q ? { q } : {}), cursor: listed.nextCursor })}" rel="next">Older</a>` : ''}
</nav>`,
    );
  });
}
