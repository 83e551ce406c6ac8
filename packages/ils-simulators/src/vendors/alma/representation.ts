/**
 * Alma's two wire formats for one object model. Alma's JSON is a mechanical rendering of its XML:
 * attributes become properties, an element with attributes and text becomes `{value, …attrs}`
 * (`<library desc="Main Library">MAIN</library>` ⇄ `{"value":"MAIN","desc":"Main Library"}`),
 * repeated elements become arrays, and some list wrappers disappear
 * (`<user_identifiers><user_identifier/>…` ⇄ `"user_identifier":[…]`).
 * Handlers build the JSON shape; this module writes it as XML and reads XML bodies back into it.
 */
import { XMLParser } from 'fast-xml-parser';
import { escapeXml } from '../../marc.ts';

export type AlmaValue = string | number | boolean | null | undefined | AlmaObject | AlmaValue[];
export interface AlmaObject {
  [key: string]: AlmaValue;
}

/** JSON array key → the XML element that wraps the repeated elements. */
const wrappers: Record<string, string> = {
  user_identifier: 'user_identifiers',
  user_block: 'user_blocks',
  user_note: 'user_notes',
  user_role: 'user_roles',
  user_statistic: 'user_statistics',
  proxy_for_user: 'proxy_for_users',
  rs_library: 'rs_libraries',
  parameter: 'parameters',
  address: 'addresses',
  email: 'emails',
  phone: 'phones',
  address_type: 'address_types',
  email_type: 'email_types',
  phone_type: 'phone_types',
  transaction: 'transactions',
  network_number: 'network_numbers',
};
const unwrapped = Object.fromEntries(Object.entries(wrappers).map(([inner, outer]) => [outer, inner]));

/** Keys that are attributes of a text element (`{value, desc}`). */
const textAttributes = new Set(['desc', 'link', 'name', 'description', 'type', 'code', 'tag']);
/** Keys that are attributes of an element with children. */
const containerAttributes = new Set([
  'link',
  'segment_type',
  'preferred',
  'preferred_sms',
  'total_record_count',
  'total_sum',
  'currency',
  'tag',
  'ind1',
  'ind2',
]);
/** Keys whose string values are raw XML (a bib's MARC record travels as `anies` in JSON). */
const rawXmlKeys = new Set(['anies']);

const isObject = (value: AlmaValue): value is AlmaObject => typeof value === 'object' && value !== null && !Array.isArray(value);

const isPrimitive = (value: AlmaValue): value is string | number | boolean | null | undefined =>
  value === null || value === undefined || typeof value !== 'object';

function isTextElement(value: AlmaObject): boolean {
  if (!('value' in value) || !isPrimitive(value.value)) return false;
  return Object.keys(value).every((key) => key === 'value' || textAttributes.has(key));
}

function text(value: string | number | boolean): string {
  return escapeXml(String(value));
}

function attributes(entries: [string, AlmaValue][]): string {
  return entries
    .filter(([, value]) => value !== null && value !== undefined && isPrimitive(value))
    .map(([key, value]) => ` ${key}="${text(value as string | number | boolean)}"`)
    .join('');
}

function element(name: string, value: AlmaValue): string {
  if (value === undefined || value === null) return '';
  if (rawXmlKeys.has(name)) {
    const fragments = Array.isArray(value) ? value : [value];
    return fragments.map((fragment) => String(fragment).replace(/^<\?xml[^>]*\?>\s*/u, '')).join('');
  }
  if (Array.isArray(value)) {
    const inner = value.map((entry) => element(name, entry)).join('');
    const wrapper = wrappers[name];
    if (!wrapper) return inner;
    return inner === '' ? `<${wrapper}/>` : `<${wrapper}>${inner}</${wrapper}>`;
  }
  if (isObject(value)) {
    if (isTextElement(value)) {
      const attrs = attributes(Object.entries(value).filter(([key]) => key !== 'value'));
      const content = value.value === null || value.value === undefined ? '' : text(value.value as string | number | boolean);
      return content === '' ? `<${name}${attrs}/>` : `<${name}${attrs}>${content}</${name}>`;
    }
    const entries = Object.entries(value);
    const attrs = attributes(entries.filter(([key, entry]) => containerAttributes.has(key) && isPrimitive(entry)));
    const children = entries
      .filter(([key, entry]) => !(containerAttributes.has(key) && isPrimitive(entry)))
      .map(([key, entry]) => element(key, entry))
      .join('');
    return children === '' ? `<${name}${attrs}/>` : `<${name}${attrs}>${children}</${name}>`;
  }
  const content = text(value);
  return content === '' ? `<${name}/>` : `<${name}>${content}</${name}>`;
}

const declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

/** Serialises an object as an Alma XML document with the given root element. */
export function toXml(root: string, value: AlmaObject, rootAttributes: Record<string, string> = {}): string {
  const body = element(root, value);
  const extra = attributes(Object.entries(rootAttributes));
  return `${declaration}${extra === '' ? body : body.replace(new RegExp(`^<${root}`, 'u'), `<${root}${extra}`)}`;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  removeNSPrefix: true,
  processEntities: true,
  htmlEntities: false,
  isArray: (name) => name in wrappers || name === 'datafield' || name === 'subfield' || name === 'controlfield',
});

export class XmlBodyError extends Error {
  override readonly name = 'XmlBodyError';
}

type ParsedNode = string | ParsedNode[] | { [key: string]: ParsedNode };

function normalise(node: ParsedNode): AlmaValue {
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return node.map(normalise);
  const attrs: AlmaObject = {};
  const children: [string, ParsedNode][] = [];
  let textContent: string | undefined;
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_')) attrs[key.slice(2)] = typeof value === 'string' ? value : String(value);
    else if (key === '#text') textContent = typeof value === 'string' ? value : String(value);
    else children.push([key, value]);
  }
  if (children.length === 0) {
    if (Object.keys(attrs).length === 0) return textContent ?? '';
    return { value: textContent ?? '', ...attrs };
  }
  const result: AlmaObject = { ...attrs };
  for (const [key, value] of children) {
    const inner = unwrapped[key];
    if (inner !== undefined) {
      const list = typeof value === 'object' && !Array.isArray(value) ? value[inner] : undefined;
      result[inner] = list === undefined ? [] : (normalise(list) as AlmaValue[]);
    } else {
      result[key] = normalise(value);
    }
  }
  return result;
}

/** Parses an Alma XML body into the JSON shape; returns the root element name with it. */
export function fromXml(xml: string): { root: string; body: AlmaObject } {
  // Alma accepts neither DTDs nor entity declarations; refusing them avoids entity expansion.
  if (/<!DOCTYPE|<!ENTITY/iu.test(xml)) throw new XmlBodyError('DTDs and entity declarations are not accepted.');
  let parsed: Record<string, ParsedNode>;
  try {
    parsed = parser.parse(xml, true) as Record<string, ParsedNode>;
  } catch (error) {
    throw new XmlBodyError(error instanceof Error ? error.message : String(error));
  }
  const roots = Object.entries(parsed);
  const [first] = roots;
  if (roots.length !== 1 || !first) throw new XmlBodyError('Expected exactly one root element.');
  const [root, node] = first;
  const body = normalise(node);
  return { root, body: isObject(body) ? body : {} };
}

// Readers tolerant of both formats: XML gives strings, JSON gives typed values and {value} objects.

/** A plain or coded field as a string (`"MAIN"` or `{"value":"MAIN"}`); undefined when absent or empty. */
export function readCode(source: AlmaValue, key: string): string | undefined {
  if (!isObject(source)) return undefined;
  const value = source[key];
  const raw = isObject(value) ? value.value : value;
  if (raw === undefined || raw === null || typeof raw === 'object') return undefined;
  const textValue = String(raw).trim();
  return textValue === '' ? undefined : textValue;
}

/** A text field kept verbatim ("" when absent), for notes and descriptions. */
export function readText(source: AlmaValue, key: string): string {
  if (!isObject(source)) return '';
  const value = source[key];
  const raw = isObject(value) ? value.value : value;
  return raw === undefined || raw === null || typeof raw === 'object' ? '' : String(raw);
}

export function readBoolean(source: AlmaValue, key: string): boolean | undefined {
  const value = readCode(source, key);
  if (value === undefined) return undefined;
  return value.toLowerCase() === 'true';
}

export function readObject(source: AlmaValue, key: string): AlmaObject | undefined {
  if (!isObject(source)) return undefined;
  const value = source[key];
  return isObject(value) ? value : undefined;
}

export function readArray(source: AlmaValue, key: string): AlmaValue[] {
  if (!isObject(source)) return [];
  const value = source[key];
  if (Array.isArray(value)) return value;
  return value === undefined || value === null || value === '' ? [] : [value];
}

export { isObject };
