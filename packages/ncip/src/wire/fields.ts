/** Builders for the structures shared by several services, in schema sequence order. */
import {
  type AuthenticationInput,
  type BibliographicDescription,
  type FiscalTransaction,
  type ItemLocation,
  type ItemOptionalFields,
  NcipBuildError,
  type NcipDateTime,
  type UserAddress,
  type UserOptionalFields,
} from '../types.ts';
import { type XmlChild, type XmlElement, el, group, leaf } from '../xml.ts';
import type { Dialect } from './dialect.ts';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** xs:dateTime text; a Date is written in UTC without milliseconds. */
export function dateTime(value: NcipDateTime | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new NcipBuildError(`${field} is an invalid Date`);
    return value.toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  if (!DATE_TIME.test(value)) throw new NcipBuildError(`${field} "${value}" is not an xs:dateTime (YYYY-MM-DDThh:mm:ssZ)`);
  return value;
}

/** Values that must be sent as text but may be typed by callers as numbers. */
function integer(value: number | undefined, field: string, min = 0): string | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min) throw new NcipBuildError(`${field} must be an integer ≥ ${min}, got ${value}`);
  return String(value);
}

export function authenticationInputs(d: Dialect, inputs: AuthenticationInput[]): XmlElement[] {
  return inputs.map((a) =>
    el(
      'AuthenticationInput',
      leaf('AuthenticationInputData', a.data),
      d.pair('AuthenticationDataFormatType', a.formatType ?? 'text/plain'),
      d.pair('AuthenticationInputType', a.inputType),
    ),
  );
}

export function bibliographicDescription(
  d: Dialect,
  b: BibliographicDescription | undefined,
  text: (s: string | undefined) => string | undefined = (s) => s,
): XmlChild {
  if (!b) return undefined;
  const itemId = b.isbn ? { identifier: b.isbn, code: 'ISBN' } : b.issn ? { identifier: b.issn, code: 'ISSN' } : b.bibliographicItemId;
  return el(
    'BibliographicDescription',
    leaf('Author', text(b.author)),
    itemId && el('BibliographicItemId', leaf('BibliographicItemIdentifier', itemId.identifier), d.pair('BibliographicItemIdentifierCode', itemId.code)),
    leaf('Edition', text(b.edition)),
    leaf('PlaceOfPublication', text(b.placeOfPublication)),
    leaf('PublicationDate', b.publicationDate),
    leaf('Publisher', text(b.publisher)),
    leaf('Title', text(b.title)),
    d.pair('MediumType', b.mediumType),
  );
}

export function location(d: Dialect, loc: ItemLocation): XmlElement {
  if (loc.names.length === 0) throw new NcipBuildError('A Location needs at least one LocationName');
  return el(
    'Location',
    d.pair('LocationType', loc.type, loc.typeScheme),
    el(
      'LocationName',
      ...loc.names.map((n) =>
        el('LocationNameInstance', leaf('LocationNameLevel', integer(n.level, 'LocationNameLevel', 1)), leaf('LocationNameValue', n.value)),
      ),
    ),
  );
}

export function itemOptionalFields(d: Dialect, item: ItemOptionalFields | undefined, text?: (s: string | undefined) => string | undefined): XmlChild {
  if (!item) return undefined;
  return group(
    'ItemOptionalFields',
    bibliographicDescription(d, item.bibliographicDescription, text),
    ...(item.itemUseRestrictions ?? []).map((r) => d.pair('ItemUseRestrictionType', r)),
    d.pair('CirculationStatus', item.circulationStatus),
    leaf('HoldQueueLength', integer(item.holdQueueLength, 'HoldQueueLength')),
    group('ItemDescription', leaf('CallNumber', item.callNumber), leaf('CopyNumber', item.copyNumber)),
    ...(item.locations ?? []).map((l) => location(d, l)),
    // DateDue inside ItemOptionalFields only exists from NCIP 2.02 on.
    d.version === '2.02' ? leaf('DateDue', dateTime(item.dateDue, 'ItemOptionalFields.DateDue')) : undefined,
  );
}

