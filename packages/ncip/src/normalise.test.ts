import { describe, expect, it } from 'vitest';
import {
  formatSierraRecordNumber,
  prefixNormaliser,
  sierraCheckDigit,
  sierraRecordNumber,
  stripDiacritics,
  stripNonDigitPrefix,
  stripSierraRecordNumber,
} from './normalise.ts';

describe('Sierra record numbers', () => {
  // Published examples (Wellcome Collection, University of Sydney, NYPL tooling).
  it.each([
    ['1024364', '1'],
    ['1952770', '6'],
    ['3384632', '7'],
    ['14272192', 'x'],
    ['20909995', '1'],
    ['20868979', '5'],
  ])('check digit of %s is %s', (digits, check) => {
    expect(sierraCheckDigit(digits)).toBe(check);
  });

  it('refuses non-digits', () => {
    expect(() => sierraCheckDigit('b123')).toThrow(/Not a Sierra record number/);
  });

  it.each([
    ['.b10243641', '1024364'],
    ['.b1427219x', '1427219'],
    ['.B1427219X', '1427219'],
    ['.i19527706', '1952770'],
    ['b10243641', '1024364'],
    ['b209099951', '20909995'],
    // undotted with a wrong check digit: the last digit belongs to the number
    ['b10243642', '10243642'],
    ['1024364', '1024364'],
    ['14272192x', '14272192'],
    [' .b10243641 ', '1024364'],
    ['not-a-record', 'not-a-record'],
  ])('strips %s to %s', (id, bare) => {
    expect(stripSierraRecordNumber(id)).toBe(bare);
  });

  it('formats the dotted form with type and check digit', () => {
    expect(formatSierraRecordNumber('1024364')).toBe('.b10243641');
    expect(formatSierraRecordNumber('1952770', 'i')).toBe('.i19527706');
    expect(formatSierraRecordNumber('.b1427219x')).toBe(`.b1427219${sierraCheckDigit('1427219')}`);
  });

  it('the normaliser sends bare numbers and shows dotted ones', () => {
    const n = sierraRecordNumber('b');
    expect(n.toWire('.b10243641')).toBe('1024364');
    expect(n.fromWire('1024364')).toBe('.b10243641');
    expect(n.fromWire('.b10243641')).toBe('.b10243641');
  });
});

describe('prefixNormaliser (Symphony user ids)', () => {
  it("'add' puts the prefix on the wire once and removes it from answers", () => {
    const n = prefixNormaliser('ILL-', 'add');
    expect(n.toWire('OKLA')).toBe('ILL-OKLA');
    expect(n.toWire('ILL-OKLA')).toBe('ILL-OKLA');
    expect(n.fromWire('ILL-OKLA')).toBe('OKLA');
    expect(n.fromWire('OKLA')).toBe('OKLA');
  });

  it("'strip' does the opposite", () => {
    const n = prefixNormaliser('LIB', 'strip');
    expect(n.toWire('LIB123')).toBe('123');
    expect(n.fromWire('123')).toBe('LIB123');
  });

  it('stripNonDigitPrefix drops a catalogue key letter prefix only', () => {
    expect(stripNonDigitPrefix.toWire('a123456')).toBe('123456');
    expect(stripNonDigitPrefix.toWire('123456')).toBe('123456');
    expect(stripNonDigitPrefix.toWire('abc')).toBe('abc');
  });
});

describe('stripDiacritics', () => {
  it.each([
    ['Émile Zola: Thérèse Raquin', 'Emile Zola: Therese Raquin'],
    ['Müller, Jürgen', 'Muller, Jurgen'],
    ['Dvořák', 'Dvorak'],
    ['日本の本', '日本の本'],
    ['Tom & Jerry', 'Tom & Jerry'],
  ])('%s → %s', (input, output) => {
    expect(stripDiacritics(input)).toBe(output);
  });

  it('handles decomposed input too', () => {
    expect(stripDiacritics('Cafe\u0301')).toBe('Cafe');
  });
});
