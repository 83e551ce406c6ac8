import { type NcipProfile, checkHeader } from '../profiles.ts';
import { stripDiacritics } from '../normalise.ts';
import { type AuthenticationInput, type InitiationHeader, NcipBuildError, type NcipRequest } from '../types.ts';
import { type XmlChild, type XmlElement, el, leaf } from '../xml.ts';
import { type Dialect, dialectFor } from './dialect.ts';
import { authenticationInputs, dateTime, fiscalTransaction, itemOptionalFields, location } from './fields.ts';

const DEFAULT_USER_ELEMENTS = ['Name Information', 'User Address Information', 'User Privilege', 'Block Or Trap'];

interface Ctx {
  d: Dialect;
  p: NcipProfile;
  h: InitiationHeader;
}

function initiationHeader({ d, p, h }: Ctx): XmlElement {
  const system = (name: string, value: string | undefined) => d.pair(name, value, p.systemIdScheme);
  return el(
    'InitiationHeader',
    system('FromSystemId', h.fromSystemId ?? p.systemIds?.from),
    d.agencyWrapper('FromAgencyId', h.fromAgencyId, p.agencyIdScheme),
    leaf('FromAgencyAuthentication', h.fromAgencyAuthentication),
    system('ToSystemId', h.toSystemId ?? p.systemIds?.to),
    d.agencyWrapper('ToAgencyId', h.toAgencyId, p.agencyIdScheme),
    // NCIP 1 has no application profile element.
    d.version === '2.02' ? d.pair('ApplicationProfileType', h.applicationProfileType ?? p.applicationProfileType, p.applicationProfileScheme) : undefined,
  );
}

// Identifiers: NCIP 1 requires the owning agency; the ILS owns users and items, the ILL system
// owns its request ids.
function userId({ d, p, h }: Ctx, value: string, type?: string): XmlElement {
  return d.id('User', {
    value: p.normalise.userId?.toWire(value) ?? value,
    type: type ?? p.userIdentifierType,
    typeScheme: type ? undefined : p.userIdentifierTypeScheme,
    agencyId: d.version === '1.0' ? h.toAgencyId : undefined,
    agencyScheme: p.agencyIdScheme,
  });
}

function itemId({ d, p, h }: Ctx, value: string, type?: string): XmlElement {
  return d.id('Item', {
    value: p.normalise.itemId?.toWire(value) ?? value,
    type: type ?? p.itemIdentifierType,
    typeScheme: type ? undefined : p.itemIdentifierTypeScheme,
    agencyId: d.version === '1.0' ? h.toAgencyId : undefined,
    agencyScheme: p.agencyIdScheme,
  });
}

function requestId({ d, p, h }: Ctx, value: string, type?: string): XmlElement {
  return d.id('Request', {
    value,
    type: type ?? p.requestIdentifierType,
    typeScheme: type ? undefined : p.requestIdentifierTypeScheme,
    agencyId: d.version === '1.0' ? h.fromAgencyId : undefined,
    agencyScheme: p.agencyIdScheme,
  });
}

/** UserId or AuthenticationInput: every service that acts for a user needs one of the two. */
function user(ctx: Ctx, m: { service: string; userId?: string; userIdentifierType?: string; authentication?: AuthenticationInput[] }): XmlChild[] {
  const auth = m.authentication ?? [];
  if (m.userId !== undefined && auth.length === 0) return [userId(ctx, m.userId, m.userIdentifierType)];
  if (m.userId !== undefined) {
    // UserId and AuthenticationInput are alternatives in the schema: a PIN check sends the
    // id as a barcode input next to the PIN (what Polaris and Alma expect).
    const id = ctx.p.normalise.userId?.toWire(m.userId) ?? m.userId;
    return authenticationInputs(ctx.d, [{ data: id, inputType: 'Barcode Id' }, ...auth]);
  }
  if (auth.length > 0) return authenticationInputs(ctx.d, auth);
  throw new NcipBuildError(`${m.service} needs a userId or authentication input`);
}

