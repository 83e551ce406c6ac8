import { readFileSync } from 'node:fs';
import { parseWmsScimPatron } from '@bookstrap/ncip';
import { describe, expect, it } from 'vitest';
import { basic, demo, wmsSimulator } from './test-support.ts';

/** The shared folder beside the repository checkout (captured WMS bodies). */
const SHARED = new URL('../../../../../../shared/', import.meta.url);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`fixtures/ncip-responses/${name}`, SHARED), 'utf8')) as Record<string, unknown>;

/** Every key path of a JSON value ("a.b[].c"), to compare shapes with the captured WMS bodies. */
function shape(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.length === 0 ? [`${prefix}[]`] : [...new Set(value.flatMap((entry) => shape(entry, `${prefix}[]`)))];
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, entry]) => [`${prefix}.${key}`, ...shape(entry, `${prefix}.${key}`)]);
  return [];
}

describe('WMS OAuth token service', () => {
  it('issues a bearer token for client credentials with the requested scopes, valid 20 minutes', async () => {
    const api = wmsSimulator();
    const response = await api.sim.app.request('/token?grant_type=client_credentials&scope=WMS_NCIP%20SCIM:read_user', {
      method: 'POST',
      headers: { Authorization: basic(demo.wskey, demo.secret) },
    });
    const { status, body } = await api.parse(response);
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 1199, scope: 'WMS_NCIP SCIM:read_user', contextInstitutionId: demo.institutionId });
    expect(body.access_token).toMatch(/^tk_/u);
  });

  it('refuses a wrong secret (401), a wrong grant type (400) and a scope the WSKey is not licensed for (403)', async () => {
    const api = wmsSimulator();
    const post = (query: string, key = demo.wskey, secret = demo.secret) =>
      Promise.resolve(api.sim.app.request(`/token?${query}`, { method: 'POST', headers: { Authorization: basic(key, secret) } })).then(api.parse);
    const wrongSecret = await post('grant_type=client_credentials&scope=WMS_NCIP', demo.wskey, 'nope');
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body).toEqual({ code: 401, message: `WSKey '${demo.wskey}' is invalid`, detail: expect.any(String) });
    expect((await post('grant_type=password&scope=WMS_NCIP')).status).toBe(400);
    const unlicensed = await post('grant_type=client_credentials&scope=WMS_NCIP%20SCIM:read_user', demo.ncipOnlyWskey, demo.ncipOnlySecret);
    expect(unlicensed.status).toBe(403);
    expect(unlicensed.body.detail).toContain('SCIM:read_user');
  });

  it('expires tokens on the simulated clock', async () => {
    const api = wmsSimulator();
    const token = await api.token();
    // An unknown item: the token is accepted and the routing answers 404 Item not found.
    const route = () => api.circ('/items/route', { token, method: 'POST', body: { itemId: 'NOPE' } });
    expect((await route()).body).toMatchObject({ code: 404, message: 'Item not found' });
    await api.control('/clock', { method: 'POST', body: { advanceMs: 1200 * 1000 } });
    const expired = await route();
    expect(expired.status).toBe(401);
    expect(expired.body.message).toContain('expired');
  });

  it('wants the service scope on every call: a token without WMS_CIRCULATION gets 403 from /circ', async () => {
    const api = wmsSimulator();
    const ncipOnly = await api.token('WMS_NCIP');
    const refused = await api.circ('/items/route', { token: ncipOnly, method: 'POST', body: { itemId: demo.lendableItems[0]?.barcode } });
    expect(refused.status).toBe(403);
    expect((await api.sim.app.request('/circ/items/route', { method: 'POST' })).status).toBe(401);
  });
});

