import { describe, expect, it } from 'vitest';
import { type NcipProfile, alma, horizon, millennium, profiles, sierra, symphony, wms } from './profiles.ts';
import { HARD_TITLE, header, responseHeader, sampleRequests, sampleResponses } from './testing.ts';
import { type NcipRequest, NcipBuildError, type NcipSuccessResponse } from './types.ts';
import { validateNcip2 } from './validate.ts';
import { buildRequest } from './wire/build-request.ts';
import { buildResponse } from './wire/build-response.ts';
import { parseRequest } from './wire/parse-request.ts';
import { parseResponse } from './wire/parse-response.ts';
import { parseXml } from './xml.ts';

/** Every NCIP 2 document built here is schema-checked once, at the end (xmllint start-up is slow). */
const builtV2: { label: string; xml: string }[] = [];
function keep(label: string, xml: string, profile: NcipProfile): string {
  if (profile.version === '2.02' && profile.namespace) builtV2.push({ label, xml });
  return xml;
}

const wmsHeader = { fromAgencyId: '128807', toAgencyId: '129479' };

/** What survives NCIP 1: no identifier types, no application profile, no system ids. */
function v1View(r: NcipRequest): NcipRequest {
  const { applicationProfileType: _a, fromSystemId: _f, toSystemId: _t, ...h } = r.header;
  const out: Record<string, unknown> = { ...r, header: h };
  for (const k of ['userIdentifierType', 'itemIdentifierType', 'requestIdentifierType', 'itemNote']) delete out[k];
  return out as unknown as NcipRequest;
}

describe('buildRequest → parseRequest round trip', () => {
  it.each(sampleRequests().map((r) => [r.service, r] as const))('%s, Alma (NCIP 2): parses back to the same message', (_s, request) => {
    const xml = keep(`alma ${request.service}`, buildRequest(request, alma), alma);
    const parsed = parseRequest(xml);
    expect(parsed).toEqual({ ok: true, version: '2.02', request });
  });

  it.each(sampleRequests().map((r) => [r.service, r] as const))('%s, Symphony (NCIP 1): parses back without NCIP 2-only parts', (_s, request) => {
    const xml = buildRequest(request, symphony);
    expect(xml).toContain('<!DOCTYPE NCIPMessage PUBLIC "-//NISO//NCIP DTD Version 1//EN"');
    const parsed = parseRequest(xml);
    const expected = v1View(request);
    // Symphony drops the catalogue key's letter prefix; the sample key has none.
    expect(parsed).toEqual({ ok: true, version: '1.0', request: expected });
  });

  it.each(sampleRequests(wmsHeader).map((r) => [r.service, r] as const))('%s, WMS: valid OCLC message keeps key fields', (_s, request) => {
    const xml = keep(`wms ${request.service}`, buildRequest(request, wms), wms);
    const parsed = parseRequest(xml);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.request.service).toBe(request.service);
    expect(parsed.request.header).toEqual({ ...wmsHeader, fromSystemId: 'Bookstrap', toSystemId: 'WMS Circ', applicationProfileType: '2.00' });
  });

  it.each([sierra, millennium])('$name requests are schema-valid (checked below)', (profile) => {
    for (const r of sampleRequests()) keep(`${profile.name} ${r.service}`, buildRequest(r, profile), profile);
  });
});

describe('escaping', () => {
  it.each(Object.values(profiles).map((p) => [p.name, p] as const))('%s: hard titles survive build → parse exactly', (_n, profile) => {
    const h = profile === wms ? wmsHeader : header;
    const request: NcipRequest = {
      service: 'AcceptItem',
      header: h,
      requestId: `R&D <1> "q" 'a'`,
      requestedActionType: 'Hold For Pickup',
      itemId: 'é-ü-日本',
      bibliographicDescription: { title: HARD_TITLE, author: `O'Brien "Ünal" <ed.> & Ørsted` },
      pickupLocation: 'Main & Annex',
    };
    const parsed = parseRequest(buildRequest(request, profile));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.request.service !== 'AcceptItem') return;
    expect(parsed.request.bibliographicDescription).toEqual(request.bibliographicDescription);
    expect(parsed.request.requestId).toBe(request.requestId);
    expect(parsed.request.itemId).toBe(request.itemId);
    expect(parsed.request.pickupLocation).toBe('Main & Annex');
  });

  it('escapes markup characters instead of writing them raw', () => {
    const xml = buildRequest({ service: 'DeleteItem', header, itemId: '<ItemId>&' }, alma);
    expect(xml).toContain('<ItemIdentifierValue>&lt;ItemId&gt;&amp;</ItemIdentifierValue>');
  });

  it('drops characters XML 1.0 cannot carry (catalogue junk) so the message stays well-formed', () => {
    const xml = buildRequest(
      { service: 'AcceptItem', header, requestId: '1', requestedActionType: 'Hold For Pickup', bibliographicDescription: { title: 'Bad\u0001Title\u001F' } },
      alma,
    );
    const parsed = parseRequest(xml);
    expect(parsed.ok && parsed.request.service === 'AcceptItem' && parsed.request.bibliographicDescription?.title).toBe('BadTitle');
  });
});

