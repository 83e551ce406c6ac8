import { temporaryBarcode } from '@bookstrap/core';
import { html } from 'hono/html';
import { type ConsoleApp, type ConsoleContext, callApi, errorText, field, libraryOnly, librarySession, problemPage } from './context.ts';
import { definitionList, page, postForm, withFlash } from './layout.ts';

/**
 * Receive one request at a time (seed 000: "do not batch receive loan requests"): the temporary
 * barcode is pre-filled from the library's configured source (request ID by default, or the
 * lender's item barcode) by the core's own rule, and staff may type over it.
 */
export function registerReceive(app: ConsoleApp, ctx: ConsoleContext): void {
  app.get('/requests/:id/receive', async (c) => {
    const session = librarySession(c);
    if (!session) return libraryOnly(c);
    const { signed, library } = session;
    const id = c.req.param('id');
    const answer = await callApi(ctx, signed, 'GET', `/v1/requests/${encodeURIComponent(id)}`);
    if (answer.status !== 200) return problemPage(c, signed, 404, 'No such request', html`There is no request ${id} in this library.`);
    const request = answer.body;
    if (!request.allowedActions.includes('receive')) {
      return c.redirect(
        withFlash(`/console/requests/${encodeURIComponent(id)}`, 'error', `Request ${id} cannot be received now (it is ${request.status}).`),
        303,
      );
    }
    const source = library.settings.borrowing.temporaryBarcodeSource;
    const prefilled = temporaryBarcode({ source, requestId: request.id, supplierItemBarcode: request.supplierItemBarcode });
    const value = c.req.query('temporaryBarcode') ?? (prefilled.ok ? prefilled.barcode : request.id);
    const error = c.req.query('error');
    return page(
      c,
      { title: `Receive ${request.id}`, signed, nav: 'queues', ...(error ? { flash: { kind: 'error' as const, text: error } } : {}) },
      html`<h1>Receive request ${request.id}</h1>
<p class="title-cell" dir="auto"><strong>${request.title}</strong></p>
${definitionList([
  ['Patron', [request.patronName, request.patronId ? `(${request.patronId})` : ''].filter(Boolean).join(' ')],
  ['Pickup location', request.pickupLocation],
  ['Lender', request.currentLender],
  ["Lender's item barcode", request.supplierItemBarcode],
  ["Lender's due date", request.lenderDueDate],
  ['In-library use only', request.inLibraryUseOnly ? 'yes' : undefined],
])}
${postForm(
  signed,
  `/console/requests/${request.id}/receive`,
  html`<label for="temporaryBarcode">Temporary barcode</label>
<p class="muted" id="barcode-help">Pre-filled from ${source === 'request-id' ? 'the request ID' : "the lender's item barcode"} (this library's setting)${prefilled.ok && prefilled.note ? html`: ${prefilled.note}` : ''}. Type over it to use another: 1–40 letters, digits, "-" or ".".</p>
<input type="text" id="temporaryBarcode" name="temporaryBarcode" value="${value}" required maxlength="60" aria-describedby="barcode-help" autofocus>
<label for="note">Note (optional)</label><input type="text" id="note" name="note" maxlength="1000">
<p><button type="submit">Mark received</button> <a href="/console/requests/${request.id}">Cancel</a></p>`,
  'class="panel"',
)}`,
    );
  });

  app.post('/requests/:id/receive', async (c) => {
    const session = librarySession(c);
    if (!session) return libraryOnly(c);
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    const values = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, typeof v === 'string' ? v : undefined]));
    const barcode = field(values, 'temporaryBarcode');
    const note = field(values, 'note');
    const answer = await callApi(ctx, session.signed, 'POST', `/v1/requests/${encodeURIComponent(id)}/receive`, {
      ...(barcode ? { temporaryBarcode: barcode } : {}),
      ...(note ? { note } : {}),
    });
    if (answer.status !== 200) {
      const again = new URLSearchParams({ error: errorText(answer), ...(barcode ? { temporaryBarcode: barcode } : {}) });
      return c.redirect(`/console/requests/${encodeURIComponent(id)}/receive?${again.toString()}`, 303);
    }
    return c.redirect(
      withFlash(
        `/console/requests/${encodeURIComponent(id)}`,
        'ok',
        `Received with temporary barcode ${answer.body.temporaryBarcode ?? ''}. Print the book strap and put it on the item.`,
      ),
      303,
    );
  });
}
