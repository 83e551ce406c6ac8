import { html } from 'hono/html';
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
 * Library settings. A library's staff change their own library's integration settings and run
 * its connection preflight; the admin any library's. Every change goes through
 * PATCH /v1/libraries/{symbol} with the session's own key, so who may change what (a library key:
 * its own `settings`, nothing of another library) and the validation messages are the API's; a
 * message about one field is shown next to that field.
 */
type ErrorAnswer = { error?: { message?: string; details?: { path?: string; message?: string }[] | PreflightReport } };

/** Which form control an API path is about; anything else is about the JSON patch. */
const FIELD_OF_PATH: Record<string, keyof FormValues> = {
  'settings.borrowing.strap.returnInPersonText': 'returnInPersonText',
  'settings.borrowing.strap.libraryUseOnlyText': 'libraryUseOnlyText',
  'settings.borrowing.temporaryBarcodeSource': 'temporaryBarcodeSource',
};
type FieldErrors = Partial<Record<keyof FormValues, string[]>>;

function fieldErrorsOf(answer: ApiAnswer<ErrorAnswer>): FieldErrors {
  const details = answer.body?.error?.details;
  const errors: FieldErrors = {};
  if (!Array.isArray(details)) return errors;
  for (const detail of details) {
    const field = FIELD_OF_PATH[detail.path ?? ''] ?? 'advanced';
    const message = field === 'advanced' ? `${detail.path || '(settings)'}: ${detail.message}` : String(detail.message);
    errors[field] = [...(errors[field] ?? []), message];
  }
  return errors;
}

