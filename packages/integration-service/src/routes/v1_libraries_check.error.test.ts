import { describe, expect, it } from 'vitest';
import { almaHost, libraryBody, snapshot, useHarness } from '../testutil/harness.ts';

describe('POST /v1/libraries/{symbol}/check (errors)', () => {
  it("reports each failed check with Alma's own words: unknown patron, item, pickup library and ILL location", async () => {
    const h = await useHarness();
    await h.ok(200, 'PATCH', '/v1/libraries/TULSA?check=false', {
      key: h.adminKey,
      body: {
        settings: { preflight: { testPatronId: 'nobody-here', testItemBarcode: '99999999' }, borrowing: { illLocation: 'NOSUCHLOC' } },
        pickupLocations: [{ code: 'MOON', name: 'Moon branch', ilsLocationCode: 'MOON' }],
      },
    });
    const report = await h.ok(200, 'POST', '/v1/libraries/TULSA/check', { key: h.adminKey });
    expect(report.ok).toBe(false);
    const byName = Object.fromEntries(report.checks.map((c: { name: string }) => [c.name, c]));
    expect(byName.authenticate.status).toBe('passed');
    expect(byName['test-patron']).toMatchObject({ status: 'failed', ok: false, detail: expect.stringMatching(/Alma 4018\d\d: .*nobody-here/) });
    expect(byName['test-item']).toMatchObject({ status: 'failed', detail: expect.stringContaining('99999999') });
    expect(byName['pickup-locations']).toMatchObject({ status: 'failed', detail: expect.stringContaining('no library MOON') });
    expect(byName['ill-location']).toMatchObject({ status: 'failed', detail: expect.stringContaining('no location NOSUCHLOC') });
  });

  it("a wrong ILS API key fails authentication with Alma's error, and creation answers 422 with the report, storing nothing", async () => {
    const h = await useHarness();
    const before = await snapshot(h);
    const body = libraryBody('OKLA', {
      connection: { ils: 'alma', protocol: 'rest', baseUrl: `${almaHost}/almaws/v1`, credentials: { apiKey: 'wrong-key' }, library: 'MAIN' },
    });
    const refused = await h.request('POST', '/v1/libraries', { key: h.adminKey, body });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('CONNECTION_CHECK_FAILED');
    expect(refused.body.error.message).toMatch(/^The connection check failed: authenticate: Alma refused the API key/);
    expect(refused.body.error.details.checks[0]).toMatchObject({ name: 'authenticate', status: 'failed', detail: expect.stringMatching(/Alma \S+: /) });
    expect(await snapshot(h)).toBe(before);
    // told not to check, it is stored as given
    expect((await h.request('POST', '/v1/libraries?check=false', { key: h.adminKey, body })).status).toBe(201);
  });

  it('an update that breaks the connection is refused with the report and changes nothing; ?check=false stores it', async () => {
    const h = await useHarness();
    const before = await snapshot(h);
    const patch = { connection: { credentials: { apiKey: 'wrong-key' } } };
    const refused = await h.request('PATCH', '/v1/libraries/TULSA', { key: h.adminKey, body: patch });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.ok).toBe(false);
    expect(await snapshot(h)).toBe(before);
    await h.ok(200, 'PATCH', '/v1/libraries/TULSA?check=false', { key: h.adminKey, body: patch });
    const report = await h.ok(200, 'POST', '/v1/libraries/TULSA/check', { key: h.adminKey });
    expect(report.checks.map((c: { status: string }) => c.status)).toEqual(['failed', 'skipped', 'skipped', 'skipped', 'skipped']);
  });

  it('answers 404 for an unknown library and 400 for a bad check flag', async () => {
    const h = await useHarness();
    expect((await h.request('POST', '/v1/libraries/NOSUCH/check', { key: h.adminKey })).status).toBe(404);
    const bad = await h.request('POST', '/v1/libraries?check=maybe', { key: h.adminKey, body: libraryBody('OKLA') });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('check');
  });
});