describe('schema order and shape', () => {
  const names = (xml: string) => (parseXml(xml).children[0]?.children ?? []).map((c) => c.name);

  it('AcceptItem children follow the XSD sequence', () => {
    const accept = sampleRequests().find((r) => r.service === 'AcceptItem') as NcipRequest;
    expect(names(buildRequest(accept, alma))).toEqual([
      'InitiationHeader',
      'RequestId',
      'RequestedActionType',
      'UserId',
      'ItemId',
      'DateForReturn',
      'FiscalTransactionInformation',
      'ItemOptionalFields',
      'PickupLocation',
      'PickupExpiryDate',
      'Ext',
    ]);
  });

  it('NCIP 1 AcceptItem uses the Unique… wrappers in the same order', () => {
    const accept = sampleRequests().find((r) => r.service === 'AcceptItem') as NcipRequest;
    expect(names(buildRequest(accept, horizon))).toEqual([
      'InitiationHeader',
      'UniqueRequestId',
      'RequestedActionType',
      'UniqueUserId',
      'UniqueItemId',
      'DateForReturn',
      'FiscalTransactionInformation',
      'ItemOptionalFields',
      'PickupLocation',
      'PickupExpiryDate',
    ]);
  });

  it('NCIP 1 scheme/value pairs are Scheme and Value children, agencies UniqueAgencyId', () => {
    const xml = buildRequest({ service: 'CheckInItem', header, itemId: '100234' }, symphony);
    expect(xml).toContain(
      '<FromAgencyId><UniqueAgencyId><Scheme>http://www.niso.org/ncip/v1_0/schemes/agency.scm</Scheme><Value>BOOKSTRAP</Value></UniqueAgencyId></FromAgencyId>',
    );
    expect(xml).toContain(
      '<UniqueItemId><UniqueAgencyId><Scheme>http://www.niso.org/ncip/v1_0/schemes/agency.scm</Scheme><Value>TULSA</Value></UniqueAgencyId><ItemIdentifierValue>100234</ItemIdentifierValue></UniqueItemId>',
    );
    expect(xml).toContain('<NCIPMessage version="http://www.niso.org/ncip/v1_0/imp1/dtd/ncip_v1_0.dtd">');
  });

  it('NCIP 2 declares the namespace and qualifies version and Scheme (attributeFormDefault="qualified")', () => {
    const xml = buildRequest({ service: 'CheckInItem', header: wmsHeader, itemId: '1' }, wms);
    expect(xml).toContain(
      '<NCIPMessage xmlns="http://www.niso.org/2008/ncip" xmlns:ncip="http://www.niso.org/2008/ncip" ncip:version="http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd">',
    );
    expect(xml).toContain('<AgencyId ncip:Scheme="http://oclc.org/ncip/schemes/agencyid/institutionid.scm">128807</AgencyId>');
  });

  it('a profile without namespace writes plain attributes and still parses', () => {
    const plain: NcipProfile = { ...alma, name: 'koha-like', namespace: false };
    const xml = buildRequest({ service: 'DeleteItem', header, itemId: '1' }, plain);
    expect(xml).toContain('<NCIPMessage version="http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd">');
    expect(xml).not.toContain('xmlns');
    expect(parseRequest(xml)).toMatchObject({ ok: true, version: '2.02', request: { service: 'DeleteItem', itemId: '1' } });
  });

  it('a PIN check with a user id sends two AuthenticationInputs (UserId and AuthenticationInput are alternatives)', () => {
    const xml = buildRequest({ service: 'LookupUser', header, userId: 'P0001', authentication: [{ data: '1234', inputType: 'PIN' }] }, alma);
    const parsed = parseRequest(xml);
    expect(parsed.ok && parsed.request.service === 'LookupUser' && parsed.request.authentication).toEqual([
      { data: 'P0001', inputType: 'Barcode Id', formatType: 'text/plain' },
      { data: '1234', inputType: 'PIN', formatType: 'text/plain' },
    ]);
    expect(xml).not.toContain('<UserId>');
    keep('alma LookupUser PIN', xml, alma);
  });

  it('RequestItem with only a bib record id qualifies it by the ILS agency when no code is configured', () => {
    const xml = keep(
      'sierra RequestItem bib only',
      buildRequest({ service: 'RequestItem', header, userId: 'INST-OKLA', bibliographicId: { identifier: '.b10243641' } }, sierra),
      sierra,
    );
    expect(xml).toContain(
      '<BibliographicId><BibliographicRecordId><BibliographicRecordIdentifier>1024364</BibliographicRecordIdentifier><AgencyId>TULSA</AgencyId></BibliographicRecordId></BibliographicId>',
    );
    expect(xml).toContain('<RequestType>Hold</RequestType><RequestScopeType>Title</RequestScopeType>');
  });

  it('dates may be given as Date objects and are written in UTC without milliseconds', () => {
    const xml = buildRequest(
      { service: 'RenewItem', header, userId: 'P1', itemId: 'I1', desiredDateDue: new Date(Date.UTC(2025, 2, 1, 23, 59, 59, 500)) },
      alma,
    );
    expect(xml).toContain('<DesiredDateDue>2025-03-01T23:59:59Z</DesiredDateDue>');
  });
});

