import { MESSAGING_ERROR_SCHEME, problemScheme } from '../problems.ts';
import { DEFAULT_MAX_REQUEST_BYTES, type UnsafeReason, checkXmlSafety } from '../safety.ts';
import {
  type AuthenticationInput,
  type InitiationHeader,
  type NcipProblem,
  type NcipRequest,
  type NcipService,
  type NcipVersion,
  isNcipService,
} from '../types.ts';
import { type XmlNode, XmlSyntaxError, child, children, nonEmptyText, parseXml } from '../xml.ts';
import { detectVersion } from './version.ts';
import {
  type ReadId,
  defined,
  nz,
  pairText,
  readAuthenticationInputs,
  readFiscalTransaction,
  readId,
  readIds,
  readInitiationHeader,
  readItemOptionalFields,
  readLocation,
} from './read.ts';

export type RequestRejection = UnsafeReason | 'malformed-xml' | 'not-ncip' | 'unsupported-service' | 'missing-data';

export type ParseRequestResult =
  | { ok: true; version: NcipVersion; request: NcipRequest }
  | {
      ok: false;
      /** Answer with this Problem (in the request's version, under its service when known). */
      problem: NcipProblem;
      reason: RequestRejection;
      message: string;
      version?: NcipVersion;
      service?: NcipService;
      header?: InitiationHeader;
    };

export interface ParseRequestOptions {
  /** Refuse bodies larger than this many bytes (default 1 MiB). */
  maxBytes?: number;
  /**
   * The header to assume when a message has no InitiationHeader (NCIP 2 makes it optional;
   * Innovative's responder answers NYPL's header-less CheckInItem). Absent: a missing header is
   * "Needed Data Missing".
   */
  defaultHeader?: InitiationHeader;
}

class Missing extends Error {
  constructor(readonly element: string) {
    super(`Needed data missing: ${element}`);
  }
}

function need<T>(value: T | undefined, element: string): T {
  if (value === undefined) throw new Missing(element);
  return value;
}

const elementTypes = (n: XmlNode, name: string): string[] | undefined => {
  const list = children(n, name)
    .map((e) => pairText(e))
    .filter((t): t is string => t !== undefined);
  return list.length > 0 ? list : undefined;
};

/** The user a service acts for: a UserId, or AuthenticationInput when the requester has no id. */
function userOf(n: XmlNode, required: boolean): { userId?: string; userIdentifierType?: string; authentication?: AuthenticationInput[] } {
  const id = readId(n, 'User');
  const auth = readAuthenticationInputs(n);
  // The schema allows one or the other; PIN checks send both (FOLIO's lookupUserCheckPin), so keep both.
  const out = defined({
    userId: nz(id?.value),
    userIdentifierType: nz(id?.value) ? id?.type : undefined,
    authentication: auth.length > 0 ? auth : undefined,
  });
  if (required && out.userId === undefined && out.authentication === undefined) throw new Missing('UserId');
  return out;
}

const nonEmptyId = (id: ReadId | undefined): ReadId | undefined => (id && id.value !== '' ? id : undefined);

