import { html } from 'hono/html';
import { adminOnly, type ConsoleApp, type ConsoleContext, callApi, errorText, problemPage } from './context.ts';
import { flashOf, page } from './layout.ts';

/** The admin view: every library, its ILS and how many of its requests wait for a person. */
export function registerAdmin(app: ConsoleApp, ctx: ConsoleContext): void {
  app.get('/admin', async (c) => {
    const signed = c.get('signed');
    if (signed.kind !== 'admin') return adminOnly(c);
    const offset = Math.max(0, Number.parseInt(c.req.query('offset') ?? '0', 10) || 0);
    const limit = 50;
    const list = await callApi(ctx, signed, 'GET', `/v1/libraries?limit=${limit}&offset=${offset}`);
    if (list.status !== 200) return problemPage(c, signed, 400, 'Libraries', errorText(list));
    const counts = await callApi(ctx, signed, 'GET', '/v1/requests/attention-counts');
    const perLibrary: Record<string, { total: number }> = counts.status === 200 ? (counts.body.libraries ?? {}) : {};
    const { libraries, total } = list.body as { libraries: any[]; total: number };
    return page(
      c,
      { title: 'Libraries', signed, nav: 'admin', flash: flashOf(c) },
      html`<h1>Libraries <span class="muted">(${total})</span></h1>
<table>
<caption class="muted">Every library in this service. Open one to change its settings or check its ILS connection.</caption>
<thead><tr><th scope="col">Symbol</th><th scope="col">Name</th><th scope="col">ILS</th><th scope="col">Adapter</th><th scope="col">Integration</th><th scope="col">Needs attention</th></tr></thead>
<tbody>${libraries.map(
        (library) => html`<tr>
<td><a href="/console/admin/libraries/${encodeURIComponent(library.symbol)}">${library.symbol}</a></td>
<td>${library.name}</td>
<td>${library.connection.ils} (${library.connection.protocol})</td>
<td>${library.adapter}</td>
<td>${library.settings.enabled ? 'on' : 'off'}</td>
<td><span class="count">${perLibrary[library.symbol]?.total ?? 0}</span></td>
</tr>`,
      )}</tbody>
</table>
<div class="pager">
${offset > 0 ? html`<a href="/console/admin?offset=${Math.max(0, offset - limit)}">Previous</a>` : ''}
${offset + limit < total ? html`<a href="/console/admin?offset=${offset + limit}">Next</a>` : ''}
</div>`,
    );
  });
}
