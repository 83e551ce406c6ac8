import type { RequestAction } from '@bookstrap/core';
import { actionTable, suggestedBarcodeOf } from '@bookstrap/core';
import { html } from 'hono/html';
import { type ConsoleApp, type ConsoleContext, type ConsoleCtx, callApi, errorText, field, libraryOnly, librarySession, problemPage } from './context.ts';
import { definitionList, flashOf, type Html, page, postForm, statusLabel, withFlash } from './layout.ts';
import type { Signed } from './session.ts';
import type { RequestDetail } from '../http/schemas.ts';

interface ProtocolExchangeView {
  at: string;
  stepKey?: string;
  method: string;
  url: string;
  requestHeaders?: Record<string, string>;
  requestBody?: string;
  status?: number;
  responseBody?: string;
  durationMs?: number;
  error?: string;
}

/**
 * One request: its details, the actions the core allows now (the API's `allowedActions`) as
 * buttons, the circulation history and ILS steps live, the repairs, and the masked protocol log.
 */
type Input = { name: string; label: string; type: 'text' | 'date' | 'number'; required?: boolean };

/** What each action asks for besides the optional note (the API's action bodies). */
const actionInputs: Partial<Record<RequestAction, Input[]>> = {
  'supplier-shipped': [
    { name: 'supplierItemBarcode', label: "Lender's item barcode", type: 'text' },
    { name: 'lenderDueDate', label: "Lender's due date", type: 'date' },
  ],
  cancel: [{ name: 'reason', label: 'Reason (told to the patron)', type: 'text' }],
  'supplier-unfilled': [{ name: 'reason', label: 'Reason', type: 'text' }],
  'respond-unfilled': [{ name: 'reason', label: 'Reason', type: 'text' }],
  'renewal-approved': [{ name: 'newDueDate', label: 'New due date', type: 'date', required: true }],
  'approve-renewal': [{ name: 'newDueDate', label: 'New due date', type: 'date', required: true }],
  recall: [{ name: 'dueDate', label: 'Recall due date', type: 'date' }],
  'mark-lost': [{ name: 'replacementCost', label: 'Replacement cost', type: 'number' }],
  ship: [
    { name: 'itemBarcode', label: 'Item barcode', type: 'text' },
    { name: 'dueDate', label: 'Due date (empty: the ILS loan policy)', type: 'date' },
  ],
};

function actionForm(signed: Signed, request: RequestDetail, action: RequestAction): Html {
  const label = actionTable(request.role)[action]?.label ?? action;
  if (action === 'receive') {
    return html`<a class="button" href="/console/requests/${request.id}/receive">Receive…</a>`;
  }
  const inputs = actionInputs[action] ?? [];
  const id = (name: string) => `${action}-${name}`;
  return postForm(
    signed,
    `/console/requests/${request.id}/actions/${action}`,
    html`<fieldset><legend>${label}</legend>
${inputs.map(
  (input) =>
    html`<label for="${id(input.name)}">${input.label}</label><input type="${input.type}" id="${id(input.name)}" name="${input.name}" ${input.required ? html`required` : ''} ${input.type === 'number' ? html`step="0.01" min="0"` : ''} value="${action === 'ship' && input.name === 'itemBarcode' ? (request.itemBarcode ?? '') : ''}">`,
)}
<label for="${id('note')}">Note (optional)</label><input type="text" id="${id('note')}" name="note" maxlength="1000">
<p><button type="submit">${label}</button></p></fieldset>`,
    'class="action"',
  );
}

function historyTable(request: RequestDetail): Html {
  return html`<table><caption class="muted">Circulation history, oldest first</caption>
<thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Text</th></tr></thead>
<tbody>${request.history.map(
    (entry) =>
      html`<tr class="kind-${entry.kind}"><td>${entry.at.replace('T', ' ').slice(0, 19)}</td><td class="${entry.outcome ? `outcome-${entry.outcome}` : `kind-${entry.kind}`}">${entry.outcome ?? entry.kind}</td><td dir="auto">${entry.text}</td></tr>`,
  )}</tbody></table>`;
}

