import { describe, expect, it } from 'vitest';
import { snapshot, useHarness } from '../testutil/harness.ts';
import { consoleClient } from './testing/client.ts';

/**
 * Library settings in the console as the library's own staff use them: their own library's
 * settings only, the API's validation messages next to the field they are about, the connection
 * preflight, and a CSRF token on every change.
 */
const decodeEntities = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

const form = (csrf: string, values: Record<string, string> = {}) => ({
  _csrf: csrf,
  returnInPersonText: 'Bring this book back to the Tulsa ILL desk, in person.',
  libraryUseOnlyText: 'LIBRARY USE ONLY: read it in the Tulsa reading room.',
  temporaryBarcodeSource: 'supplier-barcode',
  advanced: '{"borrowing": {"localLoanDays": 21}}',
  ...values,
});

describe('library settings by the library’s own staff', () => {
  it('shows the form on the Settings page and saves the library’s own settings, no one else’s', async () => {
    const h = await useHarness();
    const partnerBefore = await h.ok(200, 'GET', '/v1/libraries/PARTNR', { key: h.adminKey });
    const client = await consoleClient(h, h.keys.TULSA);
    const settings = await client.get('/console/settings');
    expect(settings.status).toBe(200);
    expect(settings.text).toContain('action="/console/libraries/TULSA/settings"');
    expect(settings.text).toContain('action="/console/libraries/TULSA/check"');
    const saved = await client.post('/console/libraries/TULSA/settings', form(client.csrf));
    expect(saved.status).toBe(303);
    expect(saved.location).toBe('/console/settings?ok=Settings%20saved.');
    const tulsa = await h.ok(200, 'GET', '/v1/libraries/TULSA', { key: h.adminKey });
    expect(tulsa.settings.borrowing.strap).toMatchObject({
      returnInPersonText: 'Bring this book back to the Tulsa ILL desk, in person.',
      libraryUseOnlyText: 'LIBRARY USE ONLY: read it in the Tulsa reading room.',
    });
    expect(tulsa.settings.borrowing.temporaryBarcodeSource).toBe('supplier-barcode');
    expect(tulsa.settings.borrowing.localLoanDays).toBe(21);
    expect(await h.ok(200, 'GET', '/v1/libraries/PARTNR', { key: h.adminKey })).toEqual(partnerBefore);
    const after = await client.get('/console/settings?ok=Settings%20saved.');
    expect(after.text).toContain('Settings saved.');
    expect(after.text).toContain('Bring this book back to the Tulsa ILL desk, in person.');
  });

  it('shows the API’s validation message next to the field it is about, and changes nothing', async () => {
    const h = await useHarness();
    const before = await snapshot(h);
    const client = await consoleClient(h, h.keys.TULSA);
    const tooLong = 'x'.repeat(700);
    const answer = await client.post(
      '/console/libraries/TULSA/settings',
      form(client.csrf, { returnInPersonText: tooLong, advanced: '{"borrowing": {"localLoanDayz": 3}}' }),
    );
    expect(answer.status).toBe(422);
    expect(await snapshot(h)).toBe(before);
    // the API's own words for the same change
    const api = await h.request('PATCH', '/v1/libraries/TULSA?check=false', {
      key: h.keys.TULSA,
      body: { settings: { borrowing: { localLoanDayz: 3, strap: { returnInPersonText: tooLong } } } },
    });
    expect(api.status).toBe(400);
    const messageOf = (path: string) => api.body.error.details.find((d: { path: string }) => d.path === path).message as string;
    const next = (id: string) =>
      new RegExp(
        `<(?:textarea|select) id="${id}"[^>]*aria-invalid="true" aria-describedby="${id}-error"[^>]*>[^<]*</(?:textarea|select)>\\s*<p class="field-error" id="${id}-error">([^<]*)</p>`,
      ).exec(answer.text)?.[1];
    expect(decodeEntities(next('returnInPersonText') ?? '(no message next to the field)')).toBe(messageOf('settings.borrowing.strap.returnInPersonText'));
    // a setting with no field of its own is named next to the JSON patch
    expect(decodeEntities(next('advanced') ?? '(no message next to the patch)')).toBe(
      `settings.borrowing.localLoanDayz: ${messageOf('settings.borrowing.localLoanDayz')}`,
    );
    // the other fields are not marked
    expect(answer.text).not.toMatch(/id="libraryUseOnlyText"[^>]*aria-invalid/);
    // what was typed is kept, for the person to fix
    expect(answer.text).toContain(tooLong);
    // and a patch that is not JSON is named next to the patch
    const notJson = await client.post('/console/libraries/TULSA/settings', form(client.csrf, { advanced: '{borrowing' }));
    expect(notJson.status).toBe(422);
    expect(/id="advanced-error">The settings patch is not valid JSON/.test(notJson.text)).toBe(true);
    expect(await snapshot(h)).toBe(before);
  });

  it('refuses another library’s settings and its connection check (403), changing nothing', async () => {
    const h = await useHarness();
    const before = await snapshot(h);
    const client = await consoleClient(h, h.keys.TULSA);
    const theirs = await client.post('/console/libraries/PARTNR/settings', form(client.csrf));
    expect(theirs.status).toBe(403);
    expect(theirs.text).toContain('Not your library');
    expect((await client.post('/console/libraries/PARTNR/check', { _csrf: client.csrf })).status).toBe(403);
    expect((await client.get('/console/admin/libraries/PARTNR')).status).toBe(403);
    expect(await snapshot(h)).toBe(before);
    const partner = await h.ok(200, 'GET', '/v1/libraries/PARTNR', { key: h.adminKey });
    expect(partner.settings.borrowing.strap.returnInPersonText).not.toContain('Tulsa ILL desk');
  });

  it('refuses a change without the CSRF token, or with another session’s (403), changing nothing', async () => {
    const h = await useHarness();
    const before = await snapshot(h);
    const client = await consoleClient(h, h.keys.TULSA);
    const other = await consoleClient(h, h.keys.TULSA);
    const { _csrf: _, ...withoutToken } = form(client.csrf);
    expect((await client.post('/console/libraries/TULSA/settings', withoutToken)).status).toBe(403);
    expect((await client.post('/console/libraries/TULSA/settings', form(other.csrf))).status).toBe(403);
    expect((await client.post('/console/libraries/TULSA/check', {})).status).toBe(403);
    expect(await snapshot(h)).toBe(before);
  });

  it('runs the connection preflight for the library’s own ILS and shows each check', async () => {
    const h = await useHarness();
    const client = await consoleClient(h, h.keys.TULSA);
    const answer = await client.post('/console/libraries/TULSA/check', { _csrf: client.csrf });
    expect(answer.status).toBe(200);
    const report = await h.ok(200, 'POST', '/v1/libraries/TULSA/check', { key: h.keys.TULSA });
    expect(answer.text).toContain(`Connection check: ${report.ok ? 'passed' : 'failed'}`);
    for (const check of report.checks) expect(answer.text).toContain(`<td>${check.name}</td>`);
  });

  it('keeps every library’s settings for the admin', async () => {
    const h = await useHarness();
    const admin = await consoleClient(h, h.adminKey);
    const saved = await admin.post('/console/libraries/PARTNR/settings', form(admin.csrf, { advanced: '{}' }));
    expect(saved.status).toBe(303);
    expect(saved.location).toBe('/console/admin/libraries/PARTNR?ok=Settings%20saved.');
    const partner = await h.ok(200, 'GET', '/v1/libraries/PARTNR', { key: h.adminKey });
    expect(partner.settings.borrowing.strap.returnInPersonText).toBe('Bring this book back to the Tulsa ILL desk, in person.');
    expect((await admin.get('/console/settings')).status).toBe(303);
  });
});
