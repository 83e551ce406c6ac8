/**
 * Checks done on untrusted bodies before any XML parser sees them. The simulators are NCIP
 * responders reachable over HTTP, so a request must never expand entities, fetch a DTD or
 * eat unbounded memory.
 */

export const DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

export type UnsafeReason = 'empty' | 'too-large' | 'not-utf8' | 'entity-declaration' | 'dtd-internal-subset' | 'not-xml';

export type SafetyResult = { ok: true; text: string } | { ok: false; reason: UnsafeReason; message: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

// A DOCTYPE is only tolerated in its plain external form (NCIP 1 messages carry one); it is
// never fetched because fast-xml-parser does not resolve external identifiers.
const ENTITY_DECLARATION = /<!ENTITY/i;
const DOCTYPE_WITH_SUBSET = /<!DOCTYPE[^>[]*\[/i;

export function checkXmlSafety(body: string | Uint8Array, maxBytes = DEFAULT_MAX_REQUEST_BYTES): SafetyResult {
  const size = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
  if (size > maxBytes) {
    return { ok: false, reason: 'too-large', message: `Message is ${size} bytes; the limit is ${maxBytes} bytes.` };
  }
  let text: string;
  if (typeof body === 'string') text = body;
  else {
    try {
      text = utf8.decode(body);
    } catch {
      return { ok: false, reason: 'not-utf8', message: 'Message is not valid UTF-8.' };
    }
  }
  text = text.replace(/^\uFEFF/, '');
  if (text.trim() === '') return { ok: false, reason: 'empty', message: 'Message body is empty.' };
  if (ENTITY_DECLARATION.test(text)) {
    return { ok: false, reason: 'entity-declaration', message: 'Entity declarations are not accepted in NCIP messages.' };
  }
  if (DOCTYPE_WITH_SUBSET.test(text)) {
    return { ok: false, reason: 'dtd-internal-subset', message: 'DOCTYPE internal subsets are not accepted in NCIP messages.' };
  }
  if (!text.trimStart().startsWith('<')) {
    return { ok: false, reason: 'not-xml', message: 'Message is not XML.' };
  }
  return { ok: true, text };
}
