import { describe, expect, it } from 'vitest';
import { XmlSyntaxError, child, el, group, leaf, parseXml, serialiseXml, xmlSafeText } from './xml.ts';

describe('parseXml', () => {
  it('strips namespace prefixes from elements and attributes, and resolves the root namespace', () => {
    const root = parseXml('<ns1:A xmlns:ns1="urn:x" ns1:version="2"><ns1:B ns1:Scheme="s">v</ns1:B></ns1:A>');
    expect(root).toMatchObject({ name: 'A', namespace: 'urn:x', attrs: { version: '2' } });
    expect(child(root, 'B')).toMatchObject({ name: 'B', attrs: { Scheme: 's' }, text: 'v' });
  });

  it('decodes predefined, decimal and hexadecimal references exactly once', () => {
    const root = parseXml('<a q="&#233;&amp;#233;">&lt;&gt;&amp;&quot;&apos; &#233; &#x65E5; &amp;amp; &amp;#233;</a>');
    expect(root.text).toBe(`<>&"' é 日 &amp; &#233;`);
    expect(root.attrs.q).toBe('é&#233;');
  });

  it('keeps leading zeros (ids are strings, not numbers)', () => {
    expect(parseXml('<a>0000005</a>').text).toBe('0000005');
  });

  it('throws XmlSyntaxError with the line for broken XML', () => {
    expect(() => parseXml('<a>\n<b></a>')).toThrow(XmlSyntaxError);
    try {
      parseXml('<a>\n<b></a>');
    } catch (e) {
      expect((e as XmlSyntaxError).line).toBe(2);
    }
  });
});

describe('serialiseXml', () => {
  it('skips absent children, escapes text and attributes', () => {
    const xml = serialiseXml(el('A', leaf('B', 'x & <y>', { q: 'a"b' }), leaf('C', undefined), group('D', undefined), el('E')), '');
    expect(xml).toBe('<A><B q="a&quot;b">x &amp; &lt;y&gt;</B><E/></A>');
  });

  it('round-trips any text through parse', () => {
    const text = `Tom & Jerry <"L'Été"> 日本 📚 ]]> &amp;`;
    expect(parseXml(serialiseXml(leaf('T', text) as never)).text).toBe(text);
  });

  it('removes characters XML 1.0 forbids, keeping tabs, newlines and astral characters', () => {
    expect(xmlSafeText('a\u0000b\u0007c\td\ne\uFFFEf📚\uD800')).toBe('abc\td\nef📚');
  });
});
