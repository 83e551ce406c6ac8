import type { Context } from 'hono';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { csrfField, type Signed } from './session.ts';

/**
 * The console's page shell. Everything is server-rendered with hono/html, which escapes every
 * interpolated value: titles, names and ILS messages are text, never markup (a `<script>` title
 * shows as `<script>`). The only raw HTML is this file's own. No CDN: the stylesheet and the
 * small script are served from /console/assets by the service itself.
 */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface PageOptions {
  title: string;
  signed?: Signed | undefined;
  /** which nav entry is current */
  nav?: string;
  /** a message after a redirect: ok or error */
  flash?: { kind: 'ok' | 'error'; text: string } | undefined;
}

const libraryNav = [
  ['queues', '/console/queues', 'Queues'],
  ['new', '/console/requests/new', 'New request'],
  ['recovery', '/console/recovery', 'Strap recovery'],
  ['notices', '/console/notices', 'Notices'],
  ['settings', '/console/settings', 'Settings'],
  ['conformance', '/console/conformance', 'Conformance'],
] as const;
const adminNav = [
  ['admin', '/console/admin', 'Libraries'],
  ['conformance', '/console/conformance', 'Conformance'],
] as const;

export function csrfInput(signed: Signed): Html {
  return html`<input type="hidden" name="${csrfField}" value="${signed.session.csrf}">`;
}

/** A POST form carrying the session's CSRF token. */
export function postForm(signed: Signed, action: string, body: Html, attributes: Html | string = ''): Html {
  return html`<form method="post" action="${action}" ${typeof attributes === 'string' ? raw(attributes) : attributes}>${csrfInput(signed)}${body}</form>`;
}

