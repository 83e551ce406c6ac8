/** Shared helpers for the Alma façade tests: an in-process simulator and request shortcuts. */
import { fixedClock } from '../../clock.ts';
import { createSimulator, type SimulatorOptions } from '../../simulator.ts';
import { testNow } from '../../testing.ts';
import { almaDemo } from './demo.ts';
import { escapeXml } from '../../marc.ts';
import { type AlmaObject, fromXml } from './representation.ts';

export const demo = almaDemo;

/** Response bodies in tests: asserted field by field, so loosely typed on purpose. */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type LooseBody = AlmaObject & Record<string, any>;
export const key = almaDemo.apiKey;

export function almaSimulator(options: Partial<SimulatorOptions> = {}) {
  const sim = createSimulator({ vendor: 'alma', clock: fixedClock(testNow), ...options });

  /** Raw request to the Alma API with the demo key (header form). */
  const request = (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has('authorization')) headers.set('Authorization', `apikey ${key}`);
    return sim.app.request(`/almaws/v1${path}`, { ...init, headers });
  };

  /** JSON in, JSON out. */
  const json = async (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const response = await request(path, {
      method: init.method ?? 'GET',
      headers: { Accept: 'application/json', ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }), ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text === '' ? null : JSON.parse(text)) as LooseBody };
  };

  /** XML in, XML out (parsed back into the JSON shape for assertions). */
  const xml = async (path: string, init: { method?: string; body?: string } = {}) => {
    const response = await request(path, {
      method: init.method ?? 'GET',
      headers: init.body === undefined ? {} : { 'Content-Type': 'application/xml' },
      body: init.body,
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      ...(text.startsWith('<') ? fromXml(text) : { root: '', body: {} as AlmaObject }),
    } as { status: number; headers: Headers; text: string; root: string; body: LooseBody };
  };

  const control = (path: string, init: { method?: string; body?: unknown } = {}) =>
    sim.app.request(`/_sim${path}`, {
      method: init.method ?? 'GET',
      headers: { 'Content-Type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });

  return { sim, request, json, xml, control };
}

/** A MARCXML bib record for a borrowed book, as an ILL integration posts it. */
export function temporaryBibXml(title: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bib>
  <suppress_from_publishing>true</suppress_from_publishing>
  <record>
    <leader>00000nam a2200000 i 4500</leader>
    <controlfield tag="008">250312s2025    xx            000 0 eng d</controlfield>
    <datafield tag="035" ind1=" " ind2=" "><subfield code="a">${escapeXml(requestId)}</subfield></datafield>
    <datafield tag="100" ind1="1" ind2=" "><subfield code="a">Lender, Author</subfield></datafield>
    <datafield tag="245" ind1="1" ind2="0"><subfield code="a">${escapeXml(title)} /</subfield></datafield>
  </record>
</bib>`;
}

export function holdingXml(library: string, location: string): string {
  return `<holding><suppress_from_publishing>true</suppress_from_publishing><record><leader>00000nx  a2200000un 4500</leader><datafield tag="852" ind1="0" ind2=" "><subfield code="b">${library}</subfield><subfield code="c">${location}</subfield></datafield></record></holding>`;
}
