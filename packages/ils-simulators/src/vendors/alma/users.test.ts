import { describe, expect, it } from 'vitest';
import { almaSimulator, demo } from './test-support.ts';

const good = demo.patrons.good;

describe('Alma users API', () => {
  it('returns a user as XML by default, with coded fields as desc attributes', async () => {
    const { xml } = almaSimulator();
    const response = await xml(`/users/${good.primaryId}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/xml');
    expect(response.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8" standalone="yes"\?><user>/u);
    expect(response.text).toContain('<user_group desc="Undergraduate">UNDERGRAD</user_group>');
    expect(response.text).toContain(
      `<user_identifiers><user_identifier segment_type="Internal"><id_type desc="Barcode">BARCODE</id_type><value>${good.barcode}</value>`,
    );
    expect(response.root).toBe('user');
    expect(response.body.primary_id).toBe(good.primaryId);
    expect(response.body.user_identifier).toHaveLength(1);
  });

  it('returns JSON with Accept or format=json, finding the user by barcode (all_unique)', async () => {
    const { json, request } = almaSimulator();
    const response = await json(`/users/${good.barcode}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.body).toMatchObject({
      primary_id: good.primaryId,
      first_name: good.firstName,
      last_name: good.lastName,
      user_group: { value: 'UNDERGRAD', desc: 'Undergraduate' },
      status: { value: 'ACTIVE', desc: 'Active' },
      expiry_date: '2028-03-11Z',
      account_type: { value: 'INTERNAL' },
      user_block: [],
      loans: null,
    });
    expect(response.body.user_identifier[0]).toMatchObject({ id_type: { value: 'BARCODE' }, value: good.barcode, status: 'ACTIVE' });
    expect(response.body.contact_info.email[0].email_address).toBe(good.email);
    const viaQuery = await request(`/users/${good.primaryId}?format=json`);
    expect(viaQuery.headers.get('content-type')).toContain('application/json');
  });

  it('shows blocks and past expiry dates as Alma does', async () => {
    const { json } = almaSimulator();
    const blocked = await json(`/users/${demo.patrons.blocked.primaryId}`);
    expect(blocked.body.user_block[0]).toMatchObject({ block_type: { value: 'GENERAL' }, block_status: 'ACTIVE' });
    expect(blocked.body.user_block[0].block_description.desc).toBe('Owes the library money');
    const expired = await json(`/users/${demo.patrons.expired.primaryId}`);
    expect(expired.body.expiry_date).toBe('2025-02-10Z');
  });

  it('expands loans, requests and fees into counts with links', async () => {
    const { json } = almaSimulator();
    const borrower = demo.checkedOutItem.borrower;
    const response = await json(`/users/${borrower}?expand=loans,requests,fees`);
    expect(response.body.loans).toEqual({ value: 1, link: `http://localhost/almaws/v1/users/${borrower}/loans` });
    expect(response.body.requests.value).toBe(0);
    expect(response.body.fees.value).toBe(0);
  });

  it('answers an unknown user with 400 and error 401861 (401890 for a typed lookup)', async () => {
    const { json, xml } = almaSimulator();
    const missing = await json('/users/nobody');
    expect(missing.status).toBe(400);
    expect(missing.headers.get('x-exl-api-remaining')).not.toBeNull();
    expect(missing.body).toMatchObject({
      errorsExist: true,
      errorList: { error: [{ errorCode: '401861', errorMessage: 'User with identifier nobody was not found.' }] },
      result: null,
    });
    expect(missing.body.errorList.error[0].trackingId).toMatch(/^E01-/u);
    const typed = await json(`/users/${good.primaryId}?user_id_type=BARCODE`);
    expect(typed.body.errorList.error[0].errorCode).toBe('401890');
    const asXml = await xml('/users/nobody');
    expect(asXml.status).toBe(400);
    expect(asXml.text).toContain('<web_service_result xmlns="http://com/exlibris/urm/general/xmlbeans"><errorsExist>true</errorsExist>');
    expect(asXml.body.errorList.error.errorCode).toBe('401861');
  });

  it('searches users with q=field~value, paging with limit and offset', async () => {
    const { json } = almaSimulator();
    const byName = await json(`/users?q=last_name~${encodeURIComponent(good.lastName)}`);
    expect(byName.body.total_record_count).toBeGreaterThanOrEqual(1);
    expect(byName.body.user.map((user: { primary_id: string }) => user.primary_id)).toContain(good.primaryId);
    expect(byName.body.user[0].link).toMatch(/^http:\/\/localhost\/almaws\/v1\/users\//u);
    const byIdentifier = await json(`/users?q=identifiers~${good.barcode}`);
    expect(byIdentifier.body.total_record_count).toBe(1);
    const page = await json('/users?limit=2&offset=1');
    expect(page.body.user).toHaveLength(2);
    expect(page.body.total_record_count).toBeGreaterThan(2);
    const none = await json('/users?q=primary_id~zzzz-no-such');
    expect(none.body).toEqual({ total_record_count: 0 });
    const words = await json(`/users?q=all~${encodeURIComponent(`${good.firstName},${good.lastName}`)}`);
    expect(words.body.user.map((user: { primary_id: string }) => user.primary_id)).toContain(good.primaryId);
    expect((await json('/users?q=external_id~123')).body).toEqual({ total_record_count: 0 });
    const bad = await json('/users?q=shoe_size~42');
    expect(bad.status).toBe(400);
    expect((await json('/users?limit=500')).status).toBe(400);
  });
});

describe('Alma gateway: API keys and thresholds', () => {
  it('refuses a missing or unknown key with UNAUTHORIZED, accepts header and query keys', async () => {
    const { sim } = almaSimulator();
    const noKey = await sim.app.request(`/almaws/v1/users/${good.primaryId}`);
    expect(noKey.status).toBe(401);
    const body = await noKey.text();
    expect(body).toContain('<errorCode>UNAUTHORIZED</errorCode>');
    expect(body).toContain('API-key not defined or not configured to allow this API.');
    const wrong = await sim.app.request(`/almaws/v1/users/${good.primaryId}`, {
      headers: { Authorization: 'apikey nope', Accept: 'application/json' },
    });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { errorList: { error: { errorCode: string }[] } }).errorList.error[0]?.errorCode).toBe('UNAUTHORIZED');
    expect((await sim.app.request(`/almaws/v1/users/${good.primaryId}?apikey=${demo.apiKey}`)).status).toBe(200);
    expect((await sim.app.request(`/almaws/v1/users/${good.primaryId}`, { headers: { Authorization: `apikey ${demo.apiKey}` } })).status).toBe(200);
  });

  it('lets a read-only key read but not write', async () => {
    const { request } = almaSimulator();
    const headers = { Authorization: `apikey ${demo.readOnlyApiKey}` };
    expect((await request(`/users/${good.primaryId}`, { headers })).status).toBe(200);
    const write = await request(`/users/${good.primaryId}/fees`, { method: 'POST', headers, body: '{}' });
    expect(write.status).toBe(401);
  });

  it('reports the remaining daily quota and answers 429 DAILY_THRESHOLD when it is spent', async () => {
    const { json } = almaSimulator({ limits: { daily: 2 } });
    const first = await json(`/users/${good.primaryId}`);
    expect(first.headers.get('x-exl-api-remaining')).toBe('1');
    expect((await json(`/users/${good.primaryId}`)).headers.get('x-exl-api-remaining')).toBe('0');
    const third = await json(`/users/${good.primaryId}`);
    expect(third.status).toBe(429);
    expect(third.headers.get('x-exl-api-remaining')).toBe('0');
    expect(third.body.errorList.error[0].errorCode).toBe('DAILY_THRESHOLD');
  });

  it('answers 429 PER_SECOND_THRESHOLD over the per-second limit', async () => {
    const { json } = almaSimulator({ limits: { perSecond: 3 } });
    const statuses = [];
    for (let n = 0; n < 5; n += 1) statuses.push((await json(`/users/${good.primaryId}`)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const refused = await json(`/users/${good.primaryId}`);
    expect(refused.body.errorList.error[0]).toMatchObject({ errorCode: 'PER_SECOND_THRESHOLD' });
  });

  it('counts what the gateway let through and refused, and the most calls in one second (GET /_sim/governance)', async () => {
    const { sim, json } = almaSimulator({ limits: { perSecond: 3 } });
    const governance = async () => ((await (await sim.app.request('/_sim/governance')).json()) as { governance: Record<string, number> }).governance;
    expect(await governance()).toEqual({ perSecond: 3, admitted: 0, refusedPerSecond: 0, peakPerSecond: 0 });
    await json(`/users/${good.primaryId}`);
    await json(`/users/${good.primaryId}`);
    expect(await governance()).toEqual({ perSecond: 3, admitted: 2, refusedPerSecond: 0, peakPerSecond: 2 });
    for (let n = 0; n < 3; n += 1) await json(`/users/${good.primaryId}`);
    expect(await governance()).toEqual({ perSecond: 3, admitted: 3, refusedPerSecond: 2, peakPerSecond: 3 });
    // an injected fault is answered before the gateway: not its count
    await sim.app.request('/_sim/faults', { method: 'POST', body: JSON.stringify({ failNext: 1 }) });
    expect((await json(`/users/${good.primaryId}`)).status).toBe(500);
    expect(await governance()).toEqual({ perSecond: 3, admitted: 3, refusedPerSecond: 2, peakPerSecond: 3 });
    await sim.app.request('/_sim/reset', { method: 'POST' });
    expect(await governance()).toEqual({ perSecond: 3, admitted: 0, refusedPerSecond: 0, peakPerSecond: 0 });
    // a vendor without a gateway says so
    const { createSimulator } = await import('../../simulator.ts');
    const sierra = createSimulator({ vendor: 'sierra' });
    expect(await (await sierra.app.request('/_sim/governance')).json()).toEqual({ vendor: 'sierra', governance: null });
    sierra.close();
  });

  it('answers unknown API paths with the error envelope', async () => {
    const { json } = almaSimulator();
    const response = await json('/no/such/api');
    expect(response.status).toBe(404);
    expect(response.body.errorsExist).toBe(true);
  });
});
