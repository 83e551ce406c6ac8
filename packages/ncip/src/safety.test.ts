import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_REQUEST_BYTES, checkXmlSafety } from './safety.ts';

describe('checkXmlSafety', () => {
  it('passes ordinary XML and the plain NCIP 1 DOCTYPE', () => {
    const v1 = '<!DOCTYPE NCIPMessage PUBLIC "-//NISO//NCIP DTD Version 1//EN" "http://www.niso.org/ncip/v1_0/imp1/dtd/ncip_v1_0.dtd"><NCIPMessage/>';
    expect(checkXmlSafety(v1)).toEqual({ ok: true, text: v1 });
    expect(checkXmlSafety('<!DOCTYPE NCIPMessage SYSTEM "file:///etc/passwd"><NCIPMessage/>')).toMatchObject({ ok: true });
  });

  it.each([
    ['<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', 'entity-declaration'],
    ['<!DOCTYPE a [\n<!ELEMENT a ANY>\n]><a/>', 'dtd-internal-subset'],
    ['<a/><!ENTITY stray "x">', 'entity-declaration'],
    ['', 'empty'],
    ['hello', 'not-xml'],
  ])('%j → %s', (body, reason) => {
    expect(checkXmlSafety(body)).toMatchObject({ ok: false, reason });
  });

  it('limits size in bytes, 1 MiB by default', () => {
    expect(DEFAULT_MAX_REQUEST_BYTES).toBe(1048576);
    expect(checkXmlSafety(`<a>${'x'.repeat(DEFAULT_MAX_REQUEST_BYTES)}</a>`)).toMatchObject({ ok: false, reason: 'too-large' });
    expect(checkXmlSafety('<a>é</a>', 9)).toMatchObject({ ok: true });
    expect(checkXmlSafety('<a>é</a>', 8)).toMatchObject({ ok: false, reason: 'too-large' });
  });

  it('decodes bytes strictly as UTF-8 and drops a BOM', () => {
    expect(checkXmlSafety(Uint8Array.from([0xef, 0xbb, 0xbf, 0x3c, 0x61, 0x2f, 0x3e]))).toEqual({ ok: true, text: '<a/>' });
    expect(checkXmlSafety(Uint8Array.from([0x3c, 0x61, 0xc3, 0x28, 0x2f, 0x3e]))).toMatchObject({ ok: false, reason: 'not-utf8' });
  });
});
