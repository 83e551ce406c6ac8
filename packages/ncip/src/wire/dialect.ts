import type { NcipProblem, NcipVersion } from '../types.ts';
import { type XmlChild, type XmlElement, el, leaf, serialiseXml } from '../xml.ts';

export const NCIP2_NAMESPACE = 'http://www.niso.org/2008/ncip';
export const NCIP2_VERSION = 'http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd';
export const NCIP1_VERSION = 'http://www.niso.org/ncip/v1_0/imp1/dtd/ncip_v1_0.dtd';
const NCIP1_DOCTYPE = `<!DOCTYPE NCIPMessage PUBLIC "-//NISO//NCIP DTD Version 1//EN" "${NCIP1_VERSION}">`;

/** An identifier as written: NCIP 2 UserId/ItemId/RequestId, NCIP 1 UniqueUserId/… */
export interface IdSpec {
  value: string;
  type?: string;
  typeScheme?: string;
  /** Required by NCIP 1 (UniqueAgencyId); written in NCIP 2 only when given. */
  agencyId?: string;
  agencyScheme?: string;
}

export type IdKind = 'User' | 'Item' | 'Request';

/** The differences between NCIP 1.0 and 2.02 on the wire; everything else is shared. */
export interface Dialect {
  version: NcipVersion;
  /** A scheme/value pair element (NCIP 2: Scheme attribute; NCIP 1: Scheme and Value children). */
  pair(name: string, value: string | undefined, scheme?: string): XmlChild;
  /** FromAgencyId / ToAgencyId wrapper. */
  agencyWrapper(name: 'FromAgencyId' | 'ToAgencyId', value: string, scheme?: string): XmlElement;
  /** The bare agency element inside UserPrivilege, BlockOrTrap, BibliographicRecordId… */
  agency(value: string | undefined, scheme?: string): XmlChild;
  id(kind: IdKind, spec: IdSpec): XmlElement;
  bibliographicId(recordId: string, code: string | undefined, agencyId: string, agencyScheme?: string): XmlElement;
  problem(problem: NcipProblem): XmlElement;
  envelope(body: XmlElement | XmlElement[]): string;
}

/** NCIP 1 requires a scheme on every pair; the NISO imp1 schemes follow one naming pattern. */
export function v1DefaultScheme(elementName: string): string {
  const lower = elementName.toLowerCase();
  return `http://www.niso.org/ncip/v1_0/imp1/schemes/${lower}/${lower}.scm`;
}

export function ncip2Dialect(namespace: boolean): Dialect {
  // attributeFormDefault="qualified": Scheme and version must carry the namespace, so a prefix
  // is declared next to the default namespace.
  const attr = (name: string) => (namespace ? `ncip:${name}` : name);
  const pair = (name: string, value: string | undefined, scheme?: string): XmlChild => leaf(name, value, scheme ? { [attr('Scheme')]: scheme } : undefined);
  const agency = (value: string | undefined, scheme?: string) => pair('AgencyId', value, scheme);
  return {
    version: '2.02',
    pair,
    agency,
    agencyWrapper: (name, value, scheme) => el(name, agency(value, scheme)),
    id: (kind, spec) =>
      el(
        `${kind}Id`,
        spec.agencyId === undefined ? undefined : agency(spec.agencyId, spec.agencyScheme),
        pair(`${kind}IdentifierType`, spec.type, spec.typeScheme),
        leaf(`${kind}IdentifierValue`, spec.value),
      ),
    bibliographicId: (recordId, code, agencyId, agencyScheme) =>
      el(
        'BibliographicId',
        el(
          'BibliographicRecordId',
          leaf('BibliographicRecordIdentifier', recordId),
          code === undefined ? agency(agencyId, agencyScheme) : pair('BibliographicRecordIdentifierCode', code),
        ),
      ),
    problem: (p) =>
      el('Problem', pair('ProblemType', p.type, p.scheme), leaf('ProblemDetail', p.detail), leaf('ProblemElement', p.element), leaf('ProblemValue', p.value)),
    envelope: (body) => {
      const attrs: Record<string, string> = namespace
        ? { xmlns: NCIP2_NAMESPACE, 'xmlns:ncip': NCIP2_NAMESPACE, 'ncip:version': NCIP2_VERSION }
        : { version: NCIP2_VERSION };
      return serialiseXml({ name: 'NCIPMessage', attrs, children: Array.isArray(body) ? body : [body] });
    },
  };
}

const NISO_V1_AGENCY_SCHEME = 'http://www.niso.org/ncip/v1_0/schemes/agency.scm';

export const ncip1Dialect: Dialect = (() => {
  const pair = (name: string, value: string | undefined, scheme?: string): XmlChild =>
    value === undefined ? undefined : el(name, leaf('Scheme', scheme ?? v1DefaultScheme(name)), leaf('Value', value));
  const agency = (value: string | undefined, scheme?: string) => pair('UniqueAgencyId', value, scheme ?? NISO_V1_AGENCY_SCHEME);
  // NCIP 1 names the error element after its kind; the element path "A/B" nests.
  const errorElement = (prefix: string, path: string[], value: string | undefined): XmlChild => {
    const [head, ...rest] = path;
    if (head === undefined) return undefined;
    return el(`${prefix}Element`, leaf('ElementName', head), rest.length > 0 ? errorElement(prefix, rest, value) : leaf(`${prefix}Value`, value));
  };
  return {
    version: '1.0',
    pair,
    agency,
    agencyWrapper: (name, value, scheme) => el(name, agency(value, scheme)),
    id: (kind, spec) => el(`Unique${kind}Id`, agency(spec.agencyId ?? '', spec.agencyScheme), leaf(`${kind}IdentifierValue`, spec.value)),
    bibliographicId: (recordId, code, agencyId, agencyScheme) =>
      el(
        'UniqueBibliographicId',
        el(
          'BibliographicRecordId',
          leaf('BibliographicRecordIdentifier', recordId),
          code === undefined ? agency(agencyId, agencyScheme) : pair('BibliographicRecordIdentifierCode', code),
        ),
      ),
    problem: (p) => {
      const kind = p.scheme?.toLowerCase().includes('messagingerror') ? 'MessagingError' : 'ProcessingError';
      const value = p.value ?? p.detail;
      const path = p.element ? p.element.split('/') : value === undefined ? [] : ['NCIPMessage'];
      return el('Problem', el(kind, pair(`${kind}Type`, p.type, p.scheme ?? v1DefaultScheme(`${kind}Type`)), errorElement(kind, path, value)));
    },
    envelope: (body) =>
      serialiseXml(
        { name: 'NCIPMessage', attrs: { version: NCIP1_VERSION }, children: Array.isArray(body) ? body : [body] },
        `<?xml version="1.0" encoding="UTF-8"?>${NCIP1_DOCTYPE}`,
      ),
  };
})();

export function dialectFor(version: NcipVersion, namespace: boolean): Dialect {
  return version === '1.0' ? ncip1Dialect : ncip2Dialect(namespace);
}