function readRequest(service: NcipService, n: XmlNode, header: InitiationHeader): NcipRequest {
  switch (service) {
    case 'LookupUser':
      return defined({
        service,
        header,
        ...userOf(n, true),
        userElementTypes: elementTypes(n, 'UserElementType'),
        loanedItemsDesired: child(n, 'LoanedItemsDesired') ? true : undefined,
        requestedItemsDesired: child(n, 'RequestedItemsDesired') ? true : undefined,
      });
    case 'LookupItem': {
      const item = nonEmptyId(readId(n, 'Item'));
      const request = nonEmptyId(readId(n, 'Request'));
      if (!item && !request) throw new Missing('ItemId');
      return defined({
        service,
        header,
        itemId: item?.value,
        itemIdentifierType: item?.type,
        requestId: request?.value,
        itemElementTypes: elementTypes(n, 'ItemElementType'),
        currentBorrowerDesired: child(n, 'CurrentBorrowerDesired') ? true : undefined,
        currentRequestersDesired: child(n, 'CurrentRequestersDesired') ? true : undefined,
      });
    }
    case 'AcceptItem': {
      const request = need(nonEmptyId(readId(n, 'Request')), 'RequestId');
      const user = nonEmptyId(readId(n, 'User'));
      const item = nonEmptyId(readId(n, 'Item'));
      const optional = readItemOptionalFields(child(n, 'ItemOptionalFields'));
      return defined({
        service,
        header,
        requestId: request.value,
        requestIdentifierType: request.type,
        requestedActionType: need(pairText(child(n, 'RequestedActionType')), 'RequestedActionType'),
        userId: user?.value,
        userIdentifierType: user?.type,
        itemId: item?.value,
        itemIdentifierType: item?.type,
        dateForReturn: nonEmptyText(n, 'DateForReturn'),
        fiscalTransaction: readFiscalTransaction(child(n, 'FiscalTransactionInformation')),
        bibliographicDescription: optional?.bibliographicDescription,
        callNumber: optional?.callNumber,
        itemUseRestrictions: optional?.itemUseRestrictions,
        pickupLocation: pairText(child(n, 'PickupLocation')),
        pickupExpiryDate: nonEmptyText(n, 'PickupExpiryDate'),
        itemNote: nonEmptyText(child(n, 'Ext'), 'ItemNote'),
      });
    }
    case 'CheckOutItem': {
      const user = userOf(n, true);
      const item = need(nonEmptyId(readId(n, 'Item')), 'ItemId');
      const request = nonEmptyId(readId(n, 'Request'));
      return defined({
        service,
        header,
        ...user,
        itemId: item.value,
        itemIdentifierType: item.type,
        requestId: request?.value,
        requestIdentifierType: request?.type,
        desiredDateDue: nonEmptyText(n, 'DesiredDateDue'),
      });
    }
    case 'CheckInItem': {
      const item = need(nonEmptyId(readId(n, 'Item')), 'ItemId');
      return defined({ service, header, itemId: item.value, itemIdentifierType: item.type, itemElementTypes: elementTypes(n, 'ItemElementType') });
    }
    case 'RenewItem': {
      const user = userOf(n, true);
      const item = need(nonEmptyId(readId(n, 'Item')), 'ItemId');
      return defined({ service, header, ...user, itemId: item.value, itemIdentifierType: item.type, desiredDateDue: nonEmptyText(n, 'DesiredDateDue') });
    }
    case 'RequestItem': {
      const user = userOf(n, true);
      const item = readIds(n, 'Item').find((i) => i.value !== '');
      const bibNode = child(n, 'BibliographicId') ?? child(n, 'UniqueBibliographicId');
      if (!item && !bibNode) throw new Missing('ItemId');
      const record = child(bibNode, 'BibliographicRecordId');
      const bibItem = child(bibNode, 'BibliographicItemId');
      const bibliographicId = record
        ? defined({
            identifier: nonEmptyText(record, 'BibliographicRecordIdentifier') ?? '',
            code: pairText(child(record, 'BibliographicRecordIdentifierCode')),
          })
        : bibItem
          ? defined({
              identifier: nonEmptyText(bibItem, 'BibliographicItemIdentifier') ?? '',
              code: pairText(child(bibItem, 'BibliographicItemIdentifierCode')),
            })
          : undefined;
      const request = nonEmptyId(readId(n, 'Request'));
      const locations = children(child(n, 'ItemOptionalFields'), 'Location').map(readLocation);
      return defined({
        service,
        header,
        ...user,
        itemId: item?.value,
        itemIdentifierType: item?.type,
        bibliographicId,
        requestId: request?.value,
        requestIdentifierType: request?.type,
        requestType: need(pairText(child(n, 'RequestType')), 'RequestType'),
        requestScopeType: need(pairText(child(n, 'RequestScopeType')), 'RequestScopeType'),
        itemLocations: locations.length > 0 ? locations : undefined,
        earliestDateNeeded: nonEmptyText(n, 'EarliestDateNeeded'),
        needBeforeDate: nonEmptyText(n, 'NeedBeforeDate'),
        pickupLocation: pairText(child(n, 'PickupLocation')),
        pickupExpiryDate: nonEmptyText(n, 'PickupExpiryDate'),
      });
    }
    case 'CancelRequestItem': {
      const user = userOf(n, true);
      const request = nonEmptyId(readId(n, 'Request'));
      const item = nonEmptyId(readId(n, 'Item'));
      if (!request && !item) throw new Missing('RequestId');
      // RequestType is required by the schema but real requesters send it empty; left optional.
      return defined({
        service,
        header,
        ...user,
        requestId: request?.value,
        requestIdentifierType: request?.type,
        itemId: item?.value,
        itemIdentifierType: item?.type,
        requestType: pairText(child(n, 'RequestType')),
        requestScopeType: pairText(child(n, 'RequestScopeType')),
      });
    }
    case 'DeleteItem': {
      const item = need(nonEmptyId(readId(n, 'Item')), 'ItemId');
      return defined({ service, header, itemId: item.value, itemIdentifierType: item.type });
    }
    case 'CreateUserFiscalTransaction': {
      const user = userOf(n, true);
      const fiscal = need(readFiscalTransaction(child(n, 'FiscalTransactionInformation')), 'FiscalTransactionInformation');
      return { service, header, ...user, fiscalTransaction: fiscal };
    }
  }
}

