import type {
  CancelHoldInput,
  CirculationSystem,
  Connection,
  IlsCapabilities,
  ItemCirculation,
  PatronIllLoan,
  ItemCirculationInput,
  SettingsProblem,
  StepOutcome,
} from '@bookstrap/core';
import { configurationError, documentedCapabilities, done } from '@bookstrap/core';
import { buildResponse, type InitiationHeader, type NcipService, parseRequest, profiles } from '@bookstrap/ncip';
import { NcipAdapter, ncipConnectionProblems } from '../ncip/ncip.ts';
import { type AdapterContext, type AdapterDefinition, type FetchLike, sessionSlot } from '../types.ts';
import { type WmsPrincipal, WmsTokens } from './oauth.ts';
import { lookupWmsPatron, searchWmsPatron } from './scim.ts';

/**
 * OCLC WorldShare Management Services as ReShare's "WMS2" integration talks to it:
 *
 * - every call carries an OAuth bearer from OCLC's token service (client credentials: the WSKey
 *   and its secret), one token per scope, cached until shortly before it expires;
 * - patrons are looked up over the IDM SCIM API (`External_ID eq "…"`, scope SCIM:read_user);
 * - everything else is NCIP in OCLC's circ-ILL profile (packages/ncip's `wms` profile: registry
 *   agency ids, "WMS Circ" system id, app profile 2.00, "ILL Request Id", "Hold For Fulfillment",
 *   barcodes, branch pickup locations), scope WMS_NCIP, through the shared NCIP adapter;
 * - fees on shipped go as CreateUserFiscalTransaction; due-date changes as RenewItem with
 *   DesiredDateDue; WMS keeps temporary items after return, so there is no delete.
 *
 * - the NCIP patron profile's LookupUser (`/circ-patron` beside `ncipUrl`), the only place OCLC
 *   offers a patron's loans and requests, serves the sync's read, the hold check before a cancel,
 *   the ownership check before a lending or borrowing check-in or renewal, and by-patron strap
 *   recovery. That profile acts for the user the access token was obtained for (OCLC developer
 *   news, April 2019), so its messages go with a token for the patron or account they name: the
 *   client-credentials grant with principalID/principalIDNS, the SCIM user's id and namespace.
 *
 * Endpoints: `ncipUrl` (real: https://circ.sd00.worldcat.org/ncip). `baseUrl`, when set, is the one
 * host that also answers `/token` and `/idaas/scim/v2/Users/.search` (a simulator, a proxy);
 * otherwise the real hosts are used: https://oauth.oclc.org/token and
 * https://{institution registry id}.share.worldcat.org/idaas/scim/v2/Users/.search.
 */
export const WMS_NCIP_SCOPE = 'WMS_NCIP';

/** What WMS's circ-ILL NCIP endpoint offers: no LookupUser (SCIM and the patron profile instead), no DeleteItem (items are kept). */
export const wmsNcipServices: readonly NcipService[] = [
  'AcceptItem',
  'CheckOutItem',
  'CheckInItem',
  'RenewItem',
  'RequestItem',
  'CancelRequestItem',
  'CreateUserFiscalTransaction',
];

/**
 * WMS's NCIP patron profile (`/circ-patron`, reference/vendor-apis.md §4): RenewItem, RequestItem,
 * UpdateRequestItem, CancelRequestItem, LookupUser — no PII. Bookstrap uses its LookupUser (a
 * patron's loans and requests) and CancelRequestItem.
 */
export const wmsPatronNcipServices: readonly NcipService[] = ['LookupUser', 'RenewItem', 'RequestItem', 'CancelRequestItem'];

/** Tipasa's matrix for WMS, minus temporary locations (neither NCIP nor a documented WMS API moves items). */
export const wmsCapabilities: IlsCapabilities = { ...documentedCapabilities.wms, temporaryLocation: false };

export interface WmsConnectionOptions {
  ncipUrl: string;
  tokenUrl: string;
  scimSearchUrl: string;
  /** the NCIP patron profile (real: https://circ.sd00.worldcat.org/circ-patron) */
  patronNcipUrl: string;
  wskey: string;
  secret: string;
  header: InitiationHeader;
}

