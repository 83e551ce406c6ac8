/**
 * Readers shared by request and response parsing. They accept NCIP 1 and 2 alike (UserId or
 * UniqueUserId, Scheme attribute or Scheme/Value children) and never throw on missing parts:
 * real messages leave things out.
 */
import type {
  AuthenticationInput,
  BibliographicDescription,
  FiscalTransaction,
  InitiationHeader,
  ItemLocation,
  ItemOptionalFields,
  NcipProblem,
  ResponseHeader,
  UserAddress,
  UserIdentifier,
  UserOptionalFields,
} from '../types.ts';
import { type XmlNode, child, childText, children, nonEmptyText } from '../xml.ts';

/** Empty elements (<RequestType/>) count as absent. */
export const nz = (s: string | undefined): string | undefined => (s === undefined || s === '' ? undefined : s);

export function pair(node: XmlNode | undefined): { value: string; scheme?: string } | undefined {
  if (!node) return undefined;
  const value = child(node, 'Value');
  const scheme = value ? childText(node, 'Scheme') : node.attrs.Scheme;
  const out: { value: string; scheme?: string } = { value: value ? value.text : node.text };
  if (nz(scheme)) out.scheme = scheme;
  return out;
}

export const pairText = (node: XmlNode | undefined): string | undefined => nz(pair(node)?.value);

/** AgencyId (NCIP 2) or UniqueAgencyId (NCIP 1), directly inside `parent`. */
export function agencyIn(parent: XmlNode | undefined): string | undefined {
  return pairText(child(parent, 'AgencyId') ?? child(parent, 'UniqueAgencyId'));
}

export type IdKind = 'User' | 'Item' | 'Request';

export interface ReadId {
  value: string;
  type?: string;
  agencyId?: string;
}

function readIdNode(n: XmlNode, kind: IdKind): ReadId {
  const id: ReadId = { value: childText(n, `${kind}IdentifierValue`) ?? '' };
  const type = pairText(child(n, `${kind}IdentifierType`));
  if (type) id.type = type;
  const agency = agencyIn(n);
  if (agency) id.agencyId = agency;
  return id;
}

export function readId(parent: XmlNode | undefined, kind: IdKind): ReadId | undefined {
  const n = child(parent, `${kind}Id`) ?? child(parent, `Unique${kind}Id`);
  return n ? readIdNode(n, kind) : undefined;
}

export function readIds(parent: XmlNode | undefined, kind: IdKind): ReadId[] {
  return [...children(parent, `${kind}Id`), ...children(parent, `Unique${kind}Id`)].map((n) => readIdNode(n, kind));
}

function header(node: XmlNode): ResponseHeader {
  const h: ResponseHeader = {
    fromAgencyId: agencyIn(child(node, 'FromAgencyId')) ?? '',
    toAgencyId: agencyIn(child(node, 'ToAgencyId')) ?? '',
  };
  const fromSystem = pairText(child(node, 'FromSystemId'));
  const toSystem = pairText(child(node, 'ToSystemId'));
  if (fromSystem) h.fromSystemId = fromSystem;
  if (toSystem) h.toSystemId = toSystem;
  return h;
}

export function readResponseHeader(service: XmlNode): ResponseHeader | undefined {
  const node = child(service, 'ResponseHeader');
  return node ? header(node) : undefined;
}

export function readInitiationHeader(service: XmlNode): InitiationHeader | undefined {
  const node = child(service, 'InitiationHeader');
  if (!node) return undefined;
  const h: InitiationHeader = header(node);
  const auth = nonEmptyText(node, 'FromAgencyAuthentication');
  const profile = pairText(child(node, 'ApplicationProfileType'));
  if (auth) h.fromAgencyAuthentication = auth;
  if (profile) h.applicationProfileType = profile;
  return h;
}

export function readAuthenticationInputs(parent: XmlNode): AuthenticationInput[] {
  return children(parent, 'AuthenticationInput').map((n) => {
    const a: AuthenticationInput = {
      data: childText(n, 'AuthenticationInputData') ?? '',
      inputType: pairText(child(n, 'AuthenticationInputType')) ?? '',
    };
    const format = pairText(child(n, 'AuthenticationDataFormatType'));
    if (format) a.formatType = format;
    return a;
  });
}

/** Elements of an NCIP 1 ProcessingErrorElement chain, outermost first, and the innermost value. */
function errorElementPath(node: XmlNode | undefined, prefix: string): { path: string[]; value?: string } {
  const path: string[] = [];
  let value: string | undefined;
  let current = node;
  while (current) {
    const name = nonEmptyText(current, 'ElementName');
    if (name) path.push(name);
    value = nonEmptyText(current, `${prefix}Value`) ?? value;
    current = child(current, `${prefix}Element`);
  }
  return value === undefined ? { path } : { path, value };
}

