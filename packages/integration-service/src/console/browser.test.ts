import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { demo } from '@bookstrap/ils-simulators';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../server.ts';
import { almaDesk } from '../testutil/alma-desk.ts';
import { createHarness, type Harness } from '../testutil/harness.ts';
import { decodePdfBarcode, decodePng, launchChromium, pdfText, screenshotsDir } from './testing/browser.ts';

/**
 * The console in a real browser: Playwright driving Debian's Chromium against the service on a
 * loopback port, the simulated Alma behind it. ILS state is asserted through the Alma API (the
 * desk), never the simulator's database. Screenshots of each page go to reports/console/.
 */
const patron = demo.alma.patrons.good.primaryId;
const theirs = demo.alma.checkedOutItem; // an item on another patron's card: a collision target

let browser: Browser;
let h: Harness;
let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

async function fresh(): Promise<void> {
  if (server) await server.close();
  if (h) await h.close();
  h = await createHarness();
  server = await startServer(h.service.app, 0);
}
afterAll(async () => {
  // the accessibility check of every page beside its screenshot, for the test report
  writeFileSync(join(screenshotsDir, 'axe.json'), `${JSON.stringify(Object.fromEntries(axeFindings), null, 2)}\n`);
  await server?.close();
  await h?.close();
});

const shotsTaken = new Set<string>();

/** Every form control a person can reach has a label a screen reader announces. */
async function assertLabelled(page: Page): Promise<void> {
  // a string, evaluated in the page: this package is typed without the DOM
  const unlabelled = await page.evaluate(`[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
    .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')))
    .map((el) => el.outerHTML)`);
  expect(unlabelled, page.url()).toEqual([]);
}

// axe-core from node_modules, evaluated in the page (the console's CSP admits only its own
// scripts, and a test must not loosen it): WCAG 2.1 A and AA plus axe's best practices
// (landmarks, one main, headings in order)
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const axeFindings = new Map<string, string[]>();

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

async function assertAccessible(page: Page, name: string): Promise<void> {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(`axe
    .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] })
    .then((result) => result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) })))`)) as AxeViolation[];
  const found = violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  axeFindings.set(name, found);
  expect(found, `axe on ${name} (${page.url()})`).toEqual([]);
}

async function shot(page: Page, name: string): Promise<void> {
  await assertLabelled(page);
  await assertAccessible(page, name);
  await page.screenshot({ path: join(screenshotsDir, `${name}.png`), fullPage: true });
}

async function signedIn(key: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  // anything the page's own scripts throw fails the test
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(`${server.url}/console`);
  expect(new URL(page.url()).pathname).toBe('/console/sign-in');
  if (!shotsTaken.has('sign-in')) {
    shotsTaken.add('sign-in');
    await shot(page, '00-sign-in');
  }
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState('domcontentloaded');
  return page;
}

async function createThroughConsole(page: Page, title: string, extra: { inLibraryUseOnly?: boolean } = {}): Promise<string> {
  await page.getByRole('link', { name: 'New request' }).click();
  if (!shotsTaken.has('new-request')) {
    shotsTaken.add('new-request');
    await shot(page, '00-new-request');
  }
  await page.getByLabel('Title (required)').fill(title);
  await page.getByLabel('Patron ID (as the ILS knows the patron)').fill(patron);
  await page.getByLabel('Patron name').fill('Ada Lovelace');
  await page.getByLabel('Pickup location').selectOption('MAIN');
  await page.getByLabel(/Lender string/).fill('LENDA');
  if (extra.inLibraryUseOnly) await page.getByLabel('In-library use only').check();
  await page.getByRole('button', { name: 'Create borrowing request' }).click();
  await page.waitForURL(/\/console\/requests\/\d+/);
  const id = /\/console\/requests\/(\d+)/.exec(page.url())![1]!;
  await expect.poll(() => page.getByRole('status').textContent()).toContain(`Request ${id} created.`);
  return id;
}

