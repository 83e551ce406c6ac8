import { problemScheme } from '../problems.ts';
import type { NcipProfile } from '../profiles.ts';
import {
  type FiscalTransaction,
  type InitiationHeader,
  type ItemOptionalFields,
  NcipBuildError,
  type NcipResponse,
  type NcipSuccessResponse,
  type ResponseHeader,
  type RoutingInformation,
  type UserOptionalFields,
  isProblemResponse,
} from '../types.ts';
import { type XmlChild, type XmlElement, el, group, leaf } from '../xml.ts';
import { type Dialect, dialectFor } from './dialect.ts';
import { dateTime, fiscalTransaction, itemOptionalFields, location, userOptionalFields } from './fields.ts';

/** The header a responder answers with: the request's agencies and systems swapped. */
export function responseHeaderFor(request: InitiationHeader): ResponseHeader {
  const h: ResponseHeader = { fromAgencyId: request.toAgencyId, toAgencyId: request.fromAgencyId };
  if (request.toSystemId !== undefined) h.fromSystemId = request.toSystemId;
  if (request.fromSystemId !== undefined) h.toSystemId = request.fromSystemId;
  return h;
}

function responseHeader(d: Dialect, p: NcipProfile, h: ResponseHeader | undefined): XmlChild {
  if (!h) return undefined;
  return el(
    'ResponseHeader',
    d.pair('FromSystemId', h.fromSystemId, p.systemIdScheme),
    d.agencyWrapper('FromAgencyId', h.fromAgencyId, p.agencyIdScheme),
    d.pair('ToSystemId', h.toSystemId, p.systemIdScheme),
    d.agencyWrapper('ToAgencyId', h.toAgencyId, p.agencyIdScheme),
  );
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new NcipBuildError(`${what} is required`);
  return value;
}