describe('builder refusals (schema-invalid input is a programming error)', () => {
  it.each([
    ['a date that is not xs:dateTime', { service: 'RenewItem', header, userId: 'P1', itemId: 'I1', desiredDateDue: '01/03/2025' }, /xs:dateTime/],
    ['RequestItem without item or bib id', { service: 'RequestItem', header, userId: 'P1' }, /itemId or a bibliographicId/],
    ['CheckOutItem without a user', { service: 'CheckOutItem', header, itemId: 'I1' }, /userId or authentication/],
    [
      'a fee without an amount',
      { service: 'CreateUserFiscalTransaction', header, userId: 'P1', fiscalTransaction: { actionType: 'Assess', transactionType: 'Fine' } },
      /amount/,
    ],
    [
      'a fractional MonetaryValue',
      {
        service: 'CreateUserFiscalTransaction',
        header,
        userId: 'P1',
        fiscalTransaction: { actionType: 'Assess', transactionType: 'Fine', amount: { monetaryValue: 12.5 } },
      },
      /integer/,
    ],
    ['an empty agency id', { service: 'DeleteItem', header: { fromAgencyId: '', toAgencyId: 'X' }, itemId: 'I1' }, /From agency id is empty/],
  ] as const)('refuses %s', (_label, request, message) => {
    expect(() => buildRequest(request as unknown as NcipRequest, alma)).toThrow(NcipBuildError);
    expect(() => buildRequest(request as unknown as NcipRequest, alma)).toThrow(message);
  });

  it('refuses WMS agency ids that are not OCLC registry ids', () => {
    expect(() => buildRequest({ service: 'DeleteItem', header, itemId: 'I1' }, wms)).toThrow(/"BOOKSTRAP" is not valid for wms/);
  });
});