function stepRows(signed: Signed, request: RequestDetail): Html {
  if (!request.steps.length) return html`<p class="muted">No ILS steps for this request.</p>`;
  return html`<table><caption class="muted">ILS steps, in the order they run</caption>
<thead><tr><th scope="col">Step</th><th scope="col">State</th><th scope="col">Outcome</th><th scope="col">Repair</th></tr></thead>
<tbody>${request.steps.map((step) => {
    const outcome = step.lastOutcome;
    // the core's own reading of a collision's suggestion; only a step that can still change offers it
    const suggested = step.nextAction !== undefined ? suggestedBarcodeOf(outcome?.suggestion) : undefined;
    const canSettle = step.nextAction !== undefined || step.retryable;
    const base = `/console/requests/${request.id}/steps`;
    const noteFields = (verb: string) =>
      html`<label for="${verb}-note-${step.position}-${step.planId}">Note (required)</label><input type="text" id="${verb}-note-${step.position}-${step.planId}" name="note" required maxlength="1000">
<label for="${verb}-staff-${step.position}-${step.planId}">Your initials</label><input type="text" id="${verb}-staff-${step.position}-${step.planId}" name="staff" maxlength="100" size="6">`;
    return html`<tr>
<td><strong>${step.name}</strong><br><span class="muted">${step.key}</span></td>
<td class="state-${step.state}">${step.state}${step.attempts ? html`<br><span class="muted">${step.attempts} attempt${step.attempts === 1 ? '' : 's'}</span>` : ''}${step.waitingFor ? html`<br><span class="muted">waiting for ${step.waitingFor}</span>` : ''}</td>
<td dir="auto">${outcome ? html`${outcome.kind}${outcome.reason ? html`: ${outcome.reason}` : ''}${outcome.reference ? html` (ILS record ${outcome.reference})` : ''}${outcome.suggestion ? html`<br>Suggestion: <strong>${outcome.suggestion}</strong>` : ''}` : ''}${step.nextAction ? html`<br><em>${step.nextAction}</em>` : ''}</td>
<td>${
      canSettle
        ? html`<div class="actions">
${step.retryable ? postForm(signed, `${base}/retry`, html`<input type="hidden" name="stepKey" value="${step.key}"><button type="submit">Retry</button>`, 'class="inline"') : ''}
${
  suggested
    ? postForm(
        signed,
        `/console/requests/${request.id}/correct`,
        html`<input type="hidden" name="useSuggestedBarcode" value="true"><label for="suggest-note-${step.position}-${step.planId}">Note (required)</label><input type="text" id="suggest-note-${step.position}-${step.planId}" name="note" required maxlength="1000" value="Barcode already in the ILS"><button type="submit">Use suggested barcode ${suggested}</button>`,
        'class="inline"',
      )
    : ''
}
<details><summary>Resolve or skip…</summary>
${postForm(signed, `${base}/resolve`, html`<input type="hidden" name="stepKey" value="${step.key}">${noteFields('resolve')}<button type="submit">Resolved: done by hand in the ILS</button>`, 'class="inline"')}
${postForm(signed, `${base}/skip`, html`<input type="hidden" name="stepKey" value="${step.key}">${noteFields('skip')}<button type="submit" class="secondary">Skip: not needed</button>`, 'class="inline"')}
</details></div>`
        : ''
    }</td></tr>`;
  })}</tbody></table>`;
}

/** What the ILS sync last saw at the desk; a finding that waits for staff can be resolved here. */
function circulationFinding(signed: Signed, request: RequestDetail): Html {
  const seen = request.ilsCirculation;
  if (!seen?.lastFinding) return html``;
  const open = seen.needsIllStaff;
  return html`<h2>What circulation did</h2>
<p class="${open ? 'state-needs-staff' : 'muted'}" dir="auto">${seen.lastFinding}${seen.nextAction && open ? html`<br><em>${seen.nextAction}</em>` : ''}</p>
${
  open
    ? postForm(
        signed,
        `/console/requests/${request.id}/ils-finding/resolve`,
        html`<label for="finding-note">Note (required)</label><input type="text" id="finding-note" name="note" required maxlength="1000">
<label for="finding-staff">Your initials</label><input type="text" id="finding-staff" name="staff" maxlength="100" size="6">
<button type="submit">Resolved: dealt with</button>`,
        'class="inline"',
      )
    : ''
}`;
}

