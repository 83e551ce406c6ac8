import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageDir } from './run.ts';
import { parseSandbox, readSandbox } from './sandbox.ts';

const example = join(packageDir, 'sandbox.example.json');

/** Every field path of a JSON value, e.g. patrons.good, calendar.closedDates. */
function fieldPaths(value: unknown, prefix = ''): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, inner]) => (key === 'credentials' ? [key] : fieldPaths(inner, prefix ? `${prefix}.${key}` : key)));
}

describe('sandbox.example.json', () => {
  it('is what --fixture reads, with every field of the fixture', () => {
    const { fixture, credentials } = readSandbox(example);
    expect(Object.keys(fixture).sort()).toEqual(
      ['calendar', 'defaultAccount', 'lendableItems', 'partnerAccount', 'partnerSymbol', 'patrons', 'pickupLocation', 'otherPickupLocation'].sort(),
    );
    expect(credentials).toBeDefined();
  });

  it('has every field explained in the README', () => {
    const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
    for (const path of fieldPaths(JSON.parse(readFileSync(example, 'utf8')))) expect(readme).toContain(`| \`${path}\``);
  });

  it('refuses a misspelt field instead of falling back to the seed', () => {
    expect(() => parseSandbox('{"patron": {"good": "x"}}', 'mine.json')).toThrow(/--fixture mine\.json: .*patron/);
    expect(() => parseSandbox('{"calendar": {"closedWeekdays": [7], "closedDates": []}}', 'mine.json')).toThrow(/calendar\.closedWeekdays\.0/);
    expect(() => readSandbox('/no/such/sandbox.json')).toThrow(/no such file/);
  });
});
