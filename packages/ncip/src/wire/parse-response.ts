import { type ClassifiedProblem, type NcipOutcomeKind, classifyProblems } from '../problems.ts';
import type { NcipProfile } from '../profiles.ts';
import { checkXmlSafety } from '../safety.ts';
import { type NcipService, type NcipSuccessResponse, type NcipVersion, isNcipService } from '../types.ts';
import { type XmlNode, child, children, nonEmptyText, parseXml } from '../xml.ts';
import {
  defined,
  nz,
  pairText,
  readFiscalTransaction,
  readId,
  readItemOptionalFields,
  readLocation,
  readProblems,
  readResponseHeader,
  readUserOptionalFields,
} from './read.ts';
import { detectVersion } from './version.ts';

export type NcipFailureReason =
  | 'empty'
  | 'too-large'
  | 'unsafe'
  | 'html'
  | 'json'
  | 'malformed-xml'
  | 'not-ncip'
  | 'unsupported-service'
  | 'wrong-service'
  | 'problem'
  | 'http'
  | 'timeout'
  | 'network';

/** Why an NCIP exchange did not produce data, classified for the workflow. */
export interface NcipClientError {
  kind: NcipOutcomeKind;
  reason: NcipFailureReason;
  /** A sentence for the circulation history. */
  message: string;
  /** Set when the responder answered with Problems. */
  problems?: ClassifiedProblem[];
  httpStatus?: number;
  service?: NcipService;
}

export type ParseResponseResult = { ok: true; version: NcipVersion; response: NcipSuccessResponse } | { ok: false; error: NcipClientError };

export interface ParseResponseOptions {
  /** Responses can be bigger than requests (loaned items, addresses); default 5 MiB. */
  maxBytes?: number;
  /** Applies the profile's identifier normalisers (fromWire) to returned user and item ids. */
  profile?: NcipProfile;
}

const DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

const fail = (kind: NcipOutcomeKind, reason: NcipFailureReason, message: string, extra: Partial<NcipClientError> = {}): ParseResponseResult => ({
  ok: false,
  error: { kind, reason, message, ...extra },
});

/** Errors that look like a gateway or maintenance page are worth retrying; others mean a wrong URL. */
const TRANSIENT_PAGE = /\b(502|503|504|bad gateway|service unavailable|gateway time-?out|maintenance|temporarily)\b/i;

function htmlFailure(text: string): ParseResponseResult {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
  const heading = /<h1[^>]*>([^<]*)<\/h1>/i.exec(text)?.[1]?.trim();
  const label = title || heading;
  const what = label ? `an HTML page ("${label}")` : 'an HTML page';
  return TRANSIENT_PAGE.test(label ?? '')
    ? fail('retryable', 'html', `The NCIP responder returned ${what} instead of an NCIP message; it looks temporarily unavailable.`)
    : fail('configuration-error', 'html', `The NCIP URL returned ${what} instead of an NCIP message; check the NCIP server address.`);
}

/** Some gateways (OCLC) answer errors in JSON: {"code":401,"message":"WSKey 'x' is invalid"}. */
function jsonFailure(text: string): ParseResponseResult {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return fail('retryable', 'malformed-xml', 'The NCIP responder returned neither XML nor valid JSON.');
  }
  const status = Number(body.code ?? body.status);
  const said = [body.message, body.detail, body.error].find((v) => typeof v === 'string') as string | undefined;
  const suffix = said ? ` ILS said: "${said}"` : '';
  if (status >= 500) return fail('retryable', 'json', `The NCIP responder reported a server error (${status}).${suffix}`, { httpStatus: status });
  return fail(
    'configuration-error',
    'json',
    `The NCIP responder answered in JSON instead of NCIP${Number.isFinite(status) ? ` (${status})` : ''}; check the address and credentials.${suffix}`,
    Number.isFinite(status) ? { httpStatus: status } : {},
  );
}