/** The part of the page that follows the worker: status, history, steps and the ILS records. */
export function liveRegion(signed: Signed, request: RequestDetail): Html {
  const busy = request.pendingSteps > 0;
  return html`<section id="live" data-live="/console/requests/${request.id}/live" data-busy="${busy ? 'true' : 'false'}" aria-live="polite" aria-busy="false">
<p>Status: <strong>${statusLabel(request.status)}</strong>${busy ? html` · <span class="state-pending">${request.pendingSteps} ILS step${request.pendingSteps === 1 ? '' : 's'} in progress</span>` : ''}${request.attention ? html` · <span class="state-needs-staff">Needs attention: ${request.attention.nextAction}</span>` : ''}</p>
${circulationFinding(signed, request)}
<h2>Circulation history</h2>
${historyTable(request)}
<h2>ILS steps</h2>
${stepRows(signed, request)}
${request.ilsRecords && Object.keys(request.ilsRecords).length ? html`<h2>ILS records this request owns</h2><pre tabindex="0">${JSON.stringify(request.ilsRecords, null, 2)}</pre>` : ''}
</section>`;
}

function correctionForm(signed: Signed, request: RequestDetail): Html {
  const fields: [string, string, string][] = [
    ['temporaryBarcode', 'Temporary barcode', 'text'],
    ['patronId', 'Patron ID', 'text'],
    ['pickupLocation', 'Pickup location code', 'text'],
    ['itemBarcode', 'Item barcode (lending)', 'text'],
    ['lenderDueDate', "Lender's due date", 'date'],
  ];
  return html`<details class="no-print"><summary>Correct a field…</summary>${postForm(
    signed,
    `/console/requests/${request.id}/correct`,
    html`<p class="muted">Only the fields you fill in change; the ILS steps they affect are planned again.</p>
${fields.map(([name, label, type]) => html`<label for="correct-${name}">${label}</label><input type="${type}" id="correct-${name}" name="${name}">`)}
<label for="correct-note">Why (required, kept in the history)</label><input type="text" id="correct-note" name="note" required maxlength="1000">
<label for="correct-staff">Your initials</label><input type="text" id="correct-staff" name="staff" maxlength="100">
<p><button type="submit">Correct</button></p>`,
    'class="panel"',
  )}</details>`;
}

async function protocolLog(ctx: ConsoleContext, signed: Signed, id: string): Promise<Html> {
  const log = await callApi<{ exchanges: ProtocolExchangeView[] }>(ctx, signed, 'GET', `/v1/requests/${encodeURIComponent(id)}/protocol-log`);
  const exchanges: ProtocolExchangeView[] = log.status === 200 ? log.body.exchanges : [];
  const cut = (text: string | undefined) => (text && text.length > 4000 ? `${text.slice(0, 4000)}… (${text.length} characters)` : (text ?? ''));
  return html`<details><summary>Protocol log (${exchanges.length} exchange${exchanges.length === 1 ? '' : 's'}, secrets masked)</summary>
${exchanges.map(
  (
    x,
  ) => html`<div class="panel"><p><strong>${x.method} ${x.url}</strong> → ${x.status ?? x.error ?? 'no answer'} <span class="muted">${x.at}${x.durationMs !== undefined ? ` · ${x.durationMs} ms` : ''}${x.stepKey ? ` · ${x.stepKey}` : ''}</span></p>
${
  x.requestHeaders
    ? html`<pre tabindex="0">${Object.entries(x.requestHeaders as Record<string, string>)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n')}</pre>`
    : ''
}
${x.requestBody ? html`<pre tabindex="0">${cut(x.requestBody)}</pre>` : ''}${x.responseBody ? html`<pre tabindex="0">${cut(x.responseBody)}</pre>` : ''}</div>`,
)}</details>`;
}

