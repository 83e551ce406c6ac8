import { describe, expect, it } from 'vitest';
import { fixtureNames, readFixture } from './testing.ts';
import { parseLightNcipPatron, parseWmsScimPatron, wmsScimSearchBody } from './wms-scim.ts';

const json = (name: string) => JSON.parse(readFixture('ncip-responses', name)) as unknown;
const JAN_2025 = new Date('2025-01-01T00:00:00Z');

describe('parseWmsScimPatron', () => {
  it('covers every WMS fixture', () => {
    expect(fixtureNames('ncip-responses', '.json').filter((f) => f.startsWith('wms'))).toEqual([
      'wmsLookupUserAuthNotWorking.json',
      'wmsLookupUserBlockedPatron.json',
      'wmsLookupUserExpired.json',
      'wmsLookupUserGoodPatron.json',
      'wmsLookupUserMissingPermissions.json',
      'wmsLookupUserNotFound.json',
      'wmsLookupUserUnableToHandle.json',
      'wmsLookupUserUnsupportedEndpoint.json',
      'wmsLookupUserUnsupportedMediaType.json',
    ]);
  });

  it('wmsLookupUserGoodPatron: a patron in good standing', () => {
    expect(parseWmsScimPatron(json('wmsLookupUserGoodPatron.json'), JAN_2025)).toEqual({
      ok: true,
      found: true,
      patron: {
        id: 'abcdefg-7ef1-47ea-aa75-52dd439aaf1a',
        externalId: '2200555',
        barcode: '2200555',
        givenName: 'Jane',
        surname: 'Doe',
        displayName: 'Jane Doe',
        blocked: false,
        blockReasons: [],
        email: 'notreal@oclc.org',
        profile: 'ADULT',
        homeLibrary: '128963',
        expiryDate: '2030-09-07T00:00:00Z',
        expired: false,
        // persona oclcNamespace: with the id, the principal an OCLC token is obtained for
        principalNamespace: 'urn:oclc:platform:1799',
      },
    });
  });

  it('wmsLookupUserBlockedPatron: circulation block is reported, ILL block is not set', () => {
    const r = parseWmsScimPatron(json('wmsLookupUserBlockedPatron.json'), JAN_2025);
    expect(r).toMatchObject({
      ok: true,
      found: true,
      patron: {
        id: '5a5dca25-19e6-48d0-94fd-7b5e87100a9b',
        barcode: 'joe_blocker',
        displayName: 'Jane Blocker',
        blocked: true,
        blockReasons: ['Circulation blocked in WMS'],
        homeLibrary: '129479',
      },
    });
    expect(r.ok && r.found && r.patron.email).toBeUndefined();
  });

  it('wmsLookupUserExpired: expired but not blocked', () => {
    expect(parseWmsScimPatron(json('wmsLookupUserExpired.json'), JAN_2025)).toMatchObject({
      ok: true,
      found: true,
      patron: {
        barcode: 'doe_expired',
        displayName: 'Jane Expired',
        blocked: false,
        expiryDate: '2017-11-01T00:00:00Z',
        expired: true,
        email: 'notreal@oclc.org',
      },
    });
  });

  it('wmsLookupUserNotFound: an empty list is "not found", not an error', () => {
    expect(parseWmsScimPatron(json('wmsLookupUserNotFound.json'))).toEqual({ ok: true, found: false });
  });

  it.each([
    ['wmsLookupUserAuthNotWorking.json', 401, 'configuration-error', /credentials.*Missing or invalid authorization token/],
    ['wmsLookupUserMissingPermissions.json', 403, 'configuration-error', /SCIM:read_user.*sufficient permissions/],
    ['wmsLookupUserUnableToHandle.json', 500, 'retryable', /retried.*Unable to to handle the request/],
    ['wmsLookupUserUnsupportedEndpoint.json', 404, 'configuration-error', /lookup endpoint.*Unsupported endpoint/],
    ['wmsLookupUserUnsupportedMediaType.json', 415, 'configuration-error', /\(415\).*Unsupported media type/],
  ] as const)('%s: SCIM error %d is %s', (name, status, kind, says) => {
    const r = parseWmsScimPatron(json(name));
    expect(r).toMatchObject({ ok: false, error: { kind, httpStatus: status, reason: 'http' } });
    expect(!r.ok && r.error.message).toMatch(says);
  });

  it('accepts the raw body text too', () => {
    expect(parseWmsScimPatron(readFixture('ncip-responses', 'wmsLookupUserNotFound.json'))).toEqual({ ok: true, found: false });
  });

  it('more than one match needs a person to choose', () => {
    const good = json('wmsLookupUserGoodPatron.json') as { Resources: unknown[] };
    const twice = { ...good, totalResults: 2, Resources: [good.Resources[0], good.Resources[0]] };
    expect(parseWmsScimPatron(twice)).toMatchObject({ ok: false, error: { kind: 'needs-staff' } });
  });

  it('anything that is not a SCIM list or error is a configuration problem', () => {
    expect(parseWmsScimPatron({ hello: 'world' })).toMatchObject({ ok: false, error: { kind: 'configuration-error' } });
    expect(parseWmsScimPatron('<html>')).toMatchObject({ ok: false, error: { kind: 'configuration-error' } });
  });

  it('builds the External_ID search body ReShare sends, quoting safely', () => {
    expect(JSON.parse(wmsScimSearchBody('2200555'))).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'External_ID eq "2200555"',
    });
    expect(JSON.parse(wmsScimSearchBody('a"b')).filter).toBe('External_ID eq "a\\"b"');
  });
});

describe('parseLightNcipPatron (lib-ncip-client JSON)', () => {
  it('ncipOneLookupUserExampleResponse.json', () => {
    expect(parseLightNcipPatron(json('ncipOneLookupUserExampleResponse.json'))).toEqual({
      id: 'N5551212',
      givenName: 'Jane Marie',
      surname: 'Doe',
      displayName: 'Jane Marie Doe',
      blocked: false,
      blockReasons: [],
      email: 'jane@notarealaddress.com',
      profile: 'Not A Real School Undergraduate Student',
      homeLibrary: 'University Center',
    });
  });

  it('lightNcipRespone.json: empty LIBRARY and an e-mail entry without value are left out', () => {
    expect(parseLightNcipPatron(json('lightNcipRespone.json'))).toEqual({
      id: '849999715',
      givenName: 'JANE',
      surname: 'DOE',
      displayName: 'JANE DOE',
      blocked: false,
      blockReasons: [],
      profile: 'spouse',
    });
  });

  it('STATUS BLOCKED is a block', () => {
    expect(parseLightNcipPatron({ userId: '1', privileges: [{ key: 'STATUS', value: 'BLOCKED' }] })).toMatchObject({
      blocked: true,
      blockReasons: ['Status BLOCKED'],
    });
  });
});