describe('buildResponse → parseResponse round trip', () => {
  it.each(sampleResponses().map((r) => [r.service, r] as const))('%s, NCIP 2', (_s, response) => {
    const xml = keep(`response ${response.service}`, buildResponse(response, alma), alma);
    expect(parseResponse(xml, response.service)).toEqual({ ok: true, version: '2.02', response });
  });

  it.each(sampleResponses().map((r) => [r.service, r] as const))('%s, NCIP 1 keeps the key fields', (_s, response) => {
    const parsed = parseResponse(buildResponse(response, horizon), response.service);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.version).toBe('1.0');
    expect(parsed.response.header).toEqual(responseHeader);
    for (const key of ['itemId', 'userId', 'requestId', 'dateDue', 'fiscalTransactionReferenceId'] as const) {
      if (key in response) expect((parsed.response as unknown as Record<string, unknown>)[key]).toEqual((response as unknown as Record<string, unknown>)[key]);
    }
  });

  it('NCIP 1 LookupUser keeps names, privileges, blocks and visible ids', () => {
    const lookup = sampleResponses()[0] as NcipSuccessResponse & { service: 'LookupUser' };
    const parsed = parseResponse(buildResponse(lookup, symphony), 'LookupUser');
    expect(parsed.ok && parsed.response.service === 'LookupUser' && parsed.response.user).toEqual({
      ...lookup.user,
      userIds: [{ value: '21234000123456', type: 'Barcode', agencyId: 'TULSA' }],
    });
  });

  it('a CheckOutItem without a due date says IndeterminateLoanPeriodFlag; non-returnable says so', () => {
    const base = { service: 'CheckOutItem', header: responseHeader, itemId: 'I1', userId: 'P1' } as const;
    const open = keep('checkout indeterminate', buildResponse(base, alma), alma);
    const copy = keep('checkout non-returnable', buildResponse({ ...base, nonReturnable: true }, alma), alma);
    expect(open).toContain('<IndeterminateLoanPeriodFlag/>');
    expect(copy).toContain('<NonReturnableFlag/>');
    expect(parseResponse(copy, 'CheckOutItem')).toMatchObject({ ok: true, response: { nonReturnable: true } });
  });

  it('RenewItem can answer Pending', () => {
    const xml = keep(
      'renew pending',
      buildResponse({ service: 'RenewItem', header: responseHeader, pending: { dateOfExpectedReply: '2025-02-02T00:00:00Z' } }, alma),
      alma,
    );
    expect(parseResponse(xml, 'RenewItem')).toEqual({
      ok: true,
      version: '2.02',
      response: { service: 'RenewItem', header: responseHeader, pending: { dateOfExpectedReply: '2025-02-02T00:00:00Z' } },
    });
  });

  it('Problem responses, with a service and bare, are valid and parse as classified errors', () => {
    const withService = keep(
      'problem CheckOutItem',
      buildResponse(
        { service: 'CheckOutItem', header: responseHeader, problems: [{ type: 'User Blocked', detail: 'Fines over limit', element: 'UserId', value: 'P1' }] },
        alma,
      ),
      alma,
    );
    expect(withService).toContain(
      '<ProblemType ncip:Scheme="http://www.niso.org/ncip/v1_0/schemes/processingerrortype/checkoutitemprocessingerror.scm">User Blocked</ProblemType>',
    );
    const bare = keep('problem bare', buildResponse({ problems: [{ type: 'Invalid Message Syntax Error', detail: 'not XML' }] }, alma), alma);
    expect(parseResponse(withService, 'CheckOutItem')).toMatchObject({ ok: false, error: { kind: 'needs-staff', reason: 'problem' } });
    expect(parseResponse(bare, 'CheckOutItem')).toMatchObject({ ok: false, error: { kind: 'configuration-error', reason: 'problem' } });
  });

  it('refuses responses the schema cannot express', () => {
    expect(() => buildResponse({ service: 'RequestItem', header: responseHeader, itemId: 'I1', requestType: 'Hold', requestScopeType: 'Item' }, alma)).toThrow(
      /userId/,
    );
    expect(() => buildResponse({ service: 'LookupItem', item: {} }, alma)).toThrow(/requestId or an itemId/);
    expect(() => buildResponse({ service: 'DeleteItem', problems: [] }, alma)).toThrow(/at least one problem/);
  });
});

// Runs last (tests run in file order): every NCIP 2 message above, in one xmllint run.
it('every NCIP 2 message built above validates against ncip_v2_02.xsd', async () => {
  const { results } = await validateNcip2(builtV2.map((b) => b.xml));
  const invalid = results.flatMap((r, i) => (r.valid ? [] : [`${builtV2[i]?.label}: ${r.errors.join('; ')}`]));
  expect(builtV2.length).toBeGreaterThan(40);
  expect(invalid).toEqual([]);
});
