import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

/** A parsed element: namespace prefixes stripped, text trimmed, attributes by local name. */
export interface XmlNode {
  name: string;
  /** Namespace URI of the element when it was declared in the document (root only is resolved). */
  namespace?: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

/** An element to serialise. Children that are undefined are skipped, so optional parts read naturally. */
export interface XmlElement {
  name: string;
  attrs?: Record<string, string>;
  text?: string;
  children?: XmlChild[];
}
export type XmlChild = XmlElement | undefined;

export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

export function el(name: string, ...children: XmlChild[]): XmlElement {
  return { name, children };
}

/** A text element, or nothing when there is no value (optional elements). */
export function leaf(name: string, text: string | number | undefined, attrs?: Record<string, string>): XmlChild {
  if (text === undefined) return undefined;
  return attrs ? { name, text: String(text), attrs } : { name, text: String(text) };
}

/** An element that is only written when at least one child is present. */
export function group(name: string, ...children: XmlChild[]): XmlChild {
  return children.some((c) => c !== undefined) ? { name, children } : undefined;
}

const localName = (qname: string): string => qname.slice(qname.indexOf(':') + 1);

// One parser for everything: order preserved (NCIP is sequence-typed), values kept as strings
// ("0000005" is a request id, not a number), numeric character references decoded.
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // DOCTYPE entity declarations are refused before parsing (see safety.ts); this only decodes
  // the predefined and numeric references. htmlEntities is what makes &#233; decode in v5.
  processEntities: true,
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: 64,
});

type FxpNode = Record<string, unknown>;

function convert(raw: FxpNode, nsScope: Record<string, string>): XmlNode | undefined {
  const qname = Object.keys(raw).find((k) => k !== ':@');
  if (qname === undefined || qname === '#text' || qname.startsWith('?')) return undefined;
  const rawAttrs = (raw[':@'] ?? {}) as Record<string, string>;
  const scope = { ...nsScope };
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === 'xmlns') scope[''] = v;
    else if (k.startsWith('xmlns:')) scope[k.slice(6)] = v;
    else attrs[localName(k)] = v;
  }
  const prefix = qname.includes(':') ? qname.slice(0, qname.indexOf(':')) : '';
  const node: XmlNode = { name: localName(qname), attrs, children: [], text: '' };
  const ns = scope[prefix];
  if (ns) node.namespace = ns;
  const texts: string[] = [];
  for (const child of (raw[qname] ?? []) as FxpNode[]) {
    if ('#text' in child) texts.push(String(child['#text']));
    else {
      const c = convert(child, scope);
      if (c) node.children.push(c);
    }
  }
  node.text = texts.join('');
  return node;
}

/** Parses well-formed XML into a tree; throws XmlSyntaxError for anything not well-formed. */
export function parseXml(text: string): XmlNode {
  const check = XMLValidator.validate(text);
  if (check !== true) throw new XmlSyntaxError(check.err.msg, check.err.line);
  const top = parser.parse(text) as FxpNode[];
  for (const raw of top) {
    const node = convert(raw, {});
    if (node) return node;
  }
  throw new XmlSyntaxError('No root element');
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return node?.children.find((c) => c.name === name);
}

export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  return node ? node.children.filter((c) => c.name === name) : [];
}

/** Text of a named child; undefined when the child is absent. */
export function childText(node: XmlNode | undefined, name: string): string | undefined {
  return child(node, name)?.text;
}

/** Text of a named child, treating empty elements as absent. */
export function nonEmptyText(node: XmlNode | undefined, name: string): string | undefined {
  const t = childText(node, name);
  return t === undefined || t === '' ? undefined : t;
}

type FxpOut = Record<string, unknown>;

// XML 1.0 cannot carry these at all, not even escaped; catalogue data sometimes holds them.
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlSafeText(text: string): string {
  return text.replace(NOT_XML_CHAR, '');
}

function toFxp(element: XmlElement): FxpOut {
  const inner: FxpOut[] = [];
  if (element.text !== undefined) inner.push({ '#text': xmlSafeText(element.text) });
  for (const c of element.children ?? []) if (c) inner.push(toFxp(c));
  const out: FxpOut = { [element.name]: inner };
  if (element.attrs && Object.keys(element.attrs).length > 0) {
    out[':@'] = Object.fromEntries(Object.entries(element.attrs).map(([k, v]) => [k, xmlSafeText(v)]));
  }
  return out;
}

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  suppressEmptyNode: true,
  processEntities: true,
  format: false,
});

/** Serialises an element tree; text and attribute values are escaped by the builder. */
export function serialiseXml(root: XmlElement, prolog = '<?xml version="1.0" encoding="UTF-8"?>'): string {
  return prolog + builder.build([toFxp(root)]);
}
