/**
 * ROA representations. A record is `{resource, key, fields}` (v1) or flattened with `@resource` /
 * `@key` (v2, asked for with `application/vnd.sirsidynix.roa.resource.v2+json`). Related records
 * are stubs (`{resource, key}`) unless `includeFields` expands them, with nesting:
 * `circRecord{*,item{barcode}}`.
 */
import { sirsiErrors } from './errors.ts';

export const V2_MEDIA_TYPE = 'application/vnd.sirsidynix.roa.resource.v2+json';

export interface Ref {
  resource: string;
  key: string;
}

export type Field =
  | { kind: 'value'; value: unknown }
  | { kind: 'ref'; ref: Ref | null }
  | { kind: 'refs'; refs: Ref[] }
  /** Inline records (customInformation entries) that exist only inside their parent. */
  | { kind: 'records'; records: RecordSource[] };

export interface RecordSource {
  resource: string;
  key: string;
  /** Every field of the record, computed on demand. */
  fields(): Record<string, Field>;
}

export const value = (v: unknown): Field => ({ kind: 'value', value: v });
export const ref = (resource: string, key: string | null | undefined): Field => ({
  kind: 'ref',
  ref: key === null || key === undefined ? null : { resource, key },
});
export const refs = (resource: string, keys: string[]): Field => ({ kind: 'refs', refs: keys.map((key) => ({ resource, key })) });
export const money = (cents: number, currencyCode: string) => ({ currencyCode, amount: (cents / 100).toFixed(2) });

/** A parsed `includeFields`: `*` (every field, relations as stubs) and named fields with sub-selections. */
export interface Selection {
  all: boolean;
  fields: Map<string, Selection | null>;
}

export const everything = (): Selection => ({ all: true, fields: new Map() });

/**
 * `a,b{c,d{*}},*` → a selection tree. `nestedWildcard: false` models Horizon, whose ROA ignores
 * `{*}` inside a relation (Pika's Horizon driver: "{*} notation doesn't work for Horizon ROA").
 */
export function parseIncludeFields(text: string, options: { nestedWildcard?: boolean } = {}): Selection {
  let position = 0;
  const fail = () => sirsiErrors.badRequest(`includeFields is malformed at position ${position}: ${text}`);
  const parseList = (depth: number): Selection => {
    const selection: Selection = { all: false, fields: new Map() };
    for (;;) {
      const match = /^\s*([*]|[A-Za-z_][A-Za-z0-9_]*)\s*/.exec(text.slice(position));
      if (!match) throw fail();
      position += match[0].length;
      const name = match[1] as string;
      let sub: Selection | null = null;
      if (text[position] === '{') {
        position += 1;
        sub = parseList(depth + 1);
        if (text[position] !== '}') throw fail();
        position += 1;
      }
      if (name === '*') {
        if (depth === 0 || options.nestedWildcard !== false) selection.all = true;
      } else {
        selection.fields.set(name, sub);
      }
      while (text[position] === ' ') position += 1;
      if (text[position] === ',') {
        position += 1;
        continue;
      }
      return selection;
    }
  };
  const trimmed = text.trim();
  if (trimmed === '') return everything();
  // A bare `{*}` (UVA's checkOut?includeFields={*}) selects everything of the top record.
  if (trimmed === '{*}') return everything();
  const selection = parseList(0);
  if (position < text.length) throw fail();
  return selection;
}

export type Version = 'v1' | 'v2';
export type Resolver = (ref: Ref) => RecordSource | undefined;

export interface RenderContext {
  version: Version;
  resolve: Resolver;
}

function stub(context: RenderContext, target: Ref): Record<string, unknown> {
  return context.version === 'v2' ? { '@resource': target.resource, '@key': target.key } : { resource: target.resource, key: target.key };
}

/** A record as the client asked for it; unknown field names are refused as ILSWS does. */
export function render(context: RenderContext, record: RecordSource, selection: Selection): Record<string, unknown> {
  const all = record.fields();
  for (const name of selection.fields.keys()) {
    if (!(name in all)) throw sirsiErrors.invalidFieldName(record.resource, name);
  }
  const names = selection.all ? [...new Set([...Object.keys(all), ...selection.fields.keys()])] : [...selection.fields.keys()];
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const field = all[name] as Field;
    const sub = selection.fields.get(name) ?? null;
    out[name] = renderField(context, field, sub);
  }
  return context.version === 'v2' ? { '@resource': record.resource, '@key': record.key, ...out } : { resource: record.resource, key: record.key, fields: out };
}

function renderField(context: RenderContext, field: Field, sub: Selection | null): unknown {
  switch (field.kind) {
    case 'value':
      return field.value;
    case 'ref': {
      if (!field.ref) return null;
      return expand(context, field.ref, sub);
    }
    case 'refs':
      return field.refs.map((target) => expand(context, target, sub));
    case 'records':
      return field.records.map((record) => render(context, record, sub ?? everything()));
  }
}

function expand(context: RenderContext, target: Ref, sub: Selection | null): unknown {
  if (!sub || (!sub.all && sub.fields.size === 0)) return stub(context, target);
  const record = context.resolve(target);
  return record ? render(context, record, sub) : stub(context, target);
}

// ---- request bodies ---------------------------------------------------------------------------

/** A record in a request body, whichever representation the client wrote. */
export interface InputRecord {
  resource?: string;
  key?: string;
  fields: Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads `{resource,key,fields}` or `{"@resource","@key",…}` recursively (nested refs become InputRecords). */
export function readRecord(input: unknown): InputRecord {
  if (!isObject(input)) throw sirsiErrors.badRequest('Expected a record object.');
  const v1 = typeof input.resource === 'string' || isObject(input.fields);
  const resource = (v1 ? input.resource : input['@resource']) as string | undefined;
  const rawKey = v1 ? input.key : input['@key'];
  const rawFields: Record<string, unknown> = v1
    ? isObject(input.fields)
      ? input.fields
      : {}
    : Object.fromEntries(Object.entries(input).filter(([k]) => !k.startsWith('@')));
  const fields: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(rawFields)) fields[name] = readValue(field);
  return {
    ...(typeof resource === 'string' ? { resource } : {}),
    ...(rawKey !== undefined && rawKey !== null ? { key: String(rawKey) } : {}),
    fields,
  };
}

function readValue(field: unknown): unknown {
  if (Array.isArray(field)) return field.map(readValue);
  // MARC JSON has a `fields` list too: only a `fields` object makes a v1 record.
  if (isObject(field) && ('resource' in field || '@resource' in field || '@key' in field || isObject(field.fields))) return readRecord(field);
  return field;
}

export function isInputRecord(v: unknown): v is InputRecord {
  return isObject(v) && isObject(v.fields);
}

/** The key of a reference written as `{resource,key}`, `{"@resource","@key"}`, or a bare string. */
export function refKey(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  if (typeof v === 'number') return String(v);
  if (isObject(v)) {
    const key = v.key ?? v['@key'];
    if (typeof key === 'string' || typeof key === 'number') return String(key);
  }
  return undefined;
}
