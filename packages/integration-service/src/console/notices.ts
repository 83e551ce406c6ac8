import { html } from 'hono/html';
import { type ConsoleApp, type ConsoleContext, callApi, errorText, libraryOnly, librarySession } from './context.ts';
import { flashOf, page, postForm, withFlash } from './layout.ts';

/** The patron notice queue (GET /v1/notices): due, scheduled, sent, withdrawn; mark a due one sent. */
const states = ['due', 'scheduled', 'sent', 'withdrawn'] as const;

export function registerNotices(app: ConsoleApp, ctx: ConsoleContext): void {
  app.get('/notices', async (c) => {
    const session = librarySession(c);
    if (!session) return libraryOnly(c);
    const state = states.find((s) => s === c.req.query('state')) ?? 'due';
    const answer = await callApi(ctx, session.signed, 'GET', `/v1/notices?state=${state}`);
    const notices: any[] = answer.status === 200 ? answer.body.notices : [];
    return page(
      c,
      { title: 'Notices', signed: session.signed, nav: 'notices', flash: answer.status === 200 ? flashOf(c) : { kind: 'error', text: errorText(answer) } },
      html`<h1>Patron notices</h1>
<ul class="tabs">${states.map((s) => html`<li><a href="/console/notices?state=${s}" ${s === state ? html`aria-current="page"` : ''}>${s}</a></li>`)}</ul>
<table><thead><tr><th scope="col">Request</th><th scope="col">Kind</th><th scope="col">Patron</th><th scope="col">Due</th><th scope="col">Text</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
<tbody>${notices.map(
        (n) => html`<tr><td><a href="/console/requests/${n.requestId}">${n.requestId}</a></td><td>${n.kind}</td><td>${n.patronId}</td><td>${n.dueAt}</td>
<td dir="auto">${n.subject ? html`<strong>${n.subject}</strong><br>` : ''}${n.text}${n.lastDeliveryError ? html`<br><span class="problems">Last delivery failed: ${n.lastDeliveryError}</span>` : ''}</td>
<td>${state === 'due' ? postForm(session.signed, `/console/notices/${n.id}/sent`, html`<button type="submit">Mark sent</button>`) : (n.sentAt ?? n.withdrawnAt ?? '')}</td></tr>`,
      )}</tbody></table>
${notices.length ? '' : html`<p class="muted">No ${state} notices.</p>`}`,
    );
  });

  app.post('/notices/:id/sent', async (c) => {
    const session = librarySession(c);
    if (!session) return libraryOnly(c);
    const id = c.req.param('id');
    if (!/^\d{1,12}$/.test(id)) return c.redirect(withFlash('/console/notices', 'error', 'No such notice.'), 303);
    const answer = await callApi(ctx, session.signed, 'POST', `/v1/notices/${id}/sent`);
    return c.redirect(
      withFlash('/console/notices', answer.status === 200 ? 'ok' : 'error', answer.status === 200 ? `Notice ${id} marked sent.` : errorText(answer)),
      303,
    );
  });
}
