import { html } from 'hono/html';
import { toLibraryView } from '../http/views.ts';
import {
  adminOnly,
  type ApiAnswer,
  type ConsoleApp,
  type ConsoleContext,
  type ConsoleCtx,
  callApi,
  errorText,
  libraryOnly,
  librarySession,
  problemPage,
} from './context.ts';
import { definitionList, flashOf, type Html, page, postForm } from './layout.ts';
import type { Signed } from './session.ts';
import type { LibraryView } from '../http/schemas.ts';
import type { PreflightReport } from '@bookstrap/core';

/**
 * Library settings. A library's staff see their settings; changing them, and the connection
 * preflight, take the admin key (the API's rule: /v1/libraries/* is admin only). Every change goes
 * through PATCH /v1/libraries/{symbol}, so the messages are the API's validation, naming the field.
 */
type ErrorAnswer = { error?: { message?: string; details?: { path?: string; message?: string }[] | PreflightReport } };

function problemsOf(answer: ApiAnswer<ErrorAnswer>): Html {
  const error = answer.body?.error;
  const details = error?.details;
  const list = Array.isArray(details)
    ? details.map((d) => html`<li><strong>${d.path || '(settings)'}</strong>: ${d.message}</li>`)
    : details && Array.isArray(details.checks)
      ? details.checks.filter((check) => !check.ok).map((check) => html`<li><strong>${check.name}</strong>: ${check.detail}</li>`)
      : [];
  return html`<div class="flash error" role="alert"><p>${error?.message ?? `The service answered ${answer.status}.`}</p>${list.length ? html`<ul class="problems">${list}</ul>` : ''}</div>`;
}

function preflightReport(report: PreflightReport): Html {
  return html`<h2>Connection check: ${report.ok ? 'passed' : 'failed'}</h2>
<table><thead><tr><th scope="col">Check</th><th scope="col">Result</th><th scope="col">Detail</th></tr></thead>
<tbody>${report.checks.map(
    (check) =>
      html`<tr><td>${check.name}</td><td class="${check.status === 'passed' ? 'state-succeeded' : check.status === 'failed' ? 'state-failed-permanent' : 'muted'}">${check.status}</td><td>${check.detail}</td></tr>`,
  )}</tbody></table>`;
}

interface FormValues {
  returnInPersonText: string;
  libraryUseOnlyText: string;
  temporaryBarcodeSource: string;
  advanced: string;
  check: boolean;
}

function settingsForm(signed: Signed, view: LibraryView, values: FormValues): Html {
  const symbol = encodeURIComponent(view.symbol);
  return html`${postForm(
    signed,
    `/console/admin/libraries/${symbol}/settings`,
    html`<fieldset><legend>Book strap</legend>
<label for="returnInPersonText">Return-in-person text (printed on every strap)</label>
<textarea id="returnInPersonText" name="returnInPersonText" maxlength="2000" required>${values.returnInPersonText}</textarea>
<label for="libraryUseOnlyText">In-library-use-only flap text</label>
<textarea id="libraryUseOnlyText" name="libraryUseOnlyText" maxlength="2000" required>${values.libraryUseOnlyText}</textarea>
</fieldset>
<fieldset><legend>Receiving</legend>
<label for="temporaryBarcodeSource">Temporary barcode pre-filled from</label>
<select id="temporaryBarcodeSource" name="temporaryBarcodeSource">
<option value="request-id" ${values.temporaryBarcodeSource === 'request-id' ? html`selected` : ''}>the request ID (recommended)</option>
<option value="supplier-barcode" ${values.temporaryBarcodeSource === 'supplier-barcode' ? html`selected` : ''}>the lender's item barcode</option>
</select>
</fieldset>
<fieldset><legend>All integration settings (JSON, merged into the current ones)</legend>
<label for="advanced">Settings patch</label>
<textarea id="advanced" name="advanced" spellcheck="false" rows="10">${values.advanced}</textarea>
</fieldset>
<label><input type="checkbox" name="check" value="true" ${values.check ? html`checked` : ''}> Check the ILS connection before saving (recommended)</label>
<p><button type="submit">Save settings</button></p>`,
    'class="panel"',
  )}
${postForm(signed, `/console/admin/libraries/${symbol}/check`, html`<button type="submit" class="secondary">Check the connection now</button>`)}`;
}

function summary(view: LibraryView): Html {
  return definitionList([
    ['Symbol', view.symbol],
    ['Name', view.name],
    ['ILS', `${view.connection.ils} over ${view.connection.protocol}`],
    ['Adapter', view.adapter],
    ['Base URL', view.connection.baseUrl],
    ['NCIP URL', view.connection.ncipUrl],
    ['Integration', view.settings.enabled ? 'on' : 'off'],
    ['Pickup locations', view.pickupLocations.map((p) => `${p.name} (${p.code} → ${p.ilsLocationCode})`).join('; ')],
  ]);
}