function successBody(d: Dialect, p: NcipProfile, r: NcipSuccessResponse): XmlChild[] {
  // The responder owns the identifiers it returns; NCIP 1 wants that agency on each of them.
  const agency = r.header?.fromAgencyId ?? '';
  const idAgency = d.version === '1.0' ? agency : undefined;
  const user = (v: string | undefined, type?: string) =>
    v === undefined ? undefined : d.id('User', { value: v, type, agencyId: idAgency, agencyScheme: p.agencyIdScheme });
  const item = (v: string | undefined) => (v === undefined ? undefined : d.id('Item', { value: v, agencyId: idAgency, agencyScheme: p.agencyIdScheme }));
  const request = (v: string | undefined) => (v === undefined ? undefined : d.id('Request', { value: v, agencyId: idAgency, agencyScheme: p.agencyIdScheme }));
  const items = (it: ItemOptionalFields | undefined) => itemOptionalFields(d, it);
  const users = (u: UserOptionalFields | undefined) => userOptionalFields(d, u, agency);
  // "ItemId, or RequestId then an optional ItemId", a recurring choice in the schema.
  const requestOrItem = (requestId: string | undefined, itemId: string | undefined, what: string) => {
    if (requestId === undefined && itemId === undefined) throw new NcipBuildError(`${what} needs a requestId or an itemId`);
    return [request(requestId), item(itemId)];
  };
  const fiscal = (f: FiscalTransaction | undefined) =>
    fiscalTransaction(d, f, { currencyCode: p.currencyCode, agencyId: agency, requestId: request, itemId: item });

  switch (r.service) {
    case 'LookupUser':
      return [
        user(r.userId, r.userIdentifierType),
        ...(r.loanedItems ?? []).map((loan) =>
          el(
            'LoanedItem',
            item(loan.itemId),
            // One of the two is required: no due date means no fixed loan period.
            loan.dateDue !== undefined ? leaf('DateDue', dateTime(loan.dateDue, 'loanedItem dateDue')) : el('IndeterminateLoanPeriodFlag'),
            leaf('Title', loan.title),
          ),
        ),
        ...(r.requestedItems ?? []).map((requested) =>
          el(
            'RequestedItem',
            ...requestOrItem(requested.requestId, requested.itemId, 'RequestedItem'),
            d.pair('RequestType', requested.requestType),
            d.pair('RequestStatusType', requested.requestStatusType),
            leaf('DatePlaced', dateTime(requested.datePlaced, 'requestedItem datePlaced')),
            leaf('PickupDate', dateTime(requested.pickupDate, 'requestedItem pickupDate')),
            d.pair('PickupLocation', requested.pickupLocation, p.pickupLocationScheme),
            leaf('PickupExpiryDate', dateTime(requested.pickupExpiryDate, 'requestedItem pickupExpiryDate')),
            leaf('HoldQueuePosition', requested.holdQueuePosition),
            leaf('Title', requested.title),
          ),
        ),
        users(r.user),
      ];
    case 'LookupItem':
      return [
        ...requestOrItem(r.requestId, r.itemId, 'LookupItemResponse'),
        leaf('HoldPickupDate', dateTime(r.holdPickupDate, 'holdPickupDate')),
        leaf('DateRecalled', dateTime(r.dateRecalled, 'dateRecalled')),
        r.itemTransaction &&
          group(
            'ItemTransaction',
            r.itemTransaction.currentBorrower === undefined ? undefined : el('CurrentBorrower', user(r.itemTransaction.currentBorrower)),
            ...(r.itemTransaction.currentRequesters ?? []).map((requester) => el('CurrentRequester', user(requester))),
          ),
        items(r.item),
      ];
    case 'AcceptItem':
      return [request(r.requestId), item(r.itemId)];
    case 'CheckOutItem':
      return [
        item(r.itemId),
        user(r.userId),
        // One of the three is required; no due date and returnable means no fixed loan period.
        r.dateDue !== undefined ? leaf('DateDue', dateTime(r.dateDue, 'dateDue')) : el(r.nonReturnable ? 'NonReturnableFlag' : 'IndeterminateLoanPeriodFlag'),
        leaf('RenewalCount', r.renewalCount),
        fiscal(r.fiscalTransaction),
        items(r.item),
        users(r.user),
      ];
    case 'CheckInItem':
      return [
        r.itemAgencyId === undefined ? item(r.itemId) : d.id('Item', { value: r.itemId, agencyId: r.itemAgencyId, agencyScheme: p.agencyIdScheme }),
        r.userAgencyId === undefined || r.userId === undefined
          ? user(r.userId)
          : d.id('User', { value: r.userId, agencyId: r.userAgencyId, agencyScheme: p.agencyIdScheme }),
        r.routing && routing(d, r.routing),
        fiscal(r.fiscalTransaction),
        items(r.item),
        users(r.user),
      ];
    case 'RenewItem':
      if (r.pending) return [el('Pending', leaf('DateOfExpectedReply', dateTime(r.pending.dateOfExpectedReply, 'dateOfExpectedReply')))];
      return [
        item(required(r.itemId, 'RenewItemResponse itemId')),
        user(r.userId),
        leaf('DateDue', dateTime(r.dateDue, 'dateDue')),
        leaf('DateForReturn', dateTime(r.dateForReturn, 'dateForReturn')),
        leaf('RenewalCount', r.renewalCount),
        items(r.item),
        users(r.user),
      ];
    case 'RequestItem':
      return [
        ...requestOrItem(r.requestId, r.itemId, 'RequestItemResponse'),
        user(required(r.userId, 'RequestItemResponse userId')),
        d.pair('RequestType', required(r.requestType, 'RequestItemResponse requestType')),
        d.pair('RequestScopeType', required(r.requestScopeType, 'RequestItemResponse requestScopeType')),
        leaf('DateAvailable', dateTime(r.dateAvailable, 'dateAvailable')),
        leaf('HoldPickupDate', dateTime(r.holdPickupDate, 'holdPickupDate')),
        items(r.item),
        users(r.user),
      ];
    case 'CancelRequestItem':
      return [
        ...requestOrItem(r.requestId, r.itemId, 'CancelRequestItemResponse'),
        user(required(r.userId, 'CancelRequestItemResponse userId')),
        items(r.item),
      ];
    case 'DeleteItem':
      return [item(r.itemId)];
    case 'CreateUserFiscalTransaction':
      return [
        user(r.userId),
        el(
          'FiscalTransactionReferenceId',
          d.agency(r.fiscalTransactionAgencyId ?? agency, p.agencyIdScheme),
          leaf('FiscalTransactionIdentifierValue', r.fiscalTransactionReferenceId),
        ),
      ];
  }
}

function routing(d: Dialect, rt: RoutingInformation): XmlElement {
  // Destination is a Location, or a bin number with an optional Location.
  if (!rt.destination && rt.binNumber === undefined) {
    throw new NcipBuildError('RoutingInformation needs a destination location or a bin number');
  }
  return el(
    'RoutingInformation',
    leaf('RoutingInstructions', rt.instructions),
    el('Destination', leaf('BinNumber', rt.binNumber), rt.destination && location(d, rt.destination)),
    // Schema order: Destination, RequestType, UserId, NameInformation.
    rt.userId === undefined ? undefined : d.id('User', { value: rt.userId }),
  );
}

/** Writes a response (data or Problems) the way the profile's ILS answers. */
export function buildResponse(response: NcipResponse, profile: NcipProfile): string {
  const d = dialectFor(profile.version, profile.namespace);
  if (isProblemResponse(response)) {
    if (response.problems.length === 0) throw new NcipBuildError('A problem response needs at least one problem');
    const problems = response.problems.map((pr) => d.problem({ ...pr, scheme: pr.scheme ?? problemScheme(pr.type, response.service) }));
    if (response.service === undefined) return d.envelope(problems);
    const service: XmlElement = el(`${response.service}Response`, responseHeader(d, profile, response.header), ...problems);
    return d.envelope(service);
  }
  return d.envelope(el(`${response.service}Response`, responseHeader(d, profile, response.header), ...successBody(d, profile, response)));
}