export function page(c: Context, options: PageOptions, body: Html, status: ContentfulStatusCode = 200) {
  const { signed } = options;
  const nav = signed ? (signed.kind === 'admin' ? adminNav : libraryNav) : [];
  const who = signed ? (signed.kind === 'admin' ? 'Administrator' : `${signed.library.name} (${signed.library.symbol})`) : '';
  const document = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · Bookstrap</title>
<link rel="stylesheet" href="/console/assets/console.css">
<script src="/console/assets/console.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <span class="brand">Bookstrap</span>
  ${
    signed
      ? html`<nav aria-label="Main"><ul>${nav.map(
          ([key, href, label]) => html`<li><a href="${href}"${options.nav === key ? raw(' aria-current="page"') : ''}>${label}</a></li>`,
        )}</ul></nav>
  <span class="who">${who}</span>
  ${postForm(signed, '/console/sign-out', html`<button type="submit" class="link">Sign out</button>`, 'class="sign-out"')}`
      : ''
  }
</header>
<main id="main" tabindex="-1">
${options.flash ? html`<p class="flash ${options.flash.kind}" role="${options.flash.kind === 'error' ? 'alert' : 'status'}">${options.flash.text}</p>` : ''}
${body}
</main>
</body>
</html>`;
  return c.html(document, status);
}

/** Messages across a redirect ride in the query string (`?ok=` / `?error=`), shown escaped. */
export function flashOf(c: Context): PageOptions['flash'] {
  const error = c.req.query('error');
  if (error) return { kind: 'error', text: error.slice(0, 2000) };
  const ok = c.req.query('ok');
  return ok ? { kind: 'ok', text: ok.slice(0, 2000) } : undefined;
}

export function withFlash(path: string, kind: 'ok' | 'error', text: string): string {
  const url = new URL(path, 'http://console.local');
  url.searchParams.set(kind, text);
  return `${url.pathname}${url.search}`;
}

const statusLabels: Record<string, string> = {
  'new-for-review': 'New for review',
  reviewed: 'Reviewed',
  sent: 'Sent',
  'in-transit': 'In transit',
  received: 'Received / in use',
  'renewal-requested': 'Renewal requested',
  recalled: 'Recalled',
  overdue: 'Overdue',
  returned: 'Returned',
  complete: 'Complete',
  cancelled: 'Cancelled',
  unfilled: 'Unfilled',
  lost: 'Lost',
  'can-you-supply': 'Can you supply?',
  shipped: 'Shipped',
  'returned-but-missing': 'Returned but missing',
  'closed-missing': 'Closed: missing',
};
export const statusLabel = (status: string) => statusLabels[status] ?? status;

export function definitionList(rows: [string, unknown][]): Html {
  return html`<dl class="facts">${rows
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([label, value]) => html`<div><dt>${label}</dt><dd>${String(value)}</dd></div>`)}</dl>`;
}

export const consoleCss = `
:root { --ink:#1b1b1b; --muted:#4a4a4a; --line:#8a8a8a; --bg:#fff; --panel:#f3f4f6; --accent:#0b4f8a; --ok:#1d5e20; --bad:#9b1c1c; --warn:#7a4b00; }
* { box-sizing: border-box; }
body { margin:0; font: 17px/1.5 system-ui, "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color:var(--ink); background:var(--bg); }
.skip { position:absolute; left:-999px; } .skip:focus { left:8px; top:8px; background:#fff; padding:6px; z-index:9; }
header.top { display:flex; flex-wrap:wrap; align-items:center; gap:12px 24px; padding:10px 20px; background:#0b2e4f; color:#fff; }
header.top a, header.top .link { color:#fff; }
.brand { font-weight:700; font-size:1.2em; }
nav ul { display:flex; flex-wrap:wrap; gap:4px 16px; list-style:none; margin:0; padding:0; }
nav a[aria-current="page"] { font-weight:700; text-decoration:underline 3px; }
.who { margin-left:auto; } .sign-out { margin:0; }
main { padding:16px 20px 48px; max-width:1400px; }
main:focus { outline:none; }
h1 { font-size:1.6em; margin:.2em 0 .6em; } h2 { font-size:1.25em; margin:1.4em 0 .5em; }
a { color:var(--accent); }
:focus-visible { outline:3px solid #f0a000; outline-offset:2px; }
table { border-collapse:collapse; width:100%; margin:.5em 0; }
th, td { text-align:left; vertical-align:top; padding:6px 8px; border-bottom:1px solid var(--line); overflow-wrap:break-word; }
th { background:var(--panel); white-space:nowrap; }
td.title-cell, td.text-cell { overflow-wrap:anywhere; }
td.key-cell { white-space:nowrap; }
.title-cell { max-width:40ch; }
label { display:block; font-weight:600; margin:.6em 0 .2em; }
input[type=text], input[type=password], input[type=date], input[type=number], input[type=search], select, textarea { font:inherit; padding:6px 8px; border:2px solid var(--line); border-radius:4px; min-width:16em; max-width:100%; }
textarea { width:100%; min-height:6em; }
button, .button { font:inherit; padding:6px 14px; border:2px solid var(--accent); background:var(--accent); color:#fff; border-radius:4px; cursor:pointer; text-decoration:none; display:inline-block; }
button.secondary, .button.secondary { background:#fff; color:var(--accent); }
button.link { background:none; border:none; padding:0; text-decoration:underline; }
.actions { display:flex; flex-wrap:wrap; gap:12px; align-items:flex-end; margin:.5em 0; }
.actions form, .inline { display:inline-flex; flex-wrap:wrap; gap:8px; align-items:flex-end; margin:0; }
.inline label { margin:0; font-weight:400; }
.flash { padding:10px 14px; border-left:6px solid; background:var(--panel); overflow-wrap:anywhere; }
.flash.ok { border-color:var(--ok); } .flash.error { border-color:var(--bad); color:var(--bad); }
.tabs { display:flex; flex-wrap:wrap; gap:6px; list-style:none; padding:0; margin:.3em 0 1em; }
.tabs a { display:block; padding:6px 12px; border:2px solid var(--line); border-radius:4px; text-decoration:none; color:var(--ink); }
.tabs a[aria-current="page"] { border-color:var(--accent); background:var(--accent); color:#fff; }
.count { display:inline-block; min-width:1.6em; text-align:center; font-weight:700; }
dl.facts { display:grid; grid-template-columns:repeat(auto-fill, minmax(260px, 1fr)); gap:6px 18px; margin:0; }
dl.facts div { border-bottom:1px solid #ddd; padding:4px 0; } dt { font-weight:600; color:var(--muted); font-size:.9em; } dd { margin:0; overflow-wrap:anywhere; }
.state-succeeded, .state-resolved, .outcome-succeeded { color:var(--ok); font-weight:600; }
.state-needs-staff, .state-configuration-error, .state-failed-permanent, .outcome-failed { color:var(--bad); font-weight:600; }
.state-pending, .state-running, .state-failed-retryable, .kind-pending { color:var(--warn); font-weight:600; }
.panel { background:var(--panel); padding:10px 14px; border-radius:6px; margin:.6em 0; }
.problems { color:var(--bad); }
.field-error { color:var(--bad); font-weight:600; margin:.2em 0 .6em; overflow-wrap:anywhere; }
[aria-invalid="true"] { border-color:var(--bad) !important; }
pre { white-space:pre-wrap; overflow-wrap:anywhere; background:var(--panel); padding:8px; font-size:.85em; max-height:24em; overflow:auto; }
.muted { color:var(--muted); }
.visually-hidden { position:absolute; width:1px; height:1px; padding:0; margin:-1px; overflow:hidden; clip:rect(0 0 0 0); white-space:nowrap; border:0; }
.pager { display:flex; gap:16px; margin:1em 0; }
.strap, .slip { width:3.5in; min-height:8in; border:1px solid #000; padding:.2in; margin:1em 0; background:#fff; color:#000; font-size:12pt; }
.slip { width:6in; min-height:auto; }
.strap-barcode { display:block; width:100%; height:auto; image-rendering:pixelated; }
.strap dl, .slip dl { margin:.5em 0; } .strap dt, .slip dt { font-size:8pt; text-transform:uppercase; color:#000; margin-top:.4em; } .strap dd, .slip dd { margin:0; overflow-wrap:anywhere; }
.strap-due { font-size:16pt; font-weight:700; }
.strap-return { font-weight:700; border-top:2px solid #000; padding-top:.4em; white-space:pre-line; }
.strap-flap { border:2px dashed #000; padding:.15in; margin-top:.2in; font-weight:700; white-space:pre-line; }
.strap-footer { font-size:9pt; text-align:center; }
@media (min-width: 1600px) { body { font-size:19px; } }
@media print { header.top, .no-print, .skip, .flash { display:none !important; } main { padding:0; } .strap, .slip { border:none; margin:0; } }
`;

/**
 * Progressive enhancement only: every page works without it. `data-live` regions re-fetch their
 * fragment while ILS steps run, so "pending" turns into the outcome without a reload.
 */
export const consoleJs = `
(function () {
  function poll(region) {
    var url = region.getAttribute('data-live');
    var busy = region.getAttribute('data-busy') === 'true';
    setTimeout(function () {
      fetch(url, { credentials: 'same-origin', headers: { accept: 'text/html' } })
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.text(); })
        .then(function (text) {
          var holder = document.createElement('div');
          holder.innerHTML = text;
          var fresh = holder.firstElementChild;
          if (!fresh) return;
          if (fresh.innerHTML !== region.innerHTML) region.innerHTML = fresh.innerHTML;
          region.setAttribute('data-busy', fresh.getAttribute('data-busy') || 'false');
          poll(region);
        })
        .catch(function () { poll(region); });
    }, busy ? 1000 : 5000);
  }
  document.addEventListener('DOMContentLoaded', function () {
    var regions = document.querySelectorAll('[data-live]');
    for (var i = 0; i < regions.length; i++) poll(regions[i]);
    var printButtons = document.querySelectorAll('[data-print]');
    for (var j = 0; j < printButtons.length; j++) printButtons[j].addEventListener('click', function () { window.print(); });
  });
})();
`;
