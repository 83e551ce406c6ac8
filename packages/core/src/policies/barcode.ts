/**
 * Temporary barcodes. The request ID is the recommended source (OCLC): staff can type it and it
 * is unique per request. A collision with an existing ILS barcode is an explicit outcome with a
 * suggested alternative, never a silent overwrite.
 */
export type TemporaryBarcodeSource = 'request-id' | 'supplier-barcode';

export interface TemporaryBarcodeInput {
  source: TemporaryBarcodeSource;
  requestId: string;
  supplierItemBarcode?: string | undefined;
  /** what staff typed over the pre-filled value */
  override?: string | undefined;
  /** piece number of a multi-volume loan (1-based); pieces after the first get a suffix */
  volume?: number | undefined;
}

export type TemporaryBarcode = { ok: true; barcode: string; source: TemporaryBarcodeSource | 'override'; note?: string } | { ok: false; reason: string };

const barcodeSafe = /^[A-Za-z0-9\-.]{1,40}$/;

export function isBarcodeSafe(value: string): boolean {
  return barcodeSafe.test(value);
}

export function temporaryBarcode(input: TemporaryBarcodeInput): TemporaryBarcode {
  let base: string;
  let source: TemporaryBarcodeSource | 'override';
  let note: string | undefined;
  const override = input.override?.trim();
  if (override) {
    base = override;
    source = 'override';
  } else if (input.source === 'supplier-barcode' && input.supplierItemBarcode?.trim()) {
    base = input.supplierItemBarcode.trim();
    source = 'supplier-barcode';
  } else {
    base = input.requestId;
    source = 'request-id';
    if (input.source === 'supplier-barcode') note = 'The lender sent no item barcode; the request ID is used instead.';
  }
  if (!isBarcodeSafe(base)) {
    return { ok: false, reason: `"${base}" is not a usable barcode: use 1–40 letters, digits, "-" or "."` };
  }
  const barcode = input.volume !== undefined && input.volume > 1 ? `${base}-${input.volume}` : base;
  return note === undefined ? { ok: true, barcode, source } : { ok: true, barcode, source, note };
}

/** The first free alternative to a barcode already in the ILS: 123A, 123B, … 123Z, 123AA … */
export function suggestAlternativeBarcode(barcode: string, isTaken: (candidate: string) => boolean): string {
  for (let n = 0; n < 702; n += 1) {
    const suffix = n < 26 ? String.fromCharCode(65 + n) : String.fromCharCode(64 + Math.floor(n / 26)) + String.fromCharCode(65 + (n % 26));
    const candidate = `${barcode}${suffix}`;
    if (!isTaken(candidate)) return candidate;
  }
  return `${barcode}-${Date.now().toString(36).toUpperCase()}`;
}

/**
 * Request IDs: short, numeric and with a mod-10 (Luhn) check digit, so that a mistyped ID at a
 * circulation desk is caught rather than matching another request.
 */
export function requestIdFromSequence(sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 0) throw new RangeError('sequence must be a non-negative integer');
  const body = String(100000 + sequence);
  return body + luhnCheckDigit(body);
}

export function isValidRequestId(value: string): boolean {
  return /^\d{7,16}$/.test(value) && luhnCheckDigit(value.slice(0, -1)) === value.at(-1);
}

function luhnCheckDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/**
 * The first free alternative when "is it taken?" needs the ILS (the predicate does the I/O, so
 * the policy stays pure). Asks about at most `tries` candidates; a lookup that fails (undefined)
 * ends the search without a suggestion rather than suggesting a barcode nobody checked.
 */
export async function findFreeBarcode(barcode: string, isTaken: (candidate: string) => Promise<boolean | undefined>, tries = 5): Promise<string | undefined> {
  const taken = new Set<string>();
  for (let n = 0; n < tries; n += 1) {
    const candidate = suggestAlternativeBarcode(barcode, (c) => taken.has(c));
    const answer = await isTaken(candidate);
    if (answer === undefined) return undefined;
    if (!answer) return candidate;
    taken.add(candidate);
  }
  return undefined;
}