function reject(
  reason: RequestRejection,
  type: string,
  message: string,
  extra: { element?: string; version?: NcipVersion; service?: NcipService; header?: InitiationHeader } = {},
): ParseRequestResult {
  const scheme = type === 'Invalid Message Syntax Error' ? MESSAGING_ERROR_SCHEME : problemScheme(type, extra.service);
  const problem: NcipProblem = defined({ type, scheme, detail: message, element: extra.element });
  return defined({ ok: false as const, problem, reason, message, version: extra.version, service: extra.service, header: extra.header });
}

/**
 * Reads an incoming NCIP request (1.0 or 2.x, with or without namespace prefixes). Never throws:
 * anything unusable comes back as a Problem the responder can send.
 */
export function parseRequest(body: string | Uint8Array, options: ParseRequestOptions = {}): ParseRequestResult {
  const safe = checkXmlSafety(body, options.maxBytes ?? DEFAULT_MAX_REQUEST_BYTES);
  if (!safe.ok) return reject(safe.reason, 'Invalid Message Syntax Error', safe.message);
  let root: XmlNode;
  try {
    root = parseXml(safe.text);
  } catch (e) {
    const detail = e instanceof XmlSyntaxError ? `${e.message}${e.line ? ` (line ${e.line})` : ''}` : String(e);
    return reject('malformed-xml', 'Invalid Message Syntax Error', `Message is not well-formed XML: ${detail}`);
  }
  if (root.name !== 'NCIPMessage') {
    return reject('not-ncip', 'Invalid Message Syntax Error', `Root element is ${root.name}, not NCIPMessage.`, { element: root.name });
  }
  const version = detectVersion(root, safe.text);
  const serviceNode = root.children[0];
  if (!serviceNode) return reject('not-ncip', 'Invalid Message Syntax Error', 'NCIPMessage is empty.', { element: 'NCIPMessage', version });
  const name = serviceNode.name;
  if (!isNcipService(name)) {
    return reject('unsupported-service', 'Unsupported Service', `${name} is not a service this responder offers.`, { element: name, version });
  }
  const service = name;
  const header = readInitiationHeader(serviceNode) ?? options.defaultHeader;
  try {
    if (!header) throw new Missing('InitiationHeader');
    if (header.fromAgencyId === '') throw new Missing('FromAgencyId');
    if (header.toAgencyId === '') throw new Missing('ToAgencyId');
    return { ok: true, version, request: readRequest(service, serviceNode, header) };
  } catch (e) {
    if (!(e instanceof Missing)) {
      // A reader tripped over a shape it did not expect; still an answerable syntax problem.
      return reject('malformed-xml', 'Invalid Message Syntax Error', `${service} could not be read: ${String(e)}`, { version, service });
    }
    return reject('missing-data', 'Needed Data Missing', `${service} has no ${e.element}.`, {
      element: e.element,
      version,
      service,
      ...(header ? { header } : {}),
    });
  }
}