function body(ctx: Ctx, m: NcipRequest): XmlElement {
  const { d, p, h } = ctx;
  const header = initiationHeader(ctx);
  const fiscalCtx = {
    currencyCode: p.currencyCode,
    agencyId: h.fromAgencyId,
    requestId: (v: string) => requestId(ctx, v),
    itemId: (v: string) => itemId(ctx, v),
  };
  switch (m.service) {
    case 'LookupUser':
      return el(
        'LookupUser',
        header,
        ...user(ctx, m),
        ...(m.userElementTypes ?? DEFAULT_USER_ELEMENTS).map((t) => d.pair('UserElementType', t)),
        m.loanedItemsDesired ? el('LoanedItemsDesired') : undefined,
        m.requestedItemsDesired ? el('RequestedItemsDesired') : undefined,
      );
    case 'LookupItem': {
      const id = m.itemId !== undefined ? itemId(ctx, m.itemId, m.itemIdentifierType) : m.requestId !== undefined ? requestId(ctx, m.requestId) : undefined;
      if (!id) throw new NcipBuildError('LookupItem needs an itemId or a requestId');
      return el(
        'LookupItem',
        header,
        id,
        ...(m.itemElementTypes ?? []).map((t) => d.pair('ItemElementType', t)),
        m.currentBorrowerDesired ? el('CurrentBorrowerDesired') : undefined,
        m.currentRequestersDesired ? el('CurrentRequestersDesired') : undefined,
      );
    }
    case 'AcceptItem': {
      const text = (s: string | undefined) => (s !== undefined && p.stripDiacritics ? stripDiacritics(s) : s);
      return el(
        'AcceptItem',
        header,
        requestId(ctx, m.requestId, m.requestIdentifierType),
        d.pair('RequestedActionType', m.requestedActionType ?? p.acceptItemRequestedAction, p.requestedActionScheme),
        m.userId === undefined ? undefined : userId(ctx, m.userId, m.userIdentifierType),
        m.itemId === undefined ? undefined : itemId(ctx, m.itemId, m.itemIdentifierType),
        leaf('DateForReturn', dateTime(m.dateForReturn, 'dateForReturn')),
        fiscalTransaction(d, m.fiscalTransaction, fiscalCtx),
        itemOptionalFields(
          d,
          { bibliographicDescription: m.bibliographicDescription, itemUseRestrictions: m.itemUseRestrictions, callNumber: m.callNumber },
          text,
        ),
        d.pair('PickupLocation', m.pickupLocation, p.pickupLocationScheme),
        leaf('PickupExpiryDate', dateTime(m.pickupExpiryDate, 'pickupExpiryDate')),
        m.itemNote === undefined || d.version !== '2.02' ? undefined : el('Ext', leaf('ItemNote', text(m.itemNote))),
      );
    }
    case 'CheckOutItem':
      return el(
        'CheckOutItem',
        header,
        ...user(ctx, m),
        itemId(ctx, m.itemId, m.itemIdentifierType),
        m.requestId === undefined ? undefined : requestId(ctx, m.requestId, m.requestIdentifierType),
        leaf('DesiredDateDue', dateTime(m.desiredDateDue, 'desiredDateDue')),
      );
    case 'CheckInItem':
      return el('CheckInItem', header, itemId(ctx, m.itemId, m.itemIdentifierType), ...(m.itemElementTypes ?? []).map((t) => d.pair('ItemElementType', t)));
    case 'RenewItem':
      return el(
        'RenewItem',
        header,
        ...user(ctx, m),
        itemId(ctx, m.itemId, m.itemIdentifierType),
        leaf('DesiredDateDue', dateTime(m.desiredDateDue, 'desiredDateDue')),
      );
    case 'RequestItem': {
      if (m.itemId === undefined && m.bibliographicId === undefined) {
        throw new NcipBuildError('RequestItem needs an itemId or a bibliographicId');
      }
      const bib = m.bibliographicId;
      const bibCode = bib?.code ?? p.requestItem.bibliographicRecordIdCode;
      return el(
        'RequestItem',
        header,
        ...user(ctx, m),
        bib === undefined ? undefined : d.bibliographicId(p.normalise.bibId?.toWire(bib.identifier) ?? bib.identifier, bibCode, h.toAgencyId, p.agencyIdScheme),
        m.itemId === undefined ? undefined : itemId(ctx, m.itemId, m.itemIdentifierType),
        m.requestId === undefined ? undefined : requestId(ctx, m.requestId, m.requestIdentifierType),
        d.pair('RequestType', m.requestType ?? p.requestItem.requestType),
        d.pair('RequestScopeType', m.requestScopeType ?? p.requestItem.requestScope),
        m.itemLocations && m.itemLocations.length > 0 ? el('ItemOptionalFields', ...m.itemLocations.map((l) => location(d, l))) : undefined,
        leaf('EarliestDateNeeded', dateTime(m.earliestDateNeeded, 'earliestDateNeeded')),
        leaf('NeedBeforeDate', dateTime(m.needBeforeDate, 'needBeforeDate')),
        d.pair('PickupLocation', m.pickupLocation, p.pickupLocationScheme),
        leaf('PickupExpiryDate', dateTime(m.pickupExpiryDate, 'pickupExpiryDate')),
      );
    }
    case 'CancelRequestItem': {
      if (m.itemId === undefined && m.requestId === undefined) {
        throw new NcipBuildError('CancelRequestItem needs a requestId or an itemId');
      }
      return el(
        'CancelRequestItem',
        header,
        ...user(ctx, m),
        m.requestId === undefined ? undefined : requestId(ctx, m.requestId, m.requestIdentifierType),
        m.itemId === undefined ? undefined : itemId(ctx, m.itemId, m.itemIdentifierType),
        d.pair('RequestType', m.requestType ?? p.requestItem.requestType),
        d.pair('RequestScopeType', m.requestScopeType),
      );
    }
    case 'DeleteItem':
      return el('DeleteItem', header, itemId(ctx, m.itemId, m.itemIdentifierType));
    case 'CreateUserFiscalTransaction':
      return el('CreateUserFiscalTransaction', header, ...user(ctx, m), fiscalTransaction(d, m.fiscalTransaction, fiscalCtx));
  }
}

/** Writes an NCIP request the way the profile's ILS expects it. Throws NcipBuildError on unusable input. */
export function buildRequest(message: NcipRequest, profile: NcipProfile): string {
  const issues = checkHeader(profile, message.header);
  if (issues.length > 0) throw new NcipBuildError(issues.join(' '));
  const d = dialectFor(profile.version, profile.namespace);
  return d.envelope(body({ d, p: profile, h: message.header }, message));
}
