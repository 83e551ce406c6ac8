import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageDir } from './run.ts';
import { parseSandbox, readSandbox, sandboxJsonSchema } from './sandbox.ts';

const example = join(packageDir, 'sandbox.example.json');

/** Every field path of a JSON value, e.g. patrons.good, calendar.closedDates. */
function fieldPaths(value: unknown, prefix = ''): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value)
    .filter(([key]) => key !== '$schema')
    .flatMap(([key, inner]) => (key === 'credentials' ? [key] : fieldPaths(inner, prefix ? `${prefix}.${key}` : key)));
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

  it('explains every field in its JSON Schema too, and that schema is the one --fixture checks with', () => {
    const example = JSON.parse(readFileSync(join(packageDir, 'sandbox.example.json'), 'utf8'));
    expect(example.$schema).toBe('./sandbox.schema.json');
    const shipped = JSON.parse(readFileSync(join(packageDir, 'sandbox.schema.json'), 'utf8'));
    // regenerate with `pnpm --filter @bookstrap/conformance run sandbox-schema`
    expect(shipped).toEqual(JSON.parse(sandboxJsonSchema()));
    type SchemaNode = { description?: string; properties?: Record<string, SchemaNode> };
    const undescribed = (node: SchemaNode, path: string): string[] =>
      Object.entries(node.properties ?? {}).flatMap(([key, child]) => [
        ...(child.description ? [] : [`${path}${key}`]),
        ...undescribed(child, `${path}${key}.`),
      ]);
    expect(undescribed(shipped, '')).toEqual([]);
  });

  it('lists as many lendable items as a run of every scenario ships, plus the one used as an existing barcode', () => {
    // the steps that take an item off the shelf (IllWorld.availableItem), per scenario, Background included
    const phrases = ['for an available item', 'is on loan to a local patron at the desk', 'check a library item out'];
    const featuresDir = join(packageDir, '..', '..', 'features');
    let needed = 0;
    for (const file of readdirSync(featuresDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.feature'))) {
      const [head = '', ...scenarios] = readFileSync(join(featuresDir, file), 'utf8').split(/\n\s*Scenario:/);
      const count = (text: string) => phrases.reduce((n, phrase) => n + text.split(phrase).length - 1, 0);
      const background = count(head.split('Background:')[1] ?? '');
      for (const scenario of scenarios) needed += background + count(scenario);
    }
    expect(needed).toBeGreaterThan(0);
    const { fixture } = readSandbox(example);
    expect(fixture.lendableItems!.length).toBeGreaterThanOrEqual(needed + 1);
    expect(readFileSync(join(packageDir, 'README.md'), 'utf8')).toContain(`at least ${needed + 1} barcodes`);
  });
});
