/**
 * Identifier normalisers: Bookstrap keeps identifiers the way staff see them; some ILSs want
 * another form on the wire. toWire is applied when building, fromWire when reading a response.
 */
export interface IdNormaliser {
  toWire(id: string): string;
  fromWire(id: string): string;
}

export const identity: IdNormaliser = { toWire: (id) => id, fromWire: (id) => id };

/**
 * Sierra/Millennium record-number check digit: weights 2, 3, 4… from the rightmost digit,
 * sum modulo 11, 10 written as "x".
 */
export function sierraCheckDigit(digits: string): string {
  if (!/^\d+$/.test(digits)) throw new Error(`Not a Sierra record number: "${digits}"`);
  let sum = 0;
  let weight = 2;
  for (let i = digits.length - 1; i >= 0; i--) {
    sum += Number(digits[i]) * weight++;
  }
  const rest = sum % 11;
  return rest === 10 ? 'x' : String(rest);
}

const SIERRA_RECORD = /^(\.)?([a-z])?(\d+)(x)?$/i;

/**
 * ".b1234567x", "b12345672", "1234567" → "1234567".
 * The dotted form always carries a check digit; the undotted prefixed form drops its last
 * digit only when that digit is the right check digit; bare digits are taken as the record
 * number itself (Sierra numbers have 7 or 8 digits, so a trailing check digit cannot be told apart).
 */
export function stripSierraRecordNumber(id: string): string {
  const m = SIERRA_RECORD.exec(id.trim());
  if (!m) return id.trim();
  const [, dot, type, digits = '', x] = m;
  if (x) return digits;
  const body = digits.slice(0, -1);
  if (dot && body.length > 0) return body;
  if (type && body.length >= 7 && sierraCheckDigit(body) === digits.slice(-1)) return body;
  return digits;
}

/** "1234567" → ".b12345672" (record type b bib, i item, p patron…). */
export function formatSierraRecordNumber(id: string, recordType = 'b'): string {
  const digits = stripSierraRecordNumber(id);
  return `.${recordType}${digits}${sierraCheckDigit(digits)}`;
}

/** Sierra NCIP wants bare record numbers; Bookstrap shows the dotted form with a check digit. */
export function sierraRecordNumber(recordType = 'b'): IdNormaliser {
  return {
    toWire: stripSierraRecordNumber,
    fromWire: (id) => (/^\d+$/.test(id) ? formatSierraRecordNumber(id, recordType) : id),
  };
}

/**
 * Symphony sites often key patrons with a site prefix ("ILL-", "LIB"). 'add' writes the prefix on
 * the wire and strips it from responses; 'strip' does the opposite.
 */
export function prefixNormaliser(prefix: string, onWire: 'add' | 'strip'): IdNormaliser {
  const add = (id: string) => (id.startsWith(prefix) ? id : prefix + id);
  const strip = (id: string) => (id.startsWith(prefix) ? id.slice(prefix.length) : id);
  return onWire === 'add' ? { toWire: add, fromWire: strip } : { toWire: strip, fromWire: add };
}

/** Symphony catalogue keys travel without their letter prefix ("a123456" → "123456"). */
export const stripNonDigitPrefix: IdNormaliser = {
  toWire: (id) => id.replace(/^\D+(?=\d)/, ''),
  fromWire: (id) => id,
};

/** "Émile Zola: Thérèse" → "Emile Zola: Therese"; for responders that mangle non-ASCII (Voyager). */
export function stripDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFC');
}