function problemsOf(answer: ApiAnswer<ErrorAnswer>): Html {
  const error = answer.body?.error;
  const details = error?.details;
  // each field's own message is next to it; the summary links there
  const list = Array.isArray(details)
    ? details.map((d) => {
        const field = FIELD_OF_PATH[d.path ?? ''] ?? 'advanced';
        return html`<li><a href="#${field}">${d.path || '(settings)'}</a>: ${d.message}</li>`;
      })
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

/** A control's error, right after it, and the attributes that tie the two together for a screen reader. */
function fieldError(errors: FieldErrors, name: keyof FormValues): { attributes: Html | string; message: Html | string } {
  const messages = errors[name];
  if (!messages?.length) return { attributes: '', message: '' };
  return {
    attributes: html`aria-invalid="true" aria-describedby="${name}-error"`,
    message: html`<p class="field-error" id="${name}-error">${messages.join(' ')}</p>`,
  };
}

function settingsForm(signed: Signed, view: LibraryView, values: FormValues, errors: FieldErrors = {}): Html {
  const symbol = encodeURIComponent(view.symbol);
  const returnText = fieldError(errors, 'returnInPersonText');
  const flapText = fieldError(errors, 'libraryUseOnlyText');
  const source = fieldError(errors, 'temporaryBarcodeSource');
  const advanced = fieldError(errors, 'advanced');
  return html`${postForm(
    signed,
    `/console/libraries/${symbol}/settings`,
    html`<fieldset><legend>Book strap</legend>
<label for="returnInPersonText">Return-in-person text (printed on every strap)</label>
<textarea id="returnInPersonText" name="returnInPersonText" maxlength="2000" required ${returnText.attributes}>${values.returnInPersonText}</textarea>
${returnText.message}
<label for="libraryUseOnlyText">In-library-use-only flap text</label>
<textarea id="libraryUseOnlyText" name="libraryUseOnlyText" maxlength="2000" required ${flapText.attributes}>${values.libraryUseOnlyText}</textarea>
${flapText.message}
</fieldset>
<fieldset><legend>Receiving</legend>
<label for="temporaryBarcodeSource">Temporary barcode pre-filled from</label>
<select id="temporaryBarcodeSource" name="temporaryBarcodeSource" ${source.attributes}>
<option value="request-id" ${values.temporaryBarcodeSource === 'request-id' ? html`selected` : ''}>the request ID (recommended)</option>
<option value="supplier-barcode" ${values.temporaryBarcodeSource === 'supplier-barcode' ? html`selected` : ''}>the lender's item barcode</option>
</select>
${source.message}
</fieldset>
<fieldset><legend>All integration settings (JSON, merged into the current ones)</legend>
<label for="advanced">Settings patch</label>
<textarea id="advanced" name="advanced" spellcheck="false" rows="10" ${advanced.attributes}>${values.advanced}</textarea>
${advanced.message}
</fieldset>
<label><input type="checkbox" name="check" value="true" ${values.check ? html`checked` : ''}> Check the ILS connection before saving (recommended)</label>
<p><button type="submit">Save settings</button></p>`,
    'class="panel"',
  )}
${postForm(signed, `/console/libraries/${symbol}/check`, html`<button type="submit" class="secondary">Check the connection now</button>`)}`;
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

interface PageExtra {
  values?: FormValues;
  errors?: FieldErrors;
  problems?: Html;
  report?: PreflightReport;
  status?: 200 | 422;
}

/** The settings page of one library, as the admin or as its own staff see it. */
async function libraryPage(ctx: ConsoleContext, c: ConsoleCtx, symbol: string, extra: PageExtra = {}) {
  const signed = c.get('signed');
  const answer = await callApi(ctx, signed, 'GET', `/v1/libraries/${encodeURIComponent(symbol)}`);
  if (answer.status === 403) return problemPage(c, signed, 403, 'Not your library', errorText(answer));
  if (answer.status !== 200) return problemPage(c, signed, 404, 'No such library', errorText(answer));
  const view = answer.body as LibraryView;
  const own = signed.kind === 'library';
  return page(
    c,
    { title: own ? 'Settings' : `Settings of ${view.symbol}`, signed, nav: own ? 'settings' : 'admin', flash: flashOf(c) },
    html`<h1>${own ? html`Settings of ${view.name}` : html`${view.name} (${view.symbol})`}</h1>
${own ? html`<p class="muted">The library's name, its ILS connection and credentials, and its pickup locations are changed by the service's administrator.</p>` : ''}
${summary(view)}
${extra.problems ?? ''}
${extra.report ? preflightReport(extra.report) : ''}
<h2>Settings</h2>
${settingsForm(signed, view, extra.values ?? defaults(view), extra.errors)}
<details><summary>Current settings (JSON, credentials masked)</summary><pre tabindex="0">${JSON.stringify({ connection: view.connection, settings: view.settings }, null, 2)}</pre></details>`,
    extra.status ?? 200,
  );
}

/** Where a library's settings page is for this session. */
const settingsPath = (c: ConsoleCtx, symbol: string) =>
  c.get('signed').kind === 'library' ? '/console/settings' : `/console/admin/libraries/${encodeURIComponent(symbol)}`;

export function registerSettings(app: ConsoleApp, ctx: ConsoleContext): void {
  app.get('/settings', (c) => {
    const session = librarySession(c);
    if (!session) return c.redirect('/console/admin', 303);
    return libraryPage(ctx, c, session.library.symbol);
  });

  app.get('/admin/libraries/:symbol', (c) => (c.get('signed').kind === 'admin' ? libraryPage(ctx, c, c.req.param('symbol')) : adminOnly(c)));

  app.post('/libraries/:symbol/settings', async (c) => {
    const signed = c.get('signed');
    const symbol = c.req.param('symbol');
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
      const message = `The settings patch is not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
      const problems = html`<div class="flash error" role="alert"><p><a href="#advanced">${message}</a></p></div>`;
      return libraryPage(ctx, c, symbol, { values, errors: { advanced: [message] }, problems, status: 422 });
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
    const answer = await callApi(ctx, signed, 'PATCH', `/v1/libraries/${encodeURIComponent(symbol)}?check=${values.check ? 'true' : 'false'}`, { settings });
    // another library's settings: the API's refusal, nothing changed
    if (answer.status === 403) return problemPage(c, signed, 403, 'Not your library', errorText(answer));
    if (answer.status === 404) return problemPage(c, signed, 404, 'No such library', errorText(answer));
    if (answer.status !== 200) return libraryPage(ctx, c, symbol, { values, errors: fieldErrorsOf(answer), problems: problemsOf(answer), status: 422 });
    return c.redirect(`${settingsPath(c, symbol)}?ok=${encodeURIComponent('Settings saved.')}`, 303);
  });

  app.post('/libraries/:symbol/check', async (c) => {
    const signed = c.get('signed');
    const symbol = c.req.param('symbol');
    const answer = await callApi(ctx, signed, 'POST', `/v1/libraries/${encodeURIComponent(symbol)}/check`);
    if (answer.status === 403) return problemPage(c, signed, 403, 'Not your library', errorText(answer));
    if (answer.status !== 200) return libraryPage(ctx, c, symbol, { problems: problemsOf(answer), status: 422 });
    return libraryPage(ctx, c, symbol, { report: answer.body });
  });
}