/** Problems inside a service element, or directly under NCIPMessage. */
export function readProblems(parent: XmlNode): NcipProblem[] {
  return children(parent, 'Problem').map((n) => {
    const v1 = child(n, 'ProcessingError') ?? child(n, 'MessagingError');
    let p: NcipProblem;
    if (v1) {
      const kind = v1.name;
      const type = pair(child(v1, `${kind}Type`));
      const { path, value } = errorElementPath(child(v1, `${kind}Element`), kind);
      p = { type: type?.value ?? '' };
      if (type?.scheme) p.scheme = type.scheme;
      if (path.length > 0) p.element = path.join('/');
      if (value !== undefined) p.value = value;
    } else {
      const type = pair(child(n, 'ProblemType'));
      p = { type: type?.value ?? '' };
      if (type?.scheme) p.scheme = type.scheme;
      const detail = nonEmptyText(n, 'ProblemDetail');
      const element = nonEmptyText(n, 'ProblemElement');
      const value = nonEmptyText(n, 'ProblemValue');
      if (detail) p.detail = detail;
      if (element) p.element = element;
      if (value) p.value = value;
    }
    return p;
  });
}

/** Copies defined values only, so parsed objects compare cleanly with expected ones. */
export function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function readLocation(n: XmlNode): ItemLocation {
  return {
    type: pairText(child(n, 'LocationType')) ?? '',
    names: children(child(n, 'LocationName'), 'LocationNameInstance').map((i) => ({
      level: Number(childText(i, 'LocationNameLevel') ?? 0),
      value: childText(i, 'LocationNameValue') ?? '',
    })),
  };
}

export function readBibliographicDescription(n: XmlNode | undefined): BibliographicDescription | undefined {
  if (!n) return undefined;
  const itemIdNode = child(n, 'BibliographicItemId');
  const identifier = nonEmptyText(itemIdNode, 'BibliographicItemIdentifier');
  const code = pairText(child(itemIdNode, 'BibliographicItemIdentifierCode'));
  const b: BibliographicDescription = defined({
    title: nonEmptyText(n, 'Title'),
    author: nonEmptyText(n, 'Author'),
    publisher: nonEmptyText(n, 'Publisher'),
    placeOfPublication: nonEmptyText(n, 'PlaceOfPublication'),
    publicationDate: nonEmptyText(n, 'PublicationDate'),
    edition: nonEmptyText(n, 'Edition'),
    mediumType: pairText(child(n, 'MediumType')),
  });
  if (identifier) {
    if (code?.toUpperCase() === 'ISBN') b.isbn = identifier;
    else if (code?.toUpperCase() === 'ISSN') b.issn = identifier;
    else b.bibliographicItemId = code ? { identifier, code } : { identifier };
  }
  return b;
}

export function readItemOptionalFields(n: XmlNode | undefined): ItemOptionalFields | undefined {
  if (!n) return undefined;
  const description = child(n, 'ItemDescription');
  const queue = nonEmptyText(n, 'HoldQueueLength');
  const item: ItemOptionalFields = defined({
    bibliographicDescription: readBibliographicDescription(child(n, 'BibliographicDescription')),
    circulationStatus: pairText(child(n, 'CirculationStatus')),
    holdQueueLength: queue === undefined ? undefined : Number(queue),
    callNumber: nonEmptyText(description, 'CallNumber'),
    copyNumber: nonEmptyText(description, 'CopyNumber'),
    dateDue: nonEmptyText(n, 'DateDue'),
  });
  const restrictions = children(n, 'ItemUseRestrictionType').map((r) => pairText(r) ?? '');
  if (restrictions.length > 0) item.itemUseRestrictions = restrictions;
  const locations = children(n, 'Location').map(readLocation);
  if (locations.length > 0) item.locations = locations;
  return item;
}