function readSuccess(service: NcipService, n: XmlNode, profile: NcipProfile | undefined): NcipSuccessResponse {
  const fromUser = (v: string | undefined) => (v === undefined ? undefined : (profile?.normalise.userId?.fromWire(v) ?? v));
  const fromItem = (v: string | undefined) => (v === undefined ? undefined : (profile?.normalise.itemId?.fromWire(v) ?? v));
  const header = readResponseHeader(n);
  const userId = fromUser(nz(readId(n, 'User')?.value));
  const itemId = fromItem(nz(readId(n, 'Item')?.value));
  const requestId = nz(readId(n, 'Request')?.value);
  const item = readItemOptionalFields(child(n, 'ItemOptionalFields'));
  const user = readUserOptionalFields(child(n, 'UserOptionalFields'));
  const base = <T extends object>(o: T): T => defined({ ...o, header });
  const count = (name: string) => {
    const t = nonEmptyText(n, name);
    return t === undefined ? undefined : Number(t);
  };
  switch (service) {
    case 'LookupUser': {
      const loanedItems = children(n, 'LoanedItem').map((loan) =>
        defined({ itemId: fromItem(nz(readId(loan, 'Item')?.value)) ?? '', dateDue: nonEmptyText(loan, 'DateDue'), title: nonEmptyText(loan, 'Title') }),
      );
      const requestedItems = children(n, 'RequestedItem').map((requested) => {
        const position = nonEmptyText(requested, 'HoldQueuePosition');
        return defined({
          itemId: fromItem(nz(readId(requested, 'Item')?.value)),
          requestId: nz(readId(requested, 'Request')?.value),
          requestType: pairText(child(requested, 'RequestType')) ?? '',
          requestStatusType: pairText(child(requested, 'RequestStatusType')) ?? '',
          datePlaced: nonEmptyText(requested, 'DatePlaced') ?? '',
          pickupDate: nonEmptyText(requested, 'PickupDate'),
          pickupLocation: pairText(child(requested, 'PickupLocation')),
          pickupExpiryDate: nonEmptyText(requested, 'PickupExpiryDate'),
          holdQueuePosition: position === undefined ? undefined : Number(position),
          title: nonEmptyText(requested, 'Title'),
        });
      });
      return base({
        service,
        userId: userId ?? '',
        userIdentifierType: readId(n, 'User')?.type,
        loanedItems: loanedItems.length > 0 ? loanedItems : undefined,
        requestedItems: requestedItems.length > 0 ? requestedItems : undefined,
        user: user ?? {},
      });
    }
    case 'LookupItem': {
      const transaction = child(n, 'ItemTransaction');
      const borrower = fromUser(nz(readId(child(transaction, 'CurrentBorrower'), 'User')?.value));
      const requesters = children(transaction, 'CurrentRequester')
        .map((requester) => fromUser(nz(readId(requester, 'User')?.value)))
        .filter((id): id is string => id !== undefined);
      return base({
        service,
        itemId,
        requestId,
        holdPickupDate: nonEmptyText(n, 'HoldPickupDate'),
        dateRecalled: nonEmptyText(n, 'DateRecalled'),
        itemTransaction: transaction ? defined({ currentBorrower: borrower, currentRequesters: requesters.length > 0 ? requesters : undefined }) : undefined,
        item: item ?? {},
      });
    }
    case 'AcceptItem':
      return base({ service, requestId: requestId ?? '', itemId });
    case 'CheckOutItem':
      return base({
        service,
        itemId: itemId ?? '',
        userId: userId ?? '',
        dateDue: nonEmptyText(n, 'DateDue'),
        nonReturnable: child(n, 'NonReturnableFlag') ? true : undefined,
        renewalCount: count('RenewalCount'),
        fiscalTransaction: readFiscalTransaction(child(n, 'FiscalTransactionInformation')),
        item,
        user,
      });
    case 'CheckInItem': {
      const r = child(n, 'RoutingInformation');
      const destination = child(r, 'Destination');
      const location = child(destination, 'Location');
      const routing = r
        ? defined({
            instructions: nonEmptyText(r, 'RoutingInstructions') ?? '',
            binNumber: nonEmptyText(destination, 'BinNumber'),
            destination: location ? readLocation(location) : undefined,
            userId: nonEmptyText(child(r, 'UserId') ?? child(r, 'UniqueUserId'), 'UserIdentifierValue'),
          })
        : undefined;
      return base({
        service,
        itemId: itemId ?? '',
        userId,
        routing,
        fiscalTransaction: readFiscalTransaction(child(n, 'FiscalTransactionInformation')),
        item,
        user,
      });
    }
    case 'RenewItem': {
      const pending = child(n, 'Pending');
      return base({
        service,
        pending: pending ? defined({ dateOfExpectedReply: nonEmptyText(pending, 'DateOfExpectedReply') }) : undefined,
        itemId,
        userId,
        dateDue: nonEmptyText(n, 'DateDue'),
        dateForReturn: nonEmptyText(n, 'DateForReturn'),
        renewalCount: count('RenewalCount'),
        item,
        user,
      });
    }
    case 'RequestItem':
      return base({
        service,
        requestId,
        itemId,
        userId,
        requestType: pairText(child(n, 'RequestType')),
        requestScopeType: pairText(child(n, 'RequestScopeType')),
        dateAvailable: nonEmptyText(n, 'DateAvailable'),
        holdPickupDate: nonEmptyText(n, 'HoldPickupDate'),
        item,
        user,
      });
    case 'CancelRequestItem':
      return base({ service, requestId, itemId, userId, item });
    case 'DeleteItem':
      return base({ service, itemId: itemId ?? '' });
    case 'CreateUserFiscalTransaction': {
      const ref = child(n, 'FiscalTransactionReferenceId');
      return base({
        service,
        userId: userId ?? '',
        fiscalTransactionReferenceId: nonEmptyText(ref, 'FiscalTransactionIdentifierValue') ?? '',
        fiscalTransactionAgencyId: pairText(child(ref, 'AgencyId') ?? child(ref, 'UniqueAgencyId')),
      });
    }
  }
}

