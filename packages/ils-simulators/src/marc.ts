/**
 * MARC 21 records as the engine stores them (JSON) and as MARCXML slim, the form the vendors'
 * APIs exchange. Only what bibliographic and holdings records for ILL need is modelled.
 */
import type { MarcRecord } from './engine/schema.ts';

export interface BibliographicFields {
  title: string;
  author?: string | null;
  isbn?: string | null;
  publisher?: string | null;
  publicationYear?: string | null;
  otherSystemIds?: string[];
}

/** Builds a plain MARC 21 book record (020, 035, 100, 245, 264) from citation fields. */
export function buildBibRecord(fields: BibliographicFields): MarcRecord {
  const dataFields: MarcRecord['dataFields'] = [];
  if (fields.isbn) dataFields.push({ tag: '020', ind1: ' ', ind2: ' ', subfields: [{ code: 'a', value: fields.isbn }] });
  for (const id of fields.otherSystemIds ?? []) {
    dataFields.push({ tag: '035', ind1: ' ', ind2: ' ', subfields: [{ code: 'a', value: id }] });
  }
  if (fields.author) dataFields.push({ tag: '100', ind1: '1', ind2: ' ', subfields: [{ code: 'a', value: fields.author }] });
  dataFields.push({
    tag: '245',
    ind1: fields.author ? '1' : '0',
    ind2: '0',
    subfields: [{ code: 'a', value: fields.title }],
  });
  if (fields.publisher || fields.publicationYear) {
    const subfields = [];
    if (fields.publisher) subfields.push({ code: 'b', value: fields.publisher });
    if (fields.publicationYear) subfields.push({ code: 'c', value: fields.publicationYear });
    dataFields.push({ tag: '264', ind1: ' ', ind2: '1', subfields });
  }
  return { leader: '00000nam a2200000 i 4500', controlFields: [], dataFields };
}

/** Builds a MARC 21 holdings record whose 852 names library ($b), location ($c) and call number ($h). */
export function buildHoldingRecord(library: string, location: string, callNumber: string): MarcRecord {
  const subfields = [
    { code: 'b', value: library },
    { code: 'c', value: location },
  ];
  if (callNumber) subfields.push({ code: 'h', value: callNumber });
  return { leader: '00000nx  a2200000un 4500', controlFields: [], dataFields: [{ tag: '852', ind1: '0', ind2: ' ', subfields }] };
}

export function subfieldValues(record: MarcRecord, tag: string, code: string): string[] {
  return record.dataFields
    .filter((field) => field.tag === tag)
    .flatMap((field) => field.subfields.filter((subfield) => subfield.code === code).map((subfield) => subfield.value));
}

function firstSubfield(record: MarcRecord, tags: string[], code: string): string | undefined {
  for (const tag of tags) {
    const [value] = subfieldValues(record, tag, code);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Strips ISBD punctuation MARC keeps at the end of subfields (" :", " /", ","). */
function tidy(value: string): string {
  return value.replace(/[\s:;,/.=]+$/u, '').trim();
}

/** The citation fields a record carries: title 245 $a $b, author 100/110/111 $a, … */
export function bibliographicFields(record: MarcRecord): BibliographicFields {
  const title = [firstSubfield(record, ['245'], 'a'), firstSubfield(record, ['245'], 'b')]
    .filter((part): part is string => part !== undefined)
    .map(tidy)
    .join(' : ');
  const author = firstSubfield(record, ['100', '110', '111', '700'], 'a');
  const isbn = firstSubfield(record, ['020'], 'a');
  const publisher = firstSubfield(record, ['264', '260'], 'b');
  const year = firstSubfield(record, ['264', '260'], 'c');
  return {
    title,
    author: author === undefined ? null : tidy(author),
    isbn: isbn === undefined ? null : (isbn.split(/\s/u)[0] ?? isbn),
    publisher: publisher === undefined ? null : tidy(publisher),
    publicationYear: year === undefined ? null : (year.match(/\d{4}/u)?.[0] ?? tidy(year)),
    otherSystemIds: subfieldValues(record, '035', 'a'),
  };
}

const xmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/gu, (char) => xmlEscapes[char] ?? char);
}

/** MARCXML slim `<record>` without namespace, as Alma embeds it in `<bib>` and `<holding>`. */
export function renderMarcXml(record: MarcRecord): string {
  const parts = [`<record><leader>${escapeXml(record.leader)}</leader>`];
  for (const field of record.controlFields) {
    parts.push(`<controlfield tag="${escapeXml(field.tag)}">${escapeXml(field.value)}</controlfield>`);
  }
  for (const field of record.dataFields) {
    parts.push(`<datafield ind1="${escapeXml(field.ind1)}" ind2="${escapeXml(field.ind2)}" tag="${escapeXml(field.tag)}">`);
    for (const subfield of field.subfields) {
      parts.push(`<subfield code="${escapeXml(subfield.code)}">${escapeXml(subfield.value)}</subfield>`);
    }
    parts.push('</datafield>');
  }
  parts.push('</record>');
  return parts.join('');
}

/** Sets (or replaces) a control field, e.g. 001 = the record id. */
export function withControlField(record: MarcRecord, tag: string, value: string): MarcRecord {
  const controlFields = record.controlFields.filter((field) => field.tag !== tag);
  controlFields.push({ tag, value });
  controlFields.sort((a, b) => a.tag.localeCompare(b.tag));
  return { ...record, controlFields };
}