async function loadRequest(ctx: ConsoleContext, signed: Signed, id: string) {
  if (!/^[A-Za-z0-9-]{1,40}$/.test(id)) return undefined;
  const answer = await callApi<RequestDetail>(ctx, signed, 'GET', `/v1/requests/${encodeURIComponent(id)}`);
  return answer.status === 200 ? answer.body : undefined;
}

const back = (c: ConsoleCtx, id: string, kind: 'ok' | 'error', text: string) =>
  c.redirect(withFlash(`/console/requests/${encodeURIComponent(id)}`, kind, text), 303);

export function registerRequestPage(app: ConsoleApp, ctx: ConsoleContext): void {
  app.get('/requests/:id', async (c) => {
    const session = librarySession(c);
    if (!session) return libraryOnly(c);
    const { signed } = session;
    const request = await loadRequest(ctx, signed, c.req.param('id'));
    if (!request) return problemPage(c, signed, 404, 'No such request', html`There is no request ${c.req.param('id')} in this library.`);
    const allowed = request.allowedActions as RequestAction[];
    const canStrap = request.role === 'borrowing' && request.temporaryBarcode;
    const canSlip = request.role === 'lending' && ['shipped', 'renewal-requested', 'recalled', 'overdue', 'returned', 'complete'].includes(request.status);
    return page(
      c,
      { title: `Request ${request.id}`, signed, nav: 'queues', flash: flashOf(c) },
      html`<h1>Request ${request.id} <span class="muted">· ${request.role} ${request.serviceType}</span></h1>
<p class="title-cell" dir="auto"><strong>${request.title}</strong>${request.author ? html` — ${request.author}` : ''}</p>
${canStrap ? html`<p class="actions"><a class="button" href="/console/requests/${request.id}/strap">Print book strap</a> <a class="button secondary" href="/console/requests/${request.id}/strap.pdf">Strap as PDF</a></p>` : ''}
${canSlip ? html`<p class="actions"><a class="button" href="/console/requests/${request.id}/slip">Print shipping slip</a> <a class="button secondary" href="/console/requests/${request.id}/slip.pdf">Slip as PDF</a></p>` : ''}
${definitionList([
  ['Status', statusLabel(request.status)],
  ['Patron', [request.patronName, request.patronId ? `(${request.patronId})` : ''].filter(Boolean).join(' ')],
  ['Patron expiry', request.patronExpiry],
  ['Pickup location', request.pickupLocation],
  ['Lenders', request.lenders?.join(', ')],
  ['Current lender', request.currentLender],
  ['Borrowing library', request.borrowingLibrary],
  ['Supplier item barcode', request.supplierItemBarcode],
  [
    'Temporary barcode',
    request.temporaryBarcodeInIls
      ? `${request.temporaryBarcodeInIls} (the ILS's; ${request.temporaryBarcode} was sent and is another item's)`
      : request.temporaryBarcode,
  ],
  ['Item barcode', request.itemBarcode],
  ["Lender's due date", request.lenderDueDate],
  ["Patron's due date (strap)", request.patronDueDate],
  ['Due date', request.dueDate],
  ['In-library use only', request.inLibraryUseOnly ? 'yes' : undefined],
  ['Renewals', request.renewals || undefined],
  ['Partner request', request.partnerRequestId],
  ['ISBN', request.isbn],
  ['Created', request.createdAt],
])}
<h2>Actions</h2>
${allowed.length ? html`<div class="actions">${allowed.map((action) => actionForm(signed, request, action))}</div>` : html`<p class="muted">No actions: the request is closed.</p>`}
${correctionForm(signed, request)}
${liveRegion(signed, request)}
<h2>Protocol log</h2>
${await protocolLog(ctx, signed, request.id)}`,
    );
  });

  app.get('/requests/:id/live', async (c) => {
    const session = librarySession(c);
    if (!session) return libraryOnly(c);
    const request = await loadRequest(ctx, session.signed, c.req.param('id'));
    if (!request) return c.text('not found', 404);
    return c.html(liveRegion(session.signed, request));
  });

  app.post('/requests/:id/actions/:action', async (c) => {
    const session = librarySession(c);
    if (!session) return libraryOnly(c);
    const { id, action } = c.req.param();
    const form = await c.req.parseBody();
    const values = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, typeof v === 'string' ? v : undefined]));
    const body: Record<string, unknown> = {};
    for (const input of actionInputs[action as RequestAction] ?? []) {
      const value = field(values, input.name);
      if (value !== undefined) body[input.name] = input.type === 'number' ? Number(value) : value;
    }
    const note = field(values, 'note');
    if (note) body.note = note;
    if (!/^[a-z-]{1,40}$/.test(action)) return back(c, id, 'error', 'Unknown action.');
    const answer = await callApi(ctx, session.signed, 'POST', `/v1/requests/${encodeURIComponent(id)}/${action}`, body);
    if (answer.status !== 200) return back(c, id, 'error', errorText(answer));
    const label = actionTable(answer.body.role)[action]?.label ?? action;
    return back(c, id, 'ok', `${label}: done. The request is now ${statusLabel(answer.body.status)}.`);
  });

  for (const verb of ['retry', 'resolve', 'skip'] as const) {
    app.post(`/requests/:id/steps/${verb}`, async (c) => {
      const session = librarySession(c);
      if (!session) return libraryOnly(c);
      const id = c.req.param('id');
      const form = await c.req.parseBody();
      const values = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, typeof v === 'string' ? v : undefined]));
      const stepKey = field(values, 'stepKey');
      if (!stepKey) return back(c, id, 'error', 'Which step? The form named none.');
      const body = verb === 'retry' ? undefined : { note: field(values, 'note') ?? '', ...(field(values, 'staff') ? { staff: field(values, 'staff') } : {}) };
      const answer = await callApi(ctx, session.signed, 'POST', `/v1/requests/${encodeURIComponent(id)}/steps/${encodeURIComponent(stepKey)}/${verb}`, body);
      if (answer.status !== 200 && answer.status !== 202) return back(c, id, 'error', errorText(answer));
      return back(c, id, 'ok', verb === 'retry' ? `Step ${stepKey} queued to run again.` : `Step ${stepKey} ${verb === 'resolve' ? 'resolved' : 'skipped'}.`);
    });
  }

  app.post('/requests/:id/ils-finding/resolve', async (c) => {
    const session = librarySession(c);
    if (!session) return libraryOnly(c);
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    const values = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, typeof v === 'string' ? v : undefined]));
    const body = { note: field(values, 'note') ?? '', ...(field(values, 'staff') ? { staff: field(values, 'staff') } : {}) };
    const answer = await callApi(ctx, session.signed, 'POST', `/v1/requests/${encodeURIComponent(id)}/ils-finding/resolve`, body);
    if (answer.status !== 200) return back(c, id, 'error', errorText(answer));
    return back(c, id, 'ok', 'The ILS finding is resolved; the request left the needs-attention queue.');
  });

  app.post('/requests/:id/correct', async (c) => {
    const session = librarySession(c);
    if (!session) return libraryOnly(c);
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    const values = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, typeof v === 'string' ? v : undefined]));
    const body: Record<string, unknown> = {};
    for (const name of ['temporaryBarcode', 'patronId', 'pickupLocation', 'itemBarcode', 'lenderDueDate', 'note', 'staff']) {
      const value = field(values, name);
      if (value !== undefined) body[name] = value;
    }
    if (values.useSuggestedBarcode === 'true') body.useSuggestedBarcode = true;
    const answer = await callApi(ctx, session.signed, 'PATCH', `/v1/requests/${encodeURIComponent(id)}`, body);
    if (answer.status !== 200) return back(c, id, 'error', errorText(answer));
    return back(c, id, 'ok', `Corrected. ${answer.body.temporaryBarcode ? `Temporary barcode: ${answer.body.temporaryBarcode}.` : ''}`);
  });
}