export function wmsOptions(connection: Connection): WmsConnectionOptions {
  const base = connection.baseUrl?.replace(/\/+$/, '');
  const registryId = connection.ncip?.toAgencyId ?? connection.institutionCode ?? '';
  const institution = connection.institutionCode ?? registryId;
  const ncipUrl = connection.ncipUrl ?? 'https://circ.sd00.worldcat.org/ncip';
  return {
    ncipUrl,
    tokenUrl: base ? `${base}/token` : 'https://oauth.oclc.org/token',
    scimSearchUrl: base ? `${base}/idaas/scim/v2/Users/.search` : `https://${institution}.share.worldcat.org/idaas/scim/v2/Users/.search`,
    // The patron profile sits beside the staff endpoint on the same host.
    patronNcipUrl: new URL('/circ-patron', ncipUrl).toString(),
    wskey: connection.credentials.clientKey ?? '',
    secret: connection.credentials.clientSecret ?? '',
    // OCLC: the registry id of the library acting, and of the one addressed (the same institution).
    header: { fromAgencyId: connection.ncip?.fromAgencyId ?? registryId, toAgencyId: registryId },
  };
}

/**
 * The fetch the NCIP adapter uses: adds the bearer for WMS_NCIP, and renews it once when WMS says
 * 401. A token OCLC refuses becomes the HTTP status the NCIP adapter already classifies
 * (401 → configuration error, 5xx → retry), with OCLC's words in the body. `principalOf`: the user
 * the token must be obtained for, read from the message (the patron profile).
 */
