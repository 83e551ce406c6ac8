import { html } from 'hono/html';
import { type ConsoleApp, type ConsoleContext, callApi, errorText, libraryOnly, librarySession } from './context.ts';
import { page } from './layout.ts';

/**
 * Strap recovery (seed 004: a book back without its strap): find the temporary item's barcode by
 * title among temporary items, or from the patron's current loans — GET /v1/temporary-items.
 */
export function registerRecovery(app: ConsoleApp, ctx: ConsoleContext): void {
  app.get('/recovery', async (c) => {
    const session = librarySession(c);
    if (!session) return libraryOnly(c);
    const title = (c.req.query('title') ?? '').trim();
    const patronId = (c.req.query('patronId') ?? '').trim();
    let results = html``;
    if (title || patronId) {
      const query = new URLSearchParams({ ...(title ? { title } : {}), ...(patronId ? { patronId } : {}) });
      const answer = await callApi(ctx, session.signed, 'GET', `/v1/temporary-items?${query.toString()}`);
      if (answer.status !== 200) results = html`<p class="flash error" role="alert">${errorText(answer)}</p>`;
      else {
        const items: any[] = answer.body.items;
        results = html`<h2>Found ${items.length} temporary item${items.length === 1 ? '' : 's'}</h2>
<p class="muted">${answer.body.source === 'ils' ? 'Asked the ILS and checked against this library’s requests.' : `This service's records only${answer.body.reason ? `: ${answer.body.reason}` : ''}.`}</p>
<table><thead><tr><th scope="col">Barcode</th><th scope="col">Title</th><th scope="col">Request</th><th scope="col">Status</th><th scope="col">Due</th></tr></thead>
<tbody>${items.map(
          (item) =>
            html`<tr><td><strong>${item.barcode}</strong></td><td dir="auto">${item.title}</td><td>${item.requestId ? html`<a href="/console/requests/${item.requestId}">${item.requestId}</a>` : ''}</td><td>${item.status ?? ''}</td><td>${item.dueDate ?? ''}</td></tr>`,
        )}</tbody></table>`;
      }
    }
    return page(
      c,
      { title: 'Strap recovery', signed: session.signed, nav: 'recovery' },
      html`<h1>Strap recovery</h1>
<p>A book came back without its strap? Find its temporary barcode by title, or from the patron's current loans.</p>
<div class="actions">
<form method="get" action="/console/recovery" class="panel" role="search" aria-label="Find by title"><label for="title">Title (at least 3 characters)</label><input type="search" id="title" name="title" value="${title}" minlength="3" maxlength="200"><p><button type="submit">Find by title</button></p></form>
<form method="get" action="/console/recovery" class="panel" role="search" aria-label="Find in the patron's loans"><label for="patronId">Patron ID</label><input type="search" id="patronId" name="patronId" value="${patronId}" maxlength="100"><p><button type="submit">Find in the patron's loans</button></p></form>
</div>
${results}`,
    );
  });
}