const defaults = (view: LibraryView): FormValues => ({
  returnInPersonText: view.settings.borrowing.strap.returnInPersonText,
  libraryUseOnlyText: view.settings.borrowing.strap.libraryUseOnlyText,
  temporaryBarcodeSource: view.settings.borrowing.temporaryBarcodeSource,
  advanced: '{}',
  check: true,
});

async function adminLibraryPage(ctx: ConsoleContext, c: ConsoleCtx, extra: { values?: FormValues; problems?: Html; report?: any; status?: 200 | 422 } = {}) {
  const signed = c.get('signed');
  const symbol = c.req.param('symbol') ?? '';
  const answer = await callApi(ctx, signed, 'GET', `/v1/libraries/${encodeURIComponent(symbol)}`);
  if (answer.status !== 200) return problemPage(c, signed, 404, 'No such library', errorText(answer));
  const view = answer.body;
  return page(
    c,
    { title: `Settings of ${view.symbol}`, signed, nav: 'admin', flash: flashOf(c) },
    html`<h1>${view.name} (${view.symbol})</h1>
${summary(view)}
${extra.problems ?? ''}
${extra.report ? preflightReport(extra.report) : ''}
<h2>Settings</h2>
${settingsForm(signed, view, extra.values ?? defaults(view))}
<details><summary>Current settings (JSON)</summary><pre>${JSON.stringify(view.settings, null, 2)}</pre></details>`,
    extra.status ?? 200,
  );
}

export function registerSettings(app: ConsoleApp, ctx: ConsoleContext): void {
  app.get('/settings', (c) => {
    const session = librarySession(c);
    if (!session) return libraryOnly(c);
    const view = toLibraryView(session.library, ctx.deps.registry);
    return page(
      c,
      { title: 'Settings', signed: session.signed, nav: 'settings' },
      html`<h1>Settings of ${view.name}</h1>
<p class="muted">Changing settings and checking the ILS connection take the admin key (sign in as an administrator).</p>
${summary(view)}
<h2>Book strap</h2>
${definitionList([
  ['Return-in-person text', view.settings.borrowing.strap.returnInPersonText],
  ['In-library-use-only flap', view.settings.borrowing.strap.libraryUseOnlyText],
  ['Temporary barcode from', view.settings.borrowing.temporaryBarcodeSource],
])}
<details><summary>All settings (JSON, credentials masked)</summary><pre>${JSON.stringify({ connection: view.connection, settings: view.settings }, null, 2)}</pre></details>`,
    );
  });

  app.get('/admin/libraries/:symbol', (c) => (c.get('signed').kind === 'admin' ? adminLibraryPage(ctx, c) : adminOnly(c)));

  app.post('/admin/libraries/:symbol/settings', async (c) => {
    const signed = c.get('signed');
    if (signed.kind !== 'admin') return adminOnly(c);
    const form = await c.req.parseBody();
    const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');
    const values: FormValues = {
      returnInPersonText: text('returnInPersonText'),
      libraryUseOnlyText: text('libraryUseOnlyText'),
      temporaryBarcodeSource: text('temporaryBarcodeSource'),
      advanced: text('advanced') || '{}',
      check: form.check === 'true',
    };
    let advanced: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(values.advanced);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('it must be a JSON object, e.g. {"borrowing": {"localLoanDays": 21}}');
      advanced = parsed as Record<string, unknown>;
    } catch (error) {
      const problems = html`<div class="flash error" role="alert"><p>The settings patch is not valid JSON: ${error instanceof Error ? error.message : String(error)}</p></div>`;
      return adminLibraryPage(ctx, c, { values, problems, status: 422 });
    }
    const borrowing = (advanced.borrowing && typeof advanced.borrowing === 'object' ? advanced.borrowing : {}) as Record<string, unknown>;
    const settings = {
      ...advanced,
      borrowing: {
        ...borrowing,
        temporaryBarcodeSource: values.temporaryBarcodeSource,
        strap: { ...((borrowing.strap as object) ?? {}), returnInPersonText: values.returnInPersonText, libraryUseOnlyText: values.libraryUseOnlyText },
      },
    };
    const symbol = encodeURIComponent(c.req.param('symbol'));
    const answer = await callApi(ctx, signed, 'PATCH', `/v1/libraries/${symbol}?check=${values.check ? 'true' : 'false'}`, { settings });
    if (answer.status !== 200) return adminLibraryPage(ctx, c, { values, problems: problemsOf(answer), status: 422 });
    return c.redirect(`/console/admin/libraries/${symbol}?ok=${encodeURIComponent('Settings saved.')}`, 303);
  });

  app.post('/admin/libraries/:symbol/check', async (c) => {
    const signed = c.get('signed');
    if (signed.kind !== 'admin') return adminOnly(c);
    const answer = await callApi(ctx, signed, 'POST', `/v1/libraries/${encodeURIComponent(c.req.param('symbol'))}/check`);
    if (answer.status !== 200) return adminLibraryPage(ctx, c, { problems: problemsOf(answer), status: 422 });
    return adminLibraryPage(ctx, c, { report: answer.body });
  });
}