function readAddress(n: XmlNode): UserAddress | undefined {
  const role = pairText(child(n, 'UserAddressRoleType')) ?? '';
  const dates = defined({ validFrom: nonEmptyText(n, 'ValidFromDate'), validTo: nonEmptyText(n, 'ValidToDate') });
  const electronic = child(n, 'ElectronicAddress');
  if (electronic) {
    return {
      role,
      ...dates,
      electronic: {
        type: pairText(child(electronic, 'ElectronicAddressType')) ?? '',
        data: childText(electronic, 'ElectronicAddressData') ?? '',
      },
    };
  }
  const physical = child(n, 'PhysicalAddress');
  if (!physical) return undefined;
  const type = pairText(child(physical, 'PhysicalAddressType')) ?? '';
  const u = child(physical, 'UnstructuredAddress');
  if (u) {
    return {
      role,
      ...dates,
      physical: {
        type,
        unstructured: { type: pairText(child(u, 'UnstructuredAddressType')) ?? '', data: childText(u, 'UnstructuredAddressData') ?? '' },
      },
    };
  }
  const s = child(physical, 'StructuredAddress');
  const structured = defined({
    line1: nonEmptyText(s, 'Line1'),
    line2: nonEmptyText(s, 'Line2'),
    street: nonEmptyText(s, 'Street'),
    locality: nonEmptyText(s, 'Locality'),
    region: nonEmptyText(s, 'Region'),
    country: nonEmptyText(s, 'Country'),
    postalCode: nonEmptyText(s, 'PostalCode'),
  });
  return { role, ...dates, physical: { type, structured } };
}

export function readUserOptionalFields(n: XmlNode | undefined): UserOptionalFields | undefined {
  if (!n) return undefined;
  const u: UserOptionalFields = {};
  const personal = child(child(n, 'NameInformation'), 'PersonalNameInformation');
  if (personal) {
    const s = child(personal, 'StructuredPersonalUserName');
    u.name = defined({
      prefix: nonEmptyText(s, 'Prefix'),
      givenName: nonEmptyText(s, 'GivenName'),
      initials: nonEmptyText(s, 'Initials'),
      surname: nonEmptyText(s, 'Surname'),
      suffix: nonEmptyText(s, 'Suffix'),
      unstructured: nonEmptyText(personal, 'UnstructuredPersonalUserName'),
    });
  }
  const addresses = children(n, 'UserAddressInformation')
    .map(readAddress)
    .filter((a): a is UserAddress => a !== undefined);
  if (addresses.length > 0) u.addresses = addresses;
  const dob = nonEmptyText(n, 'DateOfBirth');
  if (dob) u.dateOfBirth = dob;
  const privileges = children(n, 'UserPrivilege').map((p) =>
    defined({
      agencyId: agencyIn(p),
      type: pairText(child(p, 'AgencyUserPrivilegeType')) ?? '',
      validFrom: nonEmptyText(p, 'ValidFromDate'),
      validTo: nonEmptyText(p, 'ValidToDate'),
      status: pairText(child(child(p, 'UserPrivilegeStatus'), 'UserPrivilegeStatusType')),
      description: nonEmptyText(p, 'UserPrivilegeDescription'),
    }),
  );
  if (privileges.length > 0) u.privileges = privileges;
  const blocks = children(n, 'BlockOrTrap').map((b) =>
    defined({
      agencyId: agencyIn(b),
      type: pairText(child(b, 'BlockOrTrapType')) ?? '',
      validFrom: nonEmptyText(b, 'ValidFromDate'),
      validTo: nonEmptyText(b, 'ValidToDate'),
    }),
  );
  if (blocks.length > 0) u.blocks = blocks;
  const ids: UserIdentifier[] = [
    ...readIds(n, 'User'),
    // NCIP 1 VisibleUserId
    ...children(n, 'VisibleUserId').map((v) =>
      defined({
        value: childText(v, 'VisibleUserIdentifier') ?? '',
        type: pairText(child(v, 'VisibleUserIdentifierType')),
        agencyId: agencyIn(v),
      }),
    ),
  ];
  if (ids.length > 0) u.userIds = ids;
  return u;
}

export function readFiscalTransaction(n: XmlNode | undefined): FiscalTransaction | undefined {
  if (!n) return undefined;
  const amount = child(n, 'Amount');
  const value = nonEmptyText(amount, 'MonetaryValue');
  const f: FiscalTransaction = defined({
    actionType: pairText(child(n, 'FiscalActionType')) ?? '',
    transactionType: pairText(child(n, 'FiscalTransactionType')) ?? '',
    description: nonEmptyText(n, 'FiscalTransactionDescription'),
    referenceId: nonEmptyText(child(n, 'FiscalTransactionReferenceId'), 'FiscalTransactionIdentifierValue'),
    requestId: nz(readId(n, 'Request')?.value),
    itemId: nz(readId(child(n, 'ItemDetails'), 'Item')?.value),
  });
  if (amount && value !== undefined && /^-?\d+$/.test(value)) {
    const currency = pairText(child(amount, 'CurrencyCode'));
    f.amount = currency ? { currencyCode: currency, monetaryValue: Number(value) } : { monetaryValue: Number(value) };
  }
  return f;
}