describe('WMS patron lookup over SCIM', () => {
  it('finds a patron by External_ID with the persona and WMS circulation extensions of the captured bodies', async () => {
    const api = wmsSimulator();
    const good = demo.patrons.good;
    const { status, headers, body } = await api.scimSearch(good.barcode);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toContain('application/scim+json');
    expect(body).toMatchObject({ totalResults: 1, itemsPerPage: 1, startIndex: 1, schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'] });
    const user = body.Resources[0];
    expect(user).toMatchObject({ id: good.scimId, externalId: good.barcode, name: { givenName: good.firstName, familyName: good.lastName } });
    // Same shape as WMS's own answers, minus what the simulator does not keep (notes, addresses, custom data).
    const goodShape = new Set(shape(fixture('wmsLookupUserGoodPatron.json')));
    const captured = new Set(
      ['wmsLookupUserGoodPatron.json', 'wmsLookupUserBlockedPatron.json', 'wmsLookupUserExpired.json'].flatMap((name) => shape(fixture(name))),
    );
    const ours = shape(body);
    const missing = [...goodShape].filter((path) => !ours.includes(path) && !/notes|additionalinfo|addresses|middleName|honorific/u.test(path));
    expect(missing).toEqual([]);
    expect(ours.filter((path) => !captured.has(path))).toEqual([]);

    const parsed = parseWmsScimPatron(body, new Date('2025-03-12T10:00:00Z'));
    expect(parsed).toMatchObject({ ok: true, found: true, patron: { barcode: good.barcode, blocked: false, expired: false, displayName: good.name } });
  });

  it('shows blocked and expired patrons as WMS does (isCircBlocked, a past oclcExpirationDate)', async () => {
    const api = wmsSimulator();
    const blocked = (await api.scimSearch(demo.patrons.blocked.barcode)).body;
    expect(blocked.Resources[0]['urn:mace:oclc.org:eidm:schema:persona:wmscircpatroninfo:20180101'].circulationInfo.isCircBlocked).toBe(true);
    expect(parseWmsScimPatron(blocked)).toMatchObject({ found: true, patron: { blocked: true } });
    const expired = (await api.scimSearch(demo.patrons.expired.barcode)).body;
    const expiry = expired.Resources[0]['urn:mace:oclc.org:eidm:schema:persona:persona:20180305'].oclcExpirationDate;
    expect(expiry).toBe('2025-02-10T00:00:00Z');
    expect(parseWmsScimPatron(expired, new Date('2025-03-12T10:00:00Z'))).toMatchObject({ found: true, patron: { expired: true } });
  });

  it('answers an unknown External_ID with an empty ListResponse, like the captured "not found" body', async () => {
    const api = wmsSimulator();
    const { status, body } = await api.scimSearch('no-such-barcode');
    expect(status).toBe(200);
    expect(body).toEqual(fixture('wmsLookupUserNotFound.json'));
  });

  it('answers auth, permission, media type and endpoint failures with the captured SCIM error bodies', async () => {
    const api = wmsSimulator();
    expect((await api.scimSearch(demo.patrons.good.barcode, { token: 'tk_forged' })).body).toEqual(fixture('wmsLookupUserAuthNotWorking.json'));
    const ncipOnly = await api.token('WMS_NCIP', demo.ncipOnlyWskey, demo.ncipOnlySecret);
    const forbidden = await api.scimSearch(demo.patrons.good.barcode, { token: ncipOnly });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual(fixture('wmsLookupUserMissingPermissions.json'));
    const media = await api.scimSearch(demo.patrons.good.barcode, { contentType: 'text/plain' });
    expect(media.status).toBe(415);
    expect(media.body).toEqual(fixture('wmsLookupUserUnsupportedMediaType.json'));
    const token = await api.token('SCIM:read_user');
    const unsupported = await api.parse(await api.sim.app.request('/idaas/scim/v2/Groups', { headers: { Authorization: `Bearer ${token}` } }));
    expect(unsupported.status).toBe(404);
    expect(unsupported.body).toEqual(fixture('wmsLookupUserUnsupportedEndpoint.json'));
    await api.control('/faults', { method: 'POST', body: { failNext: 1 } });
    const failing = await api.scimSearch(demo.patrons.good.barcode, { token });
    expect(failing.status).toBe(500);
    expect(failing.body).toEqual(fixture('wmsLookupUserUnableToHandle.json'));
  });

  it('refuses filters it does not support and reads a user by id', async () => {
    const api = wmsSimulator();
    const token = await api.token('SCIM:read_user');
    const response = await api.sim.app.request('/idaas/scim/v2/Users/.search', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'name.familyName sw "A"' }),
    });
    const refused = await api.parse(response);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ scimType: 'invalidFilter', status: '400' });
    const user = await api.parse(
      await api.sim.app.request(`/idaas/scim/v2/Users/${demo.patrons.good.scimId}`, { headers: { Authorization: `Bearer ${token}` } }),
    );
    expect(user.body.externalId).toBe(demo.patrons.good.barcode);
    expect(user.body.meta.location).toContain(`/idaas/scim/v2/Users/${demo.patrons.good.scimId}`);
  });
});
