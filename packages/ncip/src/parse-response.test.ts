/** Client side: whatever comes back from an ILS, parseResponse answers with a classified value. */
import { describe, expect, it } from 'vitest';
import { prefixNormaliser } from './normalise.ts';
import { type NcipProfile, alma } from './profiles.ts';
import { responseHeader, sampleResponses } from './testing.ts';
import { buildResponse } from './wire/build-response.ts';
import { parseResponse } from './wire/parse-response.ts';

const checkout = buildResponse({ service: 'CheckOutItem', header: responseHeader, itemId: 'I1', userId: 'P1', dateDue: '2025-04-01T23:59:59Z' }, alma);

describe('parseResponse classifies what is not NCIP data', () => {
  it.each([
    ['an empty body', '', 'retryable', 'empty'],
    ['whitespace only', ' \r\n', 'retryable', 'empty'],
    ['a cut-off body', checkout.slice(0, checkout.length - 40), 'retryable', 'malformed-xml'],
    ['a gateway error page', '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>', 'retryable', 'html'],
    ['a maintenance page', '<!DOCTYPE html><html><body><h1>Service Unavailable</h1></body></html>', 'retryable', 'html'],
    ['a login page', '<!DOCTYPE html><html><head><title>Sign in to Alma</title><body><form><input></form>', 'configuration-error', 'html'],
    ['XHTML that is well-formed', '<html xmlns="http://www.w3.org/1999/xhtml"><body>Not here</body></html>', 'configuration-error', 'html'],
    ['another XML document', '<error><code>42</code></error>', 'configuration-error', 'not-ncip'],
    ['plain text', 'Internal error', 'configuration-error', 'not-ncip'],
    ['a JSON auth error (OCLC gateway)', '{"code":401,"message":"WSKey \'abc\' is invalid"}', 'configuration-error', 'json'],
    ['a JSON server error', '{"status":503,"detail":"down"}', 'retryable', 'json'],
    ['an empty NCIPMessage', '<NCIPMessage xmlns="http://www.niso.org/2008/ncip"/>', 'configuration-error', 'not-ncip'],
    ['a request echoed back', checkout.replaceAll('CheckOutItemResponse', 'CheckOutItem'), 'configuration-error', 'unsupported-service'],
    ['an entity bomb', '<!DOCTYPE x [<!ENTITY a "aaaa">]><NCIPMessage/>', 'configuration-error', 'unsafe'],
  ] as const)('%s → %s (%s)', (_label, body, kind, reason) => {
    const r = parseResponse(body, 'CheckOutItem');
    expect(r).toMatchObject({ ok: false, error: { kind, reason } });
    expect(!r.ok && r.error.message.length).toBeGreaterThan(20);
  });

  it('names the HTML page in the message', () => {
    const r = parseResponse('<html><head><title>Sign in to Alma</title></head></html>');
    expect(!r.ok && r.error.message).toBe('The NCIP URL returned an HTML page ("Sign in to Alma") instead of an NCIP message; check the NCIP server address.');
  });

  it('HTTP 200 with a Problem is an error classified by the problem', () => {
    const body = buildResponse({ service: 'CheckOutItem', header: responseHeader, problems: [{ type: 'User Blocked', value: 'P1' }] }, alma);
    const r = parseResponse(body, 'CheckOutItem');
    expect(r).toMatchObject({
      ok: false,
      error: { kind: 'needs-staff', reason: 'problem', service: 'CheckOutItem', message: 'Patron P1 is blocked in the ILS.' },
    });
  });

  it('a bare NCIPMessage/Problem is classified for the expected service', () => {
    const body = buildResponse({ problems: [{ type: 'Unknown Agency', value: 'BOOKSTRAP' }] }, alma);
    expect(parseResponse(body, 'LookupUser')).toMatchObject({ ok: false, error: { kind: 'configuration-error', reason: 'problem', service: 'LookupUser' } });
  });

  it('a response for another service is a configuration error naming both', () => {
    const r = parseResponse(checkout, 'CheckInItem');
    expect(r).toMatchObject({ ok: false, error: { kind: 'configuration-error', reason: 'wrong-service', service: 'CheckOutItem' } });
    expect(!r.ok && r.error.message).toBe('Expected a CheckInItemResponse but the responder sent CheckOutItemResponse.');
  });

  it('without an expected service any known response is accepted', () => {
    expect(parseResponse(checkout)).toMatchObject({ ok: true, response: { service: 'CheckOutItem', dateDue: '2025-04-01T23:59:59Z' } });
  });

  it('never throws, whatever prefix of a valid response arrives', () => {
    const body = buildResponse(sampleResponses()[0] as Parameters<typeof buildResponse>[0], alma);
    for (let i = 0; i < body.length; i += 7) {
      const r = parseResponse(body.slice(0, i), 'LookupUser');
      expect(r.ok).toBe(false);
    }
  });

  it('never throws on odd inputs', () => {
    for (const body of [
      '<',
      '<NCIPMessage>',
      '<?xml version="1.0"?>',
      '<NCIPMessage><Problem/></NCIPMessage>',
      '\u0000\u0001',
      new Uint8Array([0xff, 0xfe, 0x00]),
    ]) {
      expect(() => parseResponse(body)).not.toThrow();
      expect(parseResponse(body).ok).toBe(false);
    }
  });

  it('applies the profile identifier normalisers to returned ids', () => {
    const prefixed: NcipProfile = { ...alma, normalise: { userId: prefixNormaliser('ILL-', 'add') } };
    const body = buildResponse({ service: 'CheckOutItem', header: responseHeader, itemId: 'I1', userId: 'ILL-P1', dateDue: '2025-04-01T23:59:59Z' }, alma);
    expect(parseResponse(body, 'CheckOutItem', { profile: prefixed })).toMatchObject({ ok: true, response: { userId: 'P1' } });
  });
});