function bearerFetch(
  context: AdapterContext,
  tokens: WmsTokens,
  principalOf?: (body: string) => Promise<{ principal: WmsPrincipal } | { answer: Response }>,
): FetchLike {
  const refused = (status: number, message: string) =>
    new Response(JSON.stringify({ code: status, message }), { status, headers: { 'content-type': 'application/json' } });
  return async (input, init) => {
    let principal: WmsPrincipal | undefined;
    if (principalOf) {
      const found = await principalOf(typeof init?.body === 'string' ? init.body : '');
      if ('answer' in found) return found.answer;
      principal = found.principal;
    }
    for (let attempt = 0; ; attempt += 1) {
      const token = await tokens.token(WMS_NCIP_SCOPE, principal);
      if (!token.ok) return refused(token.transient ? 503 : token.status === 403 ? 403 : 401, token.message);
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${token.accessToken}`);
      const response = await context.fetch(input, { ...init, headers });
      if (response.status !== 401 || attempt > 0) return response;
      await tokens.invalidate(WMS_NCIP_SCOPE, principal);
    }
  };
}

/**
 * Who a patron-profile message is for, as an OCLC principal: OCLC's patron profile acts for the
 * user the access token was obtained for (developer news, April 2019), so each patron's messages
 * go with a token for that patron. The principal is the SCIM user's id and namespace (OCLC's
 * user-level authentication: principal ids are looked up in WorldShare IDM), found by the patron
 * barcode the message names, and kept per library: an IDM user id does not change.
 */
const MAX_KNOWN_PRINCIPALS = 5_000;

function patronPrincipals(context: AdapterContext, tokens: WmsTokens, scimSearchUrl: string) {
  const known = sessionSlot(context, `wms-principals:${scimSearchUrl}`, () => new Map<string, WmsPrincipal>());
  const answer = (status: number, message: string) =>
    new Response(JSON.stringify({ code: status, message }), { status, headers: { 'content-type': 'application/json' } });
  return async (body: string): Promise<{ principal: WmsPrincipal } | { answer: Response }> => {
    const request = parseRequest(body);
    const patronId = request.ok && 'userId' in request.request ? request.request.userId : undefined;
    if (!patronId) return { answer: answer(400, "a patron-profile message without the patron's UserId: no user to obtain the token for") };
    const cached = known.get(patronId);
    if (cached) return { principal: cached };
    const found = await searchWmsPatron(context, tokens, scimSearchUrl, patronId);
    if ('failed' in found) {
      const failed = found.failed;
      const reason = 'reason' in failed ? failed.reason : failed.kind;
      return { answer: answer(failed.kind === 'retryable' ? 503 : 401, `looking up patron ${patronId} in WMS (SCIM) for a patron-profile token: ${reason}`) };
    }
    if (!found.patron?.id || !found.patron.principalNamespace) {
      // NISO's Unknown User, as the staff profile says it: the caller reads it as an invalid patron id.
      const unknown = buildResponse(
        { problems: [{ type: 'Unknown User', detail: `WMS has no patron with External_ID "${patronId}"`, element: 'UserId' }] },
        profiles.wms,
      );
      return { answer: new Response(unknown, { status: 200, headers: { 'content-type': 'application/xml' } }) };
    }
    const principal = { id: found.patron.id, namespace: found.patron.principalNamespace };
    // Bounded: the oldest patron is forgotten first (looked up again when needed).
    if (known.size >= MAX_KNOWN_PRINCIPALS) known.delete(known.keys().next().value as string);
    known.set(patronId, principal);
    return { principal };
  };
}

export class WmsAdapter implements CirculationSystem {
  readonly ils = 'wms' as const;
  readonly capabilities: IlsCapabilities;
  private readonly tokens: WmsTokens;
  private readonly ncip: NcipAdapter;
  private readonly patronProfile: NcipAdapter;

  constructor(
    private readonly options: WmsConnectionOptions,
    private readonly context: AdapterContext,
    capabilities: IlsCapabilities = wmsCapabilities,
  ) {
    this.capabilities = capabilities;
    this.tokens = new WmsTokens({ tokenUrl: options.tokenUrl, wskey: options.wskey, secret: options.secret }, context);
    // The staff profile (circ-ILL) and the patron profile: the same WMS, the same bearer, other services.
    // The staff profile's bearer is the application's; the patron profile's is the patron's.
    const staffFetch = bearerFetch(context, this.tokens);
    const patronFetch = bearerFetch(context, this.tokens, patronPrincipals(context, this.tokens, options.scimSearchUrl));
    const patronUrl = options.patronNcipUrl;
    const fetch: FetchLike = (input, init) => (input === patronUrl ? patronFetch(input, init) : staffFetch(input, init));
    const endpoint = (url: string) => ({ url, profile: profiles.wms });
    // The staff profile's steps check ownership with the patron profile's LookupUser (a patron's
    // loans): it is the only WMS read of whose loan an item is on.
    this.ncip = new NcipAdapter(
      {
        ils: 'wms',
        endpoint: endpoint(options.ncipUrl),
        lookupUserEndpoint: endpoint(patronUrl),
        header: options.header,
        services: [...wmsNcipServices, 'LookupUser'],
        capabilities,
      },
      { ...context, fetch },
    );
    this.patronProfile = new NcipAdapter(
      { ils: 'wms', endpoint: endpoint(patronUrl), header: options.header, services: wmsPatronNcipServices, capabilities },
      { ...context, fetch },
    );
  }

  lookupPatron(input: { patronId: string }) {
    return lookupWmsPatron(this.context, this.tokens, this.options.scimSearchUrl, input.patronId);
  }

  createTemporaryItem(...args: Parameters<CirculationSystem['createTemporaryItem']>) {
    return this.ncip.createTemporaryItem(...args);
  }

  placeHold(...args: Parameters<CirculationSystem['placeHold']>) {
    return this.ncip.placeHold(...args);
  }

  chargeFee(...args: Parameters<CirculationSystem['chargeFee']>) {
    return this.ncip.chargeFee(...args);
  }

  checkOut(...args: Parameters<CirculationSystem['checkOut']>) {
    return this.ncip.checkOut(...args);
  }

  /**
   * RenewItem on the staff profile. With an owner the loan is checked first against the patron
   * profile's LookupUser: a lent item must be among the borrowing library account's loans, a
   * temporary item among the request's patron's (else staff decide; nothing is renewed).
   */
  updateDueDate(...args: Parameters<CirculationSystem['updateDueDate']>) {
    return this.ncip.updateDueDate(...args);
  }

  /**
   * CheckInItem on the staff profile, after the ownership check through the patron profile's
   * LookupUser. A lent item is checked in only while it is among the borrowing library account's
   * loans: WMS offers no item look-up (no LookupItem, no documented item API), so an item not
   * there may be back on the shelf or on loan to a local patron, and it is left for staff. A
   * temporary item (its barcode made unique by AcceptItem) is checked in whatever loan it is on.
   */
  checkIn(...args: Parameters<CirculationSystem['checkIn']>) {
    return this.ncip.checkIn(...args);
  }

  /**
   * Strap recovery by patron: the patron profile's LookupUser lists the patron's current loans
   * (NCIP LoanedItem: ItemId, DateDue, Title). NCIP's LoanedItem carries no request ID and WMS
   * offers no item look-up that would show one, so a loan is reported under the request ID its
   * barcode is — OCLC's recommended temporary barcode ("use request id as item barcode",
   * reference/vendor-apis.md §4, Bookstrap's default). The service keeps only loans that are one
   * of its requests' created temporary items; a temporary item under another barcode is not found
   * this way (the by-title search still finds it in Bookstrap's records).
   */
  async patronLoans(input: { patronId: string }): Promise<StepOutcome<PatronIllLoan[]>> {
    const loans = await this.patronProfile.loanedItems(input.patronId);
    if ('failed' in loans) return loans.failed;
    return done(loans.loans.map((loan) => ({ requestId: loan.barcode, ...loan })));
  }

  async deleteTemporaryItem(input: { requestId: string; itemBarcode: string }): Promise<StepOutcome<Record<string, unknown>>> {
    return configurationError(
      `WMS keeps temporary items after return (Unavailable, still showing the request ID); item ${input.itemBarcode} cannot be deleted over NCIP (no DeleteItem), and WMS's NCIP has no LookupItem either, so Bookstrap could not see whether another patron holds it (the patron profile's LookupUser shows one patron's requests only) — turn "delete temporary item on return" off`,
    );
  }

  moveToTemporaryLocation(...args: Parameters<CirculationSystem['moveToTemporaryLocation']>) {
    return this.ncip.moveToTemporaryLocation(...args);
  }

  restorePermanentLocation(...args: Parameters<CirculationSystem['restorePermanentLocation']>) {
    return this.ncip.restorePermanentLocation(...args);
  }

  placeLendingHold(...args: Parameters<CirculationSystem['placeLendingHold']>) {
    return this.ncip.placeLendingHold(...args);
  }

  /**
   * The ILS sync's read. OCLC documents no item look-up for WMS (its NCIP staff profile has no
   * LookupItem; its WMS Circulation API routes items and lists pull lists), so the read is the
   * patron profile's LookupUser: the patron's loans (due date) and requests (status). What that
   * cannot show is listed in the reading's `unseen`.
   */
  readItemCirculation(input: ItemCirculationInput): Promise<StepOutcome<ItemCirculation>> {
    return this.patronProfile.readItemCirculation(input);
  }

  /**
   * The request's own hold, cancelled only while it is still the request's: the patron profile's
   * LookupUser lists the patron's requests (RequestId, ItemId), then CancelRequestItem on it —
   * both documented for the patron profile (reference/vendor-apis.md §4), unlike anything on the
   * staff profile, which has no LookupUser.
   */
  cancelHold(input: CancelHoldInput): Promise<StepOutcome<Record<string, unknown>>> {
    return this.patronProfile.cancelHold(input);
  }
}

function checkWmsConnection(connection: Connection): SettingsProblem[] {
  const problems = ncipConnectionProblems(connection, profiles.wms);
  if (!connection.ncip?.toAgencyId && !connection.institutionCode) {
    problems.push({ path: 'connection.ncip.toAgencyId', message: "WMS needs the institution's 6-digit WorldCat registry id" });
  }
  return problems;
}

export const wmsNcipAdapter: AdapterDefinition = {
  ils: 'wms',
  protocol: 'ncip',
  capabilities: wmsCapabilities,
  // No documented limit (/work/shared/reference/vendor-apis.md): unpaced until the ILS answers 429,
  // then the limiter halves and regrows its allowance; `connection.rateLimit` sets one per library.
  ratePerSecond: Number.POSITIVE_INFINITY,
  create: (connection, context) => new WmsAdapter(wmsOptions(connection), context),
  checkConnection: checkWmsConnection,
};
