/**
 * The WMS NCIP staff endpoint (`POST /ncip`, real: circ.sd00.worldcat.org/ncip): the shared NCIP
 * responder (src/ncip/) with OCLC's circ-ILL conventions as configuration, behind an OAuth bearer
 * with the WMS_NCIP scope. What WMS does differently is applied around the responder:
 *
 * - agencies are 6-digit registry ids (the institution or one of its branches); pickup locations
 *   are branch registry ids; users and items are identified by barcode;
 * - LookupUser is not on this endpoint (patrons are read over SCIM) and temporary items are never
 *   deleted: both answer "Unsupported Service";
 * - the patron profile (`POST /circ-patron`, reference/vendor-apis.md §4: RenewItem, RequestItem,
 *   UpdateRequestItem, CancelRequestItem, LookupUser — "no PII") acts for the user the token
 *   was obtained for (OCLC developer news, April 2019) and answers LookupUser with that user's
 *   loans and requests and BlockOrTrap (OCLC developer news, June 2020), never a name or
 *   address; UpdateRequestItem is not modelled (packages/ncip has no such message);
 * - Problems come back as a bare `NCIPMessage/Problem`, not inside the service's response
 *   (lib-ncip-client notes WMS does so);
 * - CheckInItem routing instructions use OCLC's literals ("Request:<id>", "Re-shelve",
 *   "Withdrawn"), and a temporary item checked in with nothing waiting stays, Unavailable;
 * - a lent item checked out with a RequestId shows that request and the borrowing institution
 *   until it comes back.
 */
import {
  buildRequest,
  buildResponse,
  type CheckInItemResponse,
  type NcipProblem,
  type NcipService,
  parseRequest,
  parseResponse,
  profiles,
} from '@bookstrap/ncip';
import type { Context, Hono } from 'hono';
import { activeHoldsForItem, activeLoanForItem, describeItem, findItemByBarcode, findPatron, requirePatronById } from '../../engine/lookup.ts';
import { createNcipResponder, type NcipResponderConfig } from '../../ncip/index.ts';
import type { Patron } from '../../engine/schema.ts';
import type { VendorRuntime } from '../types.ts';
import { wmsScopes } from './demo.ts';
import { type BearerFailure, describeBearerFailure, oclcErrorBody, type OclcOAuth } from './oauth.ts';
import type { WmsIllSettings, WmsRules } from './rules.ts';

export interface WmsNcipSettings {
  institutionId: string;
  branchIds: Readonly<Record<string, string>>;
  illSettings: WmsIllSettings;
  /** The patron an access token was obtained for (its principal), for the patron profile. */
  userOfPrincipal: (principal: { id: string; namespace: string }) => Patron | undefined;
}

/** Services of the circ-ILL staff profile the simulator offers (see README for the assumptions). */
export const wmsNcipServices: readonly NcipService[] = [
  'AcceptItem',
  'CheckOutItem',
  'CheckInItem',
  'RenewItem',
  'RequestItem',
  'CancelRequestItem',
  'CreateUserFiscalTransaction',
];

/** Services of the patron profile (`/circ-patron`) the simulator offers. */
export const wmsPatronNcipServices: readonly NcipService[] = ['LookupUser', 'RenewItem', 'RequestItem', 'CancelRequestItem'];

export const WMS_PATRON_NCIP_PATH = '/circ-patron';

const MAX_BYTES = 1024 * 1024;

export function wmsNcipConfig(settings: WmsNcipSettings): NcipResponderConfig {
  const homeLibrary = Object.entries(settings.branchIds).find(([, id]) => id === settings.illSettings.temporaryItemHomeBranch)?.[0] ?? 'MAIN';
  const pickupLocations = Object.fromEntries(Object.entries(settings.branchIds).map(([code, id]) => [id, code]));
  return {
    agencyIds: [settings.institutionId, ...Object.values(settings.branchIds)],
    services: wmsNcipServices,
    versions: ['2.02'],
    userIdentifier: 'barcode',
    temporaryItems: {
      library: homeLibrary,
      location: settings.illSettings.temporaryHoldingLocation,
      policy: settings.illSettings.temporaryItemPolicy,
      libraryUseOnlyPolicy: settings.illSettings.libraryUseOnlyItemPolicy,
    },
    // ILL staff work at the temporary item home branch: NCIP check-outs and check-ins happen there.
    circulation: { library: homeLibrary },
    pickupLocations,
    // WMS bills keep NCIP's FiscalTransactionType words; anything else is billed as the ILL fee.
    fees: {
      ownerLibrary: homeLibrary,
      defaultType: settings.illSettings.illFeePolicy.feeType,
      types: Object.fromEntries(['Lost Item Replacement Charge', 'Lost Item Processing Fee', 'Service Charge', 'Overdue Fine'].map((type) => [type, type])),
    },
    maxBytes: MAX_BYTES,
    responseHeaderAgencies: 'operating-agency',
    // OCLC developer news (June 2020): CheckOutItem and RenewItem answer a blocked patron with
    // ProblemType "UserBlocked" (no space) in the service's processing-error scheme.
    problemWords: (problem, service) =>
      (service === 'CheckOutItem' || service === 'RenewItem') && /^user blocked$/i.test(problem.type) ? { ...problem, type: 'UserBlocked' } : undefined,
  };
}

