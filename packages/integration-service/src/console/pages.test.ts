import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { snapshot, useHarness } from '../testutil/harness.ts';
import { consoleClient } from './testing/client.ts';

/** The console's smaller pages in-process: notices, the conformance matrix, receive's pre-fill. */
describe('notices page', () => {
  it('lists the due notices and marks one sent through the API', async () => {
    const h = await useHarness();
    await h.ok(200, 'PATCH', '/v1/libraries/TULSA?check=false', {
      key: h.adminKey,
      body: { settings: { borrowing: { patronNotices: { requestConfirmation: true, libraryName: 'Tulsa ILL' } } } },
    });
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'borrowing', title: '<b>Emma</b>', patronId: 'P-1', patronEmail: 'p1@example.org', lenders: ['LENDA'] },
    });
    const client = await consoleClient(h, h.keys.TULSA);
    const due = await client.get('/console/notices');
    expect(due.text).toContain(`/console/requests/${id}`);
    expect(due.text).not.toContain('<b>Emma</b>');
    const [notice] = (await h.ok(200, 'GET', '/v1/notices')).notices;
    const forged = await client.post(`/console/notices/${notice.id}/sent`, {});
    expect(forged.status).toBe(403);
    const sent = await client.post(`/console/notices/${notice.id}/sent`, { _csrf: client.csrf });
    expect(sent.status).toBe(303);
    expect((await h.ok(200, 'GET', '/v1/notices?state=sent')).notices.map((n: { id: number }) => n.id)).toEqual([notice.id]);
    expect((await client.get('/console/notices?state=sent')).text).toContain(`/console/requests/${id}`);
  });
});

describe('conformance page', () => {
  const saved = process.env.BOOKSTRAP_CONFORMANCE_SUMMARY;
  afterEach(() => {
    if (saved === undefined) delete process.env.BOOKSTRAP_CONFORMANCE_SUMMARY;
    else process.env.BOOKSTRAP_CONFORMANCE_SUMMARY = saved;
  });

  it('shows the last run as a features × targets matrix, and says so when there is none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bookstrap-conformance-'));
    const path = join(dir, 'summary.json');
    process.env.BOOKSTRAP_CONFORMANCE_SUMMARY = path;
    const h = await useHarness();
    const client = await consoleClient(h, h.keys.TULSA);
    expect((await client.get('/console/conformance')).text).toContain('No conformance run found');
    writeFileSync(
      path,
      JSON.stringify({
        passed: 2,
        failed: 1,
        unsupported: 1,
        notApplicable: 0,
        targets: ['alma', 'sierra'],
        results: [
          { target: 'alma', feature: 'borrowing/receive.feature', scenario: 'creates the item', status: 'passed' },
          { target: 'sierra', feature: 'borrowing/receive.feature', scenario: 'creates the item', status: 'failed', detail: '<script>x</script>' },
          { target: 'alma', feature: 'lending/ship.feature', scenario: 'checks out', status: 'passed' },
          { target: 'sierra', feature: 'lending/ship.feature', scenario: 'checks out', status: 'unsupported', detail: 'no REST' },
        ],
      }),
    );
    const page = (await client.get('/console/conformance')).text;
    expect(page).toContain('<strong>2 passed</strong>');
    expect(page).toMatch(/borrowing\/receive\.feature<\/th><td class="state-succeeded"[^>]*>✔ passed/);
    expect(page).toMatch(/<td class="state-failed-permanent"[^>]*>✘ failed/);
    expect(page).toContain('– unsupported');
    expect(page).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(page).not.toContain('<script>x');
  });
});

