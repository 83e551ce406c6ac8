import { html, raw } from 'hono/html';
import { type ConsoleApp, type ConsoleContext, callApi, errorText, field, libraryOnly, librarySession } from './context.ts';
import { type Html, page, postForm } from './layout.ts';
import type { Library } from '../store/libraries.ts';
import type { Signed } from './session.ts';

/** A new borrowing request (B1), as staff enter one at the desk; the API validates it. */
function form(signed: Signed, library: Library, values: Record<string, string | undefined>): Html {
  const text = (name: string, label: string, attrs = '') =>
    html`<label for="${name}">${label}</label><input type="text" id="${name}" name="${name}" value="${values[name] ?? ''}" ${raw(attrs)}>`;
  const pickups = library.pickupLocations.filter((p) => p.active);
  return postForm(
    signed,
    '/console/requests/new',
    html`<div class="panel">
${text('title', 'Title (required)', 'required maxlength="500" dir="auto"')}
${text('author', 'Author', 'maxlength="300" dir="auto"')}
${text('isbn', 'ISBN', 'maxlength="20"')}
${text('patronId', 'Patron ID (as the ILS knows the patron)', 'maxlength="100"')}
${text('patronName', 'Patron name', 'maxlength="200" dir="auto"')}
<label for="pickupLocation">Pickup location</label>
<select id="pickupLocation" name="pickupLocation">
${pickups.map((p) => html`<option value="${p.code}" ${values.pickupLocation === p.code ? html`selected` : ''}>${p.name} (${p.code})</option>`)}
</select>
${text('lenders', 'Lender string: partner symbols, in order, separated by commas', 'maxlength="400"')}
<label for="serviceType">Service type</label>
<select id="serviceType" name="serviceType"><option value="loan">Loan</option><option value="copy" ${values.serviceType === 'copy' ? html`selected` : ''}>Copy</option></select>
<label><input type="checkbox" name="inLibraryUseOnly" value="true" ${values.inLibraryUseOnly ? html`checked` : ''}> In-library use only</label>
<p><button type="submit">Create borrowing request</button></p>
</div>`,
  );
}

export function registerNewRequest(app: ConsoleApp, ctx: ConsoleContext): void {
  app.get('/requests/new', (c) => {
    const session = librarySession(c);
    if (!session) return libraryOnly(c);
    return page(
      c,
      { title: 'New borrowing request', signed: session.signed, nav: 'new' },
      html`<h1>New borrowing request</h1>${form(session.signed, session.library, {})}`,
    );
  });

  app.post('/requests/new', async (c) => {
    const session = librarySession(c);
    if (!session) return libraryOnly(c);
    const values = Object.fromEntries(Object.entries(await c.req.parseBody()).map(([k, v]) => [k, typeof v === 'string' ? v : undefined]));
    const lenders = (field(values, 'lenders') ?? '')
      .split(/[,\s]+/)
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean);
    const body = Object.fromEntries(
      Object.entries({
        role: 'borrowing',
        serviceType: field(values, 'serviceType') ?? 'loan',
        title: field(values, 'title'),
        author: field(values, 'author'),
        isbn: field(values, 'isbn'),
        patronId: field(values, 'patronId'),
        patronName: field(values, 'patronName'),
        pickupLocation: field(values, 'pickupLocation'),
        lenders,
        inLibraryUseOnly: values.inLibraryUseOnly === 'true',
      }).filter(([, v]) => v !== undefined),
    );
    const created = await callApi(ctx, session.signed, 'POST', '/v1/requests', body);
    if (created.status !== 201) {
      return page(
        c,
        { title: 'New borrowing request', signed: session.signed, nav: 'new', flash: { kind: 'error', text: errorText(created) } },
        html`<h1>New borrowing request</h1>${form(session.signed, session.library, values)}`,
        422,
      );
    }
    return c.redirect(`/console/requests/${encodeURIComponent(created.body.id)}?ok=${encodeURIComponent(`Request ${created.body.id} created.`)}`, 303);
  });
}
