import { describe, expect, it } from 'vitest';
import { settingsWith } from '../test-fixtures.ts';
import { findFreeBarcode, isValidRequestId, requestIdFromSequence, suggestAlternativeBarcode, temporaryBarcode } from './barcode.ts';
import { borrowerIdentifier } from './borrower-identifier.ts';
import { illFeeOnShipped, lostItemCharges } from './fees.ts';

describe('temporary barcode', () => {
  it('uses the request ID by default', () => {
    expect(temporaryBarcode({ source: 'request-id', requestId: '1000009', supplierItemBarcode: 'X1' })).toEqual({
      ok: true,
      barcode: '1000009',
      source: 'request-id',
    });
  });
  it('uses the supplier barcode when configured, and falls back with a note', () => {
    expect(temporaryBarcode({ source: 'supplier-barcode', requestId: '1000009', supplierItemBarcode: ' X1 ' })).toMatchObject({
      barcode: 'X1',
      source: 'supplier-barcode',
    });
    expect(temporaryBarcode({ source: 'supplier-barcode', requestId: '1000009' })).toMatchObject({
      barcode: '1000009',
      note: expect.stringContaining('no item barcode'),
    });
  });
  it('lets staff override and suffixes later volumes', () => {
    expect(temporaryBarcode({ source: 'request-id', requestId: '1000009', override: 'ILL77' })).toMatchObject({ barcode: 'ILL77', source: 'override' });
    expect(temporaryBarcode({ source: 'request-id', requestId: '1000009', volume: 2 })).toMatchObject({ barcode: '1000009-2' });
    expect(temporaryBarcode({ source: 'request-id', requestId: '1000009', volume: 1 })).toMatchObject({ barcode: '1000009' });
  });
  it('refuses barcodes a scanner cannot print', () => {
    expect(temporaryBarcode({ source: 'request-id', requestId: '1000009', override: 'a b' }).ok).toBe(false);
    expect(temporaryBarcode({ source: 'request-id', requestId: '1000009', override: 'x'.repeat(41) }).ok).toBe(false);
  });
  it('suggests the first free alternative on a collision', () => {
    const taken = new Set(['1000009', '1000009A', '1000009B']);
    expect(suggestAlternativeBarcode('1000009', (b) => taken.has(b))).toBe('1000009C');
  });
});

describe('finding a free barcode in the ILS', () => {
  it('asks the ILS about each suggestion until one is free', async () => {
    const asked: string[] = [];
    const inIls = new Set(['B1A', 'B1B']);
    const free = await findFreeBarcode('B1', async (c) => {
      asked.push(c);
      return inIls.has(c);
    });
    expect(free).toBe('B1C');
    expect(asked).toEqual(['B1A', 'B1B', 'B1C']);
  });
  it('gives up without a suggestion when a lookup fails or every try is taken', async () => {
    expect(await findFreeBarcode('B1', async () => undefined)).toBeUndefined();
    expect(await findFreeBarcode('B1', async () => true, 3)).toBeUndefined();
  });
});

describe('request IDs', () => {
  it('are numeric with a check digit that catches a typo', () => {
    const id = requestIdFromSequence(42);
    expect(id).toMatch(/^\d{7}$/);
    expect(isValidRequestId(id)).toBe(true);
    const typo = id.slice(0, 3) + String((Number(id[3]) + 1) % 10) + id.slice(4);
    expect(isValidRequestId(typo)).toBe(false);
    expect(requestIdFromSequence(1)).not.toBe(requestIdFromSequence(2));
  });
  it('refuses a negative sequence', () => {
    expect(() => requestIdFromSequence(-1)).toThrow(RangeError);
  });
});

describe('borrower identifier', () => {
  const lending = (map: Record<string, string>, defaultId?: string) => ({ borrowerIdentifiers: defaultId ? { map, defaultId } : { map } });
  it('maps the symbol, then the default, then the symbol itself', () => {
    expect(borrowerIdentifier('tulsa', lending({ TULSA: 'P-9' }, 'DEF'))).toEqual({ patronId: 'P-9', source: 'map' });
    expect(borrowerIdentifier('OKC', lending({ TULSA: 'P-9' }, 'DEF'))).toEqual({ patronId: 'DEF', source: 'default' });
    expect(borrowerIdentifier('okc', lending({}))).toEqual({ patronId: 'OKC', source: 'symbol' });
  });
});

describe('fees', () => {
  it('charges the ILL fee on shipped only when on and non-zero', () => {
    expect(illFeeOnShipped(settingsWith({ borrowing: { chargePatronOnShipped: true, illFee: { amount: 7.5, feeType: 'ILL' } } }).borrowing, '1')).toMatchObject(
      { amount: 7.5, feeType: 'ILL' },
    );
    expect(illFeeOnShipped(settingsWith({ borrowing: { chargePatronOnShipped: false, illFee: { amount: 7.5, feeType: 'ILL' } } }).borrowing, '1')).toBeNull();
    expect(illFeeOnShipped(settingsWith({ borrowing: { chargePatronOnShipped: true } }).borrowing, '1')).toBeNull();
  });
  it('charges a lost item twice: replacement and processing', () => {
    const settings = settingsWith({
      borrowing: { lostItemCharges: { replacementCost: 50, processingFee: 10, replacementFeeType: 'R', processingFeeType: 'P', removeWhenReturned: true } },
    }).borrowing;
    expect(lostItemCharges(settings, '1').map((c) => [c.kind, c.amount])).toEqual([
      ['lost-replacement', 50],
      ['lost-processing', 10],
    ]);
    expect(lostItemCharges(settings, '1', 99)[0]?.amount).toBe(99);
  });
});