function address(d: Dialect, a: UserAddress): XmlElement {
  let body: XmlElement;
  if (a.electronic) {
    body = el('ElectronicAddress', d.pair('ElectronicAddressType', a.electronic.type), leaf('ElectronicAddressData', a.electronic.data));
  } else {
    const { structured: s, unstructured: u, type } = a.physical;
    let inner: XmlElement;
    if (u) inner = el('UnstructuredAddress', d.pair('UnstructuredAddressType', u.type), leaf('UnstructuredAddressData', u.data));
    else {
      const st = s ?? {};
      // The schema wants a street, a PO box, a district or Line1 before the locality.
      const head: XmlChild[] =
        st.line1 !== undefined || st.street === undefined ? [leaf('Line1', st.line1 ?? ''), leaf('Line2', st.line2)] : [leaf('Street', st.street)];
      inner = el(
        'StructuredAddress',
        ...head,
        leaf('Locality', st.locality),
        leaf('Region', st.region),
        leaf('Country', st.country),
        leaf('PostalCode', st.postalCode),
      );
    }
    body = el('PhysicalAddress', inner, d.pair('PhysicalAddressType', type));
  }
  return el(
    'UserAddressInformation',
    d.pair('UserAddressRoleType', a.role),
    leaf('ValidFromDate', dateTime(a.validFrom, 'ValidFromDate')),
    leaf('ValidToDate', dateTime(a.validTo, 'ValidToDate')),
    body,
  );
}

function personalName(u: UserOptionalFields): XmlChild {
  const n = u.name;
  if (!n) return undefined;
  const unstructured = n.unstructured ?? (n.surname === undefined ? [n.givenName].filter(Boolean).join(' ') : undefined);
  const structured =
    n.surname === undefined
      ? undefined
      : el(
          'StructuredPersonalUserName',
          leaf('Prefix', n.prefix),
          leaf('GivenName', n.givenName),
          leaf('Initials', n.initials),
          leaf('Surname', n.surname),
          leaf('Suffix', n.suffix),
        );
  return el('NameInformation', el('PersonalNameInformation', structured, leaf('UnstructuredPersonalUserName', unstructured)));
}

/** defaultAgency fills the AgencyId the schema requires on privileges and blocks. */
export function userOptionalFields(d: Dialect, u: UserOptionalFields | undefined, defaultAgency: string): XmlChild {
  if (!u) return undefined;
  const ids = (u.userIds ?? []).map((id) =>
    d.version === '1.0'
      ? el(
          'VisibleUserId',
          d.agency(id.agencyId ?? defaultAgency),
          d.pair('VisibleUserIdentifierType', id.type ?? 'Barcode'),
          leaf('VisibleUserIdentifier', id.value),
        )
      : d.id('User', { value: id.value, type: id.type, agencyId: id.agencyId }),
  );
  return group(
    'UserOptionalFields',
    ...(d.version === '1.0' ? ids : []),
    personalName(u),
    ...(u.addresses ?? []).map((a) => address(d, a)),
    leaf('DateOfBirth', dateTime(u.dateOfBirth, 'DateOfBirth')),
    ...(u.privileges ?? []).map((p) =>
      el(
        'UserPrivilege',
        d.agency(p.agencyId ?? defaultAgency),
        d.pair('AgencyUserPrivilegeType', p.type),
        leaf('ValidFromDate', dateTime(p.validFrom, 'ValidFromDate')),
        leaf('ValidToDate', dateTime(p.validTo, 'ValidToDate')),
        p.status === undefined ? undefined : el('UserPrivilegeStatus', d.pair('UserPrivilegeStatusType', p.status)),
        leaf('UserPrivilegeDescription', p.description),
      ),
    ),
    ...(u.blocks ?? []).map((b) =>
      el(
        'BlockOrTrap',
        d.agency(b.agencyId ?? defaultAgency),
        d.pair('BlockOrTrapType', b.type),
        leaf('ValidFromDate', dateTime(b.validFrom, 'ValidFromDate')),
        leaf('ValidToDate', dateTime(b.validTo, 'ValidToDate')),
      ),
    ),
    ...(d.version === '2.02' ? ids : []),
  );
}

export function fiscalTransaction(
  d: Dialect,
  f: FiscalTransaction | undefined,
  ctx: { currencyCode: string; agencyId: string; requestId?: (value: string) => XmlChild; itemId?: (value: string) => XmlChild },
): XmlChild {
  if (!f) return undefined;
  if (!f.amount) throw new NcipBuildError('FiscalTransactionInformation needs an amount');
  return el(
    'FiscalTransactionInformation',
    d.pair('FiscalActionType', f.actionType),
    f.referenceId === undefined
      ? undefined
      : el('FiscalTransactionReferenceId', d.agency(ctx.agencyId), leaf('FiscalTransactionIdentifierValue', f.referenceId)),
    d.pair('FiscalTransactionType', f.transactionType),
    el(
      'Amount',
      d.pair('CurrencyCode', f.amount.currencyCode ?? ctx.currencyCode),
      leaf('MonetaryValue', integer(f.amount.monetaryValue, 'MonetaryValue', Number.MIN_SAFE_INTEGER)),
    ),
    leaf('FiscalTransactionDescription', f.description),
    f.requestId !== undefined && ctx.requestId ? ctx.requestId(f.requestId) : undefined,
    f.itemId !== undefined && ctx.itemId ? el('ItemDetails', ctx.itemId(f.itemId), el('BibliographicDescription')) : undefined,
  );
}