async function act(page: Page, button: string, fields: Record<string, string> = {}): Promise<void> {
  for (const [label, value] of Object.entries(fields)) await page.locator(label).fill(value);
  await page.getByRole('button', { name: button, exact: true }).click();
  await page.waitForLoadState('domcontentloaded');
  const flash = await page.locator('.flash').first().textContent();
  expect(flash, `after "${button}"`).toContain('done');
}

/** Sent, shipped by the lender: through the console's own buttons. */
async function toInTransit(page: Page, id: string): Promise<void> {
  await h.drain(); // the patron lookup
  await act(page, 'Sent to lender');
  await act(page, 'Lender shipped (In Transit)', { '#supplier-shipped-lenderDueDate': '2025-04-30', '#supplier-shipped-supplierItemBarcode': 'LENDA-778' });
  expect((await h.ok(200, 'GET', `/v1/requests/${id}`)).status).toBe('in-transit');
}

describe('the staff console in Chromium', () => {
  it('walks a borrowing request from create to complete, prints the strap, and its PDF barcode scans as the temporary barcode', async () => {
    await fresh();
    const desk = almaDesk(h);
    const page = await signedIn(h.keys.TULSA);
    await shot(page, '01-queues');
    await expect.poll(() => page.locator('.who').textContent()).toContain('TULSA');

    const id = await createThroughConsole(page, 'The Art of Computer Programming');
    await toInTransit(page, id);
    await shot(page, '02-request-in-transit');

    // Receive: one request, the barcode pre-filled from the configured source (the request ID)
    await page.getByRole('link', { name: 'Receive…' }).click();
    const barcodeInput = page.getByLabel('Temporary barcode');
    expect(await barcodeInput.inputValue()).toBe(id);
    await shot(page, '03-receive');
    await page.getByRole('button', { name: 'Mark received' }).click();
    await page.waitForURL(new RegExp(`/console/requests/${id}\\?`));
    const live = page.locator('#live');
    expect(await live.textContent()).toContain(`Creating temporary item record ${id}.`);
    expect(await live.textContent()).not.toContain('successfully created');
    expect(await desk.countItems(id)).toBe(0);

    // The worker runs the steps; the page follows without a reload.
    const url = page.url();
    await h.drain();
    await expect.poll(() => live.textContent(), { timeout: 15_000 }).toContain(`Temporary item record ${id} successfully created.`);
    expect(page.url()).toBe(url);
    await shot(page, '04-request-received');
    const created = await desk.item(id);
    expect(created.item_data.internal_note_1).toContain(`ILL request ${id}`);
    expect(await desk.holds(id)).toEqual([expect.objectContaining({ patronId: patron, pickup: 'MAIN' })]);

    // The strap: one click, HTML print view and PDF
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(request.patronDueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await page.getByRole('link', { name: 'Print book strap' }).click();
    const strap = page.getByRole('article', { name: `Book strap for request ${id}` });
    const strapText = (await strap.textContent()) ?? '';
    for (const expected of [id, 'The Art of Computer Programming', 'Ada Lovelace', patron, request.patronDueDate, 'LENDA', 'IN PERSON']) {
      expect(strapText).toContain(expected);
    }
    expect(strapText).not.toContain('LIBRARY USE ONLY');
    // the barcode is at the top, before every fact
    const [barcodeBox, dueBox] = await Promise.all([strap.locator('img.strap-barcode').boundingBox(), strap.locator('.strap-due').boundingBox()]);
    expect(barcodeBox!.y).toBeLessThan(dueBox!.y);
    const htmlPng = await page.request.get(`${server.url}/console/requests/${id}/barcode.png`);
    expect(decodePng(await htmlPng.body())).toBe(id);
    await shot(page, '05-strap-print-view');
    await page.emulateMedia({ media: 'print' });
    await shot(page, '05b-strap-as-printed');
    await page.emulateMedia({ media: 'screen' });

    const pdf = await page.request.get(`${server.url}/console/requests/${id}/strap.pdf`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    const pdfBytes = await pdf.body();
    const text = await pdfText(pdfBytes);
    for (const expected of [id, 'The Art of Computer Programming', 'Ada Lovelace', patron, request.patronDueDate, 'Main Library', 'LENDA', 'IN PERSON']) {
      expect(text).toContain(expected);
    }
    expect(await decodePdfBarcode(pdfBytes)).toBe(id);

    // Circulation at the Alma desk: check in at pickup, check out to the patron, patron returns it
    await desk.checkIn(id, 'MAIN');
    await desk.checkOut(id, patron, 'MAIN');
    await desk.checkIn(id, 'MAIN');

    await page.goto(`${server.url}/console/requests/${id}`);
    await act(page, 'Returned to lender');
    await h.drain();
    await expect.poll(() => live.textContent(), { timeout: 15_000 }).toContain(`Temporary item record ${id}`);
    expect(await desk.countItems(id)).toBe(0);
    await act(page, 'Complete (lender checked the item in)');
    expect(await page.locator('#live').textContent()).toContain('Status: Complete');
    expect(await page.getByRole('heading', { name: 'Actions' }).isVisible()).toBe(true);
    expect(await page.getByText('No actions: the request is closed.').isVisible()).toBe(true);
    await shot(page, '06-request-complete');

    // the closed queue shows it; a search by barcode finds it
    await page.goto(`${server.url}/console/queues?queue=borrowing-closed`);
    await page.getByLabel(/Search this queue/).fill(id);
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('tbody').textContent()).toContain(id);
    await page.context().close();
  }, 120_000);

  it('repairs a barcode collision from the request page: the suggested barcode, and the other patron’s item untouched', async () => {
    await fresh();
    const desk = almaDesk(h);
    const theirItem = await desk.item(theirs.barcode);
    const theirLoan = await desk.loan(theirs.barcode);
    const page = await signedIn(h.keys.TULSA);
    const id = await createThroughConsole(page, 'Emma');
    await toInTransit(page, id);
    await page.getByRole('link', { name: 'Receive…' }).click();
    await page.getByLabel('Temporary barcode').fill(theirs.barcode);
    await page.getByRole('button', { name: 'Mark received' }).click();
    await page.waitForURL(new RegExp(`/console/requests/${id}\\?`));
    await h.drain();
    const suggested = `${theirs.barcode}A`;
    const useSuggested = page.getByRole('button', { name: `Use suggested barcode ${suggested}` });
    await expect.poll(() => page.locator('#live').textContent(), { timeout: 15_000 }).toContain('Needs attention');
    await shot(page, '07-barcode-collision');
    await useSuggested.waitFor({ timeout: 5_000 });

    // the needs-attention queue holds it
    await page.goto(`${server.url}/console/queues?queue=borrowing-attention`);
    expect(await page.locator('tbody').textContent()).toContain(id);
    await page.goto(`${server.url}/console/requests/${id}`);
    await page.getByRole('button', { name: `Use suggested barcode ${suggested}` }).click();
    await page.waitForLoadState('domcontentloaded');
    expect(await page.locator('.flash').textContent()).toContain(`Temporary barcode: ${suggested}`);
    await h.drain();
    await expect.poll(() => page.locator('#live').textContent(), { timeout: 15_000 }).toContain(`Temporary item record ${suggested} successfully created.`);
    expect(await page.locator('#live').textContent()).not.toContain('Needs attention');
    await shot(page, '08-barcode-repaired');

    expect(await desk.holds(suggested)).toEqual([expect.objectContaining({ patronId: patron, pickup: 'MAIN' })]);
    expect(await desk.item(theirs.barcode)).toEqual(theirItem);
    expect(await desk.loan(theirs.barcode)).toEqual(theirLoan);
    expect(await desk.holds(theirs.barcode)).toEqual([]);
    await page.goto(`${server.url}/console/queues?queue=borrowing-attention`);
    expect(await page.locator('tbody').textContent()).not.toContain(id);

    // the strap follows the repaired barcode
    const pdf = await page.request.get(`${server.url}/console/requests/${id}/strap.pdf`);
    expect(await decodePdfBarcode(await pdf.body())).toBe(suggested);
    await page.context().close();
  }, 120_000);

  it('shows hostile titles as text: a script tag, right-to-left text and 500 characters', async () => {
    await fresh();
    const page = await signedIn(h.keys.TULSA);
    const script = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
    const rtl = 'ספר הדקדוק \u202E كتاب القواعد';
    const long = `${'Long title '.repeat(45)}`.slice(0, 500);
    const titles = [script, rtl, long];
    const ids: string[] = [];
    for (const title of titles) ids.push(await createThroughConsole(page, title, { inLibraryUseOnly: title === rtl }));
    for (const [n, id] of ids.entries()) {
      await page.goto(`${server.url}/console/requests/${id}`);
      expect(await page.locator('main p.title-cell strong').textContent()).toBe(titles[n]!.trim());
      expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    }
    await page.goto(`${server.url}/console/queues`);
    const cells = await page.locator('td.title-cell').allTextContents();
    for (const title of titles) expect(cells).toContain(title.trim());
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await shot(page, '09-hostile-titles');

    // the RTL, library-use-only one through to its strap: the flap is there, the text intact
    const rtlId = ids[1]!;
    await page.goto(`${server.url}/console/requests/${rtlId}`);
    await toInTransit(page, rtlId);
    await page.getByRole('link', { name: 'Receive…' }).click();
    await page.getByRole('button', { name: 'Mark received' }).click();
    await page.waitForURL(new RegExp(`/console/requests/${rtlId}\\?`));
    await page.getByRole('link', { name: 'Print book strap' }).click();
    const strap = page.getByRole('article', { name: `Book strap for request ${rtlId}` });
    expect(await strap.getByRole('complementary', { name: 'In-library use only flap' }).textContent()).toContain('LIBRARY USE ONLY');
    expect(await strap.textContent()).toContain(rtl);
    await shot(page, '10-strap-library-use-only');
    const pdf = await page.request.get(`${server.url}/console/requests/${rtlId}/strap.pdf`);
    const text = await pdfText(await pdf.body());
    expect(text).toContain('LIBRARY USE ONLY');
    expect(await decodePdfBarcode(await pdf.body())).toBe(rtlId);
    await page.context().close();
  }, 120_000);

  it('shows the other pages: recovery, notices, settings, conformance, and the admin view with its settings form', async () => {
    await fresh();
    const page = await signedIn(h.keys.TULSA);
    for (const [link, name] of [
      ['Strap recovery', '11-recovery'],
      ['Notices', '12-notices'],
      ['Settings', '13-settings'],
      ['Conformance', '14-conformance'],
    ] as const) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.waitForLoadState('domcontentloaded');
      expect(await page.locator('h1').textContent()).toBeTruthy();
      await shot(page, name);
    }
    // the library's own staff change its settings: the API's message next to the field, then a good value
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByLabel('Return-in-person text (printed on every strap)').fill('y'.repeat(700));
    await page.getByLabel('Check the ILS connection before saving (recommended)').uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.waitForLoadState('domcontentloaded');
    const returnText = page.getByLabel('Return-in-person text (printed on every strap)');
    expect(await returnText.getAttribute('aria-invalid')).toBe('true');
    const fieldError = page.locator(`#${await returnText.getAttribute('aria-describedby')}`);
    expect(await fieldError.isVisible()).toBe(true);
    expect(await fieldError.textContent()).toMatch(/600/);
    // next to the field: right below it, not somewhere else on the page
    const [fieldBox, errorBox] = [await returnText.boundingBox(), await fieldError.boundingBox()];
    expect(errorBox!.y - (fieldBox!.y + fieldBox!.height)).toBeLessThan(40);
    await shot(page, '13b-settings-invalid-field');
    await returnText.fill('Return to the Tulsa desk IN PERSON, please.');
    await page.getByLabel('Check the ILS connection before saving (recommended)').uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.waitForLoadState('domcontentloaded');
    expect(await page.getByRole('status').textContent()).toContain('Settings saved.');
    expect((await h.ok(200, 'GET', '/v1/libraries/TULSA', { key: h.adminKey })).settings.borrowing.strap.returnInPersonText).toBe(
      'Return to the Tulsa desk IN PERSON, please.',
    );
    await page.getByRole('button', { name: 'Check the connection now' }).click();
    await page.waitForLoadState('domcontentloaded');
    expect(await page.locator('main').textContent()).toMatch(/Connection check: (passed|failed)/);
    await shot(page, '13c-settings-preflight');

    // the keyboard: the first Tab reaches "Skip to content", Enter moves focus to the page itself
    await page.goto(`${server.url}/console/queues`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement?.id')).toBe('main');
    // a desk terminal's wide screen
    await page.setViewportSize({ width: 1920, height: 1080 });
    await shot(page, '18-queues-desk-terminal');
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto(`${server.url}/console/recovery?title=Nothing%20like%20this`);
    expect(await page.locator('main').textContent()).toContain('Found 0 temporary items');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/console\/sign-in$/);
    await page.goto(`${server.url}/console/queues`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');

    // lending: PARTNR ships a request through the console and prints the shipping slip
    const lender = await signedIn(h.keys.PARTNR);
    const { id: lendingId } = await h.ok(201, 'POST', '/v1/requests', {
      key: h.keys.PARTNR,
      body: { role: 'lending', borrowingLibrary: 'TULSA', title: 'Persuasion', itemBarcode: 'PARTNR-0042' },
    });
    await lender.goto(`${server.url}/console/queues?queue=lending-supply`);
    await lender.getByRole('link', { name: lendingId }).click();
    await act(lender, 'Shipped', { '#ship-dueDate': '2025-05-15' });
    await lender.getByRole('link', { name: 'Print shipping slip' }).click();
    const slip = lender.getByRole('article', { name: `Shipping slip for request ${lendingId}` });
    for (const expected of ['Persuasion', 'PARTNR-0042', '2025-05-15', 'TULSA']) expect(await slip.textContent()).toContain(expected);
    await shot(lender, '19-lending-shipping-slip');
    await lender.context().close();

    // a refused page is a console page too: the library's staff on another library's settings
    const staff = await signedIn(h.keys.TULSA);
    const refused = await staff.goto(`${server.url}/console/admin/libraries/PARTNR`);
    expect(refused?.status()).toBe(403);
    await shot(staff, '14b-refused');
    await staff.context().close();

    const admin = await signedIn(h.adminKey);
    expect(await admin.locator('h1').textContent()).toContain('Libraries');
    await shot(admin, '15-admin-libraries');
    await admin.getByRole('link', { name: 'TULSA' }).click();
    // a bad value is refused with the setting named, and nothing changes
    await admin.getByLabel('Return-in-person text (printed on every strap)').fill('x'.repeat(700));
    await admin.getByLabel('Check the ILS connection before saving (recommended)').uncheck();
    await admin.getByRole('button', { name: 'Save settings' }).click();
    await admin.waitForLoadState('domcontentloaded');
    expect(await admin.getByRole('alert').textContent()).toContain('borrowing.strap.returnInPersonText');
    await shot(admin, '16-admin-settings-invalid');
    const unchanged = await h.ok(200, 'GET', '/v1/libraries/TULSA', { key: h.adminKey });
    expect(unchanged.settings.borrowing.strap.returnInPersonText).toContain('IN PERSON');
    // a good one is saved, and the preflight runs against the simulated Alma
    await admin.getByLabel('Return-in-person text (printed on every strap)').fill('Return to the Tulsa desk in person, please.');
    await admin.getByRole('button', { name: 'Save settings' }).click();
    await admin.waitForLoadState('domcontentloaded');
    expect(await admin.getByRole('status').textContent()).toContain('Settings saved.');
    const saved = await h.ok(200, 'GET', '/v1/libraries/TULSA', { key: h.adminKey });
    expect(saved.settings.borrowing.strap.returnInPersonText).toBe('Return to the Tulsa desk in person, please.');
    await admin.getByRole('button', { name: 'Check the connection now' }).click();
    await admin.waitForLoadState('domcontentloaded');
    expect(await admin.locator('main').textContent()).toMatch(/Connection check: (passed|failed)/);
    await shot(admin, '17-admin-preflight');
    await admin.context().close();
  }, 120_000);
});