/** OCLC: RoutingInformation/Destination/Location/LocationType must carry NCIP 1's location type scheme. */
const NCIP_LOCATION_TYPE_SCHEME = 'http://www.niso.org/ncip/v1_0/imp1/schemes/locationtype/locationtype.scm';

function renderNcipAuthFailure(c: Context, failure: BearerFailure): Response {
  const { status, message } = describeBearerFailure(failure);
  if (status === 401) c.header('WWW-Authenticate', 'Bearer realm="OCLC"');
  return c.json(oclcErrorBody(status, message), status);
}

export function registerNcipRoute(app: Hono, runtime: VendorRuntime, oauth: OclcOAuth, rules: WmsRules, settings: WmsNcipSettings): void {
  const profile = profiles.wms;
  const responder = createNcipResponder({ profile, runtime, config: wmsNcipConfig(settings) });
  const { engine } = runtime;

  /** WMS answers a Problem as a bare `NCIPMessage/Problem`, not inside the service's response. */
  const bareProblems = (answer: string, body: string): string => {
    const request = parseRequest(body, { maxBytes: MAX_BYTES });
    const result = parseResponse(answer, request.ok ? request.request.service : undefined, { profile });
    if (result.ok) return answer;
    const problems: NcipProblem[] = (result.error.problems ?? []).map((p) => ({
      type: p.problemType,
      ...(p.detail !== undefined ? { detail: p.detail } : {}),
      ...(p.element !== undefined ? { element: p.element } : {}),
      ...(p.value !== undefined ? { value: p.value } : {}),
    }));
    return problems.length > 0 ? buildResponse({ problems }, profile) : answer;
  };

  /** What WMS does around the shared responder, for one exchange. */
  const exchange = (body: string): string => {
    const request = parseRequest(body, { maxBytes: MAX_BYTES });
    if (request.ok && request.request.service === 'RenewItem' && request.request.desiredDateDue !== undefined) {
      // A renewal the lender granted moves the temporary item's lender date too (WMS staff "sync the date").
      const item = findItemByBarcode(engine.db, request.request.itemId);
      if (item?.temporary) rules.extendLenderDate(item.id, new Date(request.request.desiredDateDue));
    }
    const answer = responder.respond(body);
    const service = request.ok ? request.request.service : undefined;
    const result = parseResponse(answer, service, { profile });
    if (!result.ok) return bareProblems(answer, body);
    if (!request.ok) return answer;
    const sent = request.request;
    if (sent.service === 'CheckOutItem' && sent.requestId !== undefined) {
      const item = findItemByBarcode(engine.db, sent.itemId);
      const loan = item ? activeLoanForItem(engine.db, item.id) : undefined;
      const borrower = sent.userId ? findPatron(engine.db, sent.userId, 'barcode') : undefined;
      if (item && loan && !item.temporary) rules.markLent(item.id, sent.requestId, borrower?.institutionalSymbol ?? borrower?.lastName ?? null);
      return answer;
    }
    if (sent.service === 'CheckInItem' && result.response.service === 'CheckInItem') {
      const item = findItemByBarcode(engine.db, sent.itemId);
      if (!item) return answer;
      const waiting = activeHoldsForItem(engine.db, item.id)[0];
      const { retained } = rules.settleAfterCheckIn(item.id);
      // OCLC's CheckIn response (WMS NCIP Service, "NCIP Responses"): ItemId and UserId carry the
      // registry ids of the institutions they belong to; the destination names the holding code
      // (level 1) and the shelving location (level 2); a request waiting names its user.
      const record = describeItem(engine.db, findItemByBarcode(engine.db, sent.itemId) ?? item);
      const holdingCode = record.tempLocation?.code ?? record.location.code;
      const response: CheckInItemResponse = {
        ...result.response,
        itemAgencyId: settings.institutionId,
        ...(result.response.userId !== undefined ? { userAgencyId: settings.institutionId } : {}),
      };
      if (response.routing) {
        const requester = waiting ? requirePatronById(engine.db, waiting.patronId) : undefined;
        response.routing = {
          ...response.routing,
          destination: {
            type: 'Current',
            typeScheme: NCIP_LOCATION_TYPE_SCHEME,
            names: [
              { level: 1, value: holdingCode },
              { level: 2, value: rules.shelvingLocationOf(record.item, holdingCode) },
            ],
          },
          ...(requester?.barcode ? { userId: requester.barcode } : {}),
        };
      }
      const instructions = retained
        ? 'Withdrawn'
        : waiting
          ? `Request:${rules.requestIdOfHold(waiting) ?? waiting.id}`
          : item.status === 'available'
            ? 'Re-shelve'
            : undefined;
      if (instructions && response.routing) response.routing = { ...response.routing, instructions };
      return buildResponse(response, profile);
    }
    return answer;
  };

  /** The HTTP side both profiles share: bearer, size limit, Problems with HTTP 200. */
  const serve = (path: string, answerOf: (body: string, c: Context) => string) => {
    app.post(path, oauth.require(wmsScopes.ncip, renderNcipAuthFailure), async (c) => {
      const declared = Number(c.req.header('content-length'));
      const raw = Number.isFinite(declared) && declared > MAX_BYTES ? undefined : new Uint8Array(await c.req.arrayBuffer());
      const body = raw === undefined || raw.byteLength > MAX_BYTES ? undefined : new TextDecoder().decode(raw);
      const answer =
        body === undefined
          ? buildResponse(
              { problems: [{ type: 'Invalid Message Syntax Error', detail: `Message is larger than ${MAX_BYTES} bytes.`, element: 'NCIPMessage' }] },
              profile,
            )
          : answerOf(body, c);
      // NCIP Problems travel with HTTP 200.
      return new Response(answer, { status: 200, headers: { 'Content-Type': 'application/xml; charset=utf-8' } });
    });
    app.all(path, (c) => c.json(oclcErrorBody(405, 'Method Not Allowed', `NCIP messages are POSTed to ${path}`), 405));
  };
  serve('/ncip', exchange);

  // The patron profile: the same WMS behind it, fewer services, no PII in LookupUser, and always
  // for the user the access token was obtained for. OCLC developer news, April 2019 ("Change to
  // OCLC OAuth Server"): "The user for whom token was obtained is the user associated with the
  // NCIP request"; "the UserIdentifierValue field in the NCIP Messages can be blank or a
  // placeholder such as 'user'. The API will fill in the appropriate information based on the
  // Access Token". API Explorer, WMS NCIP Patron Profile (OPAC): "designed to support user self
  // service", a user renews and requests "for themselves". So the token's user replaces whatever
  // UserId the message names. Scope: WMS_NCIP (a stand-in: OCLC's public notes do not name it).
  const patronResponder = createNcipResponder({ profile, runtime, config: { ...wmsNcipConfig(settings), services: wmsPatronNcipServices } });
  serve(WMS_PATRON_NCIP_PATH, (body, c) => {
    const checked = oauth.check(c.req.header('authorization'), wmsScopes.ncip);
    const principal = checked.ok ? checked.token.principal : undefined;
    const user = principal ? settings.userOfPrincipal(principal) : undefined;
    const request = parseRequest(body, { maxBytes: MAX_BYTES });
    if (!user?.barcode) {
      // **Stand-in:** OCLC does not publish what an application token (no user) gets here; the
      // simulator answers NISO's "User Authentication Failed" and changes nothing.
      return buildResponse(
        {
          problems: [
            {
              type: 'User Authentication Failed',
              detail: 'The access token was not obtained for a user: the patron profile acts for the user the token stands for.',
              element: 'UserId',
            },
          ],
        },
        profile,
      );
    }
    const asUser = request.ok && 'userId' in request.request ? buildRequest({ ...request.request, userId: user.barcode }, profile) : body;
    const answer = bareProblems(patronResponder.respond(asUser), asUser);
    if (!request.ok || request.request.service !== 'LookupUser') return answer;
    const result = parseResponse(answer, 'LookupUser', { profile });
    if (!result.ok || result.response.service !== 'LookupUser') return answer;
    const { name: _name, addresses: _addresses, dateOfBirth: _born, ...withoutPii } = result.response.user;
    return buildResponse({ ...result.response, user: withoutPii }, profile);
  });
}