describe('receive page', () => {
  it("pre-fills the lender's barcode when the library says so, and a refused barcode changes nothing", async () => {
    const h = await useHarness();
    await h.ok(200, 'PATCH', '/v1/libraries/TULSA?check=false', {
      key: h.adminKey,
      body: { settings: { borrowing: { temporaryBarcodeSource: 'supplier-barcode' } } },
    });
    const { id } = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Emma', patronId: 'P-1', lenders: ['LENDA'] } });
    await h.ok(200, 'POST', `/v1/requests/${id}/send`);
    await h.ok(200, 'POST', `/v1/requests/${id}/supplier-shipped`, { body: { supplierItemBarcode: 'LENDA-31', lenderDueDate: '2025-04-30' } });
    const client = await consoleClient(h, h.keys.TULSA);
    expect((await client.get(`/console/requests/${id}/receive`)).text).toMatch(/id="temporaryBarcode" name="temporaryBarcode" value="LENDA-31"/);
    const before = await snapshot(h);
    const refused = await client.post(`/console/requests/${id}/receive`, { _csrf: client.csrf, temporaryBarcode: 'not a barcode!' });
    expect(refused.status).toBe(303);
    expect(refused.location).toContain(`/console/requests/${id}/receive?`);
    const again = await client.get(refused.location!);
    expect(again.text).toContain('not a usable barcode');
    expect(again.text).toContain('value="not a barcode!"');
    expect(await snapshot(h)).toBe(before);
    const done = await client.post(`/console/requests/${id}/receive`, { _csrf: client.csrf, temporaryBarcode: 'ILL-31' });
    expect(done.location).toContain(`/console/requests/${id}?ok=`);
    expect((await h.ok(200, 'GET', `/v1/requests/${id}`)).temporaryBarcode).toBe('ILL-31');
    // one at a time: received, it cannot be received again
    const twice = await client.get(`/console/requests/${id}/receive`);
    expect(twice.status).toBe(303);
  });
});

describe('step repairs from the request page', () => {
  it('retries, refuses a resolve without a note, and skips a stopped step, each in the history', async () => {
    const h = await useHarness();
    const { demo } = await import('@bookstrap/ils-simulators');
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'borrowing', title: 'Emma', patronId: demo.alma.patrons.good.primaryId, pickupLocation: 'MAIN', lenders: ['LENDA'] },
    });
    await h.ok(200, 'POST', `/v1/requests/${id}/send`);
    await h.ok(200, 'POST', `/v1/requests/${id}/supplier-shipped`, { body: { lenderDueDate: '2025-04-30' } });
    const taken = demo.alma.checkedOutItem.barcode;
    await h.ok(200, 'POST', `/v1/requests/${id}/receive`, { body: { temporaryBarcode: taken } });
    await h.drain();
    const stepKey = `${id}:create-temporary-item:${taken}`;
    const client = await consoleClient(h, h.keys.TULSA);
    const page = (await client.get(`/console/requests/${id}`)).text;
    expect(page).toContain(`value="${stepKey}"`);
    expect(page).toContain(`Use suggested barcode ${taken}A`);

    const flash = (location: string | null) => new URL(location!, 'http://x').searchParams;
    const retried = await client.post(`/console/requests/${id}/steps/retry`, { _csrf: client.csrf, stepKey });
    expect(flash(retried.location).get('ok')).toBe(`Step ${stepKey} queued to run again.`);
    await h.drain();
    const noNote = await client.post(`/console/requests/${id}/steps/resolve`, { _csrf: client.csrf, stepKey, note: '' });
    expect(flash(noNote.location).get('error')).toContain('note');
    const skipped = await client.post(`/console/requests/${id}/steps/skip`, { _csrf: client.csrf, stepKey, note: 'patron cancelled at the desk', staff: 'JD' });
    expect(flash(skipped.location).get('ok')).toBe(`Step ${stepKey} skipped.`);
    const after = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(after.steps.find((s: { key: string }) => s.key === stepKey).state).toBe('skipped');
    expect(after.history.map((e: { text: string }) => e.text)).toEqual(
      expect.arrayContaining([expect.stringContaining('Staff asked to retry'), expect.stringContaining('Skipped by JD')]),
    );
    // the other patron's item was never touched
    const item = await h.alma('GET', `/items?item_barcode=${taken}`);
    expect(item.body.item_data.internal_note_1 ?? '').not.toContain(id);
  });
});