function parse(body: string | Uint8Array, expected: NcipService | undefined, options: ParseResponseOptions): ParseResponseResult {
  const safe = checkXmlSafety(body, options.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
  if (!safe.ok) {
    if (safe.reason === 'empty') return fail('retryable', 'empty', 'The NCIP responder returned an empty body.');
    if (safe.reason === 'too-large') return fail('needs-staff', 'too-large', `The NCIP response was too large to read. ${safe.message}`);
    if (safe.reason === 'not-xml') {
      const raw = typeof body === 'string' ? body : new TextDecoder().decode(body);
      return /^\s*[[{]/.test(raw) ? jsonFailure(raw) : fail('configuration-error', 'not-ncip', 'The NCIP responder returned something that is not XML.');
    }
    return fail('configuration-error', 'unsafe', `The NCIP response was refused: ${safe.message}`);
  }
  const text = safe.text;
  if (/^\s*(<!doctype\s+html|<html)/i.test(text)) return htmlFailure(text);
  let root: XmlNode;
  try {
    root = parseXml(text);
  } catch (e) {
    // Usually a cut-off body (connection dropped mid-response); trying again is the right move.
    return fail('retryable', 'malformed-xml', `The NCIP response is not well-formed XML (${e instanceof Error ? e.message : String(e)}).`);
  }
  if (root.name.toLowerCase() === 'html') return htmlFailure(text);
  if (root.name !== 'NCIPMessage') {
    return fail('configuration-error', 'not-ncip', `The responder returned <${root.name}>, not an NCIP message; check the NCIP server address.`);
  }
  const version = detectVersion(root, text);
  const bare = readProblems(root);
  if (bare.length > 0) {
    const c = classifyProblems(bare, expected);
    return fail(c.kind, 'problem', c.message, { problems: c.problems, ...(expected ? { service: expected } : {}) });
  }
  const node = root.children[0];
  if (!node) return fail('configuration-error', 'not-ncip', 'The NCIP response is an empty NCIPMessage.');
  const name = node.name.replace(/Response$/, '');
  if (!node.name.endsWith('Response') || !isNcipService(name)) {
    return fail('configuration-error', 'unsupported-service', `The responder answered with ${node.name}, which is not a response Bookstrap understands.`);
  }
  if (expected && name !== expected) {
    return fail('configuration-error', 'wrong-service', `Expected a ${expected}Response but the responder sent ${node.name}.`, { service: name });
  }
  const problems = readProblems(node);
  if (problems.length > 0) {
    const c = classifyProblems(problems, name);
    return fail(c.kind, 'problem', c.message, { problems: c.problems, service: name });
  }
  return { ok: true, version, response: readSuccess(name, node, options.profile) };
}

/**
 * Reads an NCIP response (1.0 or 2.x). Never throws: empty bodies, HTML error pages, broken
 * XML, Problems and answers for another service all come back as a classified error.
 */
export function parseResponse(body: string | Uint8Array, expectedService?: NcipService, options: ParseResponseOptions = {}): ParseResponseResult {
  try {
    return parse(body, expectedService, options);
  } catch (e) {
    return fail('needs-staff', 'malformed-xml', `The NCIP response could not be read: ${e instanceof Error ? e.message : String(e)}`);
  }
}
