import type {
  CancelHoldInput,
  CirculationSystem,
  Connection,
  IlsCapabilities,
  ItemCirculation,
  ItemCirculationInput,
  SettingsProblem,
  StepOutcome,
  TemporaryItemFound,
} from '@bookstrap/core';
import { configurationError, documentedCapabilities, done, needsStaff, retryable } from '@bookstrap/core';
import { type InitiationHeader, type NcipService, profiles } from '@bookstrap/ncip';
import { NcipAdapter, ncipConnectionProblems } from '../ncip/ncip.ts';
import { judgeRecordedHold, judgeUnrecordedHold, type SeenHold } from '../holds.ts';
import { send } from '../http.ts';
import type { AdapterContext, AdapterDefinition, FetchLike } from '../types.ts';
import { WmsTokens } from './oauth.ts';
import { lookupWmsPatron } from './scim.ts';

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
 * Endpoints: `ncipUrl` (real: https://circ.sd00.worldcat.org/ncip). `baseUrl`, when set, is the one
 * host that also answers `/token` and `/idaas/scim/v2/Users/.search` (a simulator, a proxy);
 * otherwise the real hosts are used: https://oauth.oclc.org/token and
 * https://{institution registry id}.share.worldcat.org/idaas/scim/v2/Users/.search.
 */
export const WMS_NCIP_SCOPE = 'WMS_NCIP';
export const WMS_CIRCULATION_SCOPE = 'WMS_CIRCULATION';

/** What WMS's circ-ILL NCIP endpoint offers: no LookupUser (SCIM instead), no DeleteItem (items are kept). */
export const wmsNcipServices: readonly NcipService[] = [
  'AcceptItem',
  'CheckOutItem',
  'CheckInItem',
  'RenewItem',
  'RequestItem',
  'CancelRequestItem',
  'CreateUserFiscalTransaction',
];

/** Tipasa's matrix for WMS, minus temporary locations (neither NCIP nor a documented WMS API moves items). */
export const wmsCapabilities: IlsCapabilities = { ...documentedCapabilities.wms, temporaryLocation: false };

export interface WmsConnectionOptions {
  ncipUrl: string;
  tokenUrl: string;
  scimSearchUrl: string;
  /** WMS circulation API root, for "Discover Items" among temporary items (strap recovery) */
  circulationUrl: string;
  wskey: string;
  secret: string;
  header: InitiationHeader;
}

export function wmsOptions(connection: Connection): WmsConnectionOptions {
  const base = connection.baseUrl?.replace(/\/+$/, '');
  const registryId = connection.ncip?.toAgencyId ?? connection.institutionCode ?? '';
  const institution = connection.institutionCode ?? registryId;
  return {
    ncipUrl: connection.ncipUrl ?? 'https://circ.sd00.worldcat.org/ncip',
    tokenUrl: base ? `${base}/token` : 'https://oauth.oclc.org/token',
    scimSearchUrl: base ? `${base}/idaas/scim/v2/Users/.search` : `https://${institution}.share.worldcat.org/idaas/scim/v2/Users/.search`,
    circulationUrl: base ? `${base}/circ` : 'https://circ.sd00.worldcat.org/circ',
    wskey: connection.credentials.clientKey ?? '',
    secret: connection.credentials.clientSecret ?? '',
    // OCLC: the registry id of the library acting, and of the one addressed (the same institution).
    header: { fromAgencyId: connection.ncip?.fromAgencyId ?? registryId, toAgencyId: registryId },
  };
}

/**
 * The fetch the NCIP adapter uses: adds the bearer for WMS_NCIP, and renews it once when WMS says
 * 401. A token OCLC refuses becomes the HTTP status the NCIP adapter already classifies
 * (401 → configuration error, 5xx → retry), with OCLC's words in the body.
 */
function bearerFetch(context: AdapterContext, tokens: WmsTokens): FetchLike {
  return async (input, init) => {
    for (let attempt = 0; ; attempt += 1) {
      const token = await tokens.token(WMS_NCIP_SCOPE);
      if (!token.ok) {
        const status = token.transient ? 503 : token.status === 403 ? 403 : 401;
        return new Response(JSON.stringify({ code: status, message: token.message }), { status, headers: { 'content-type': 'application/json' } });
      }
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${token.accessToken}`);
      const response = await context.fetch(input, { ...init, headers });
      if (response.status !== 401 || attempt > 0) return response;
      tokens.invalidate(WMS_NCIP_SCOPE);
    }
  };
}

export class WmsAdapter implements CirculationSystem {
  readonly ils = 'wms' as const;
  readonly capabilities: IlsCapabilities;
  private readonly tokens: WmsTokens;
  private readonly ncip: NcipAdapter;

  constructor(
    private readonly options: WmsConnectionOptions,
    private readonly context: AdapterContext,
    capabilities: IlsCapabilities = wmsCapabilities,
  ) {
    this.capabilities = capabilities;
    this.tokens = new WmsTokens({ tokenUrl: options.tokenUrl, wskey: options.wskey, secret: options.secret }, context);
    this.ncip = new NcipAdapter(
      {
        ils: 'wms',
        endpoint: { url: options.ncipUrl, profile: profiles.wms },
        header: options.header,
        services: wmsNcipServices,
        capabilities,
      },
      { ...context, fetch: bearerFetch(context, this.tokens) },
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

  updateDueDate(...args: Parameters<CirculationSystem['updateDueDate']>) {
    return this.ncip.updateDueDate(...args);
  }

  checkIn(...args: Parameters<CirculationSystem['checkIn']>) {
    return this.ncip.checkIn(...args);
  }

  async deleteTemporaryItem(input: { requestId: string; itemBarcode: string }): Promise<StepOutcome<Record<string, unknown>>> {
    return configurationError(
      `WMS keeps temporary items after return (Unavailable, still showing the request ID); item ${input.itemBarcode} cannot be deleted over NCIP — turn "delete temporary item on return" off`,
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

  /** A GET on the WMS circulation API (scope WMS_CIRCULATION): the parsed body, or why not. */
  private async circulationGet(path: string, what: string): Promise<{ status: number; body: unknown } | { failed: StepOutcome<never> }> {
    const token = await this.tokens.token(WMS_CIRCULATION_SCOPE);
    if (!token.ok) return { failed: configurationError(`${what}: ${token.message}`) };
    const reply = await send(this.context, {
      method: 'GET',
      url: `${this.options.circulationUrl}${path}`,
      headers: { authorization: `Bearer ${token.accessToken}`, accept: 'application/json' },
    });
    if (reply.status === 401) this.tokens.invalidate(WMS_CIRCULATION_SCOPE);
    if (reply.status === 200 || reply.status === 404) {
      try {
        return { status: reply.status, body: reply.text ? JSON.parse(reply.text) : {} };
      } catch {
        return { failed: retryable(`${what}: WMS answered HTTP ${reply.status} with a body that is not JSON`) };
      }
    }
    const said = `${what}: WMS answered HTTP ${reply.status}`;
    return { failed: reply.status === 429 || reply.status >= 500 || reply.status === 401 ? retryable(said) : needsStaff(said) };
  }

  /**
   * The ILS sync's read over the WMS circulation API (what WorldShare Circulation staff see of an
   * item): the item's status (ON_LOAN, ON_HOLD, IN_TRANSIT), its current loan and due date, and its
   * holds (PENDING, IN_TRANSIT, READY_FOR_USE), and who it was last issued to. WMS's NCIP offers no LookupItem, so NCIP alone
   * could not see any of this. Reads only.
   */
  async readItemCirculation(input: ItemCirculationInput): Promise<StepOutcome<ItemCirculation>> {
    const what = `reading the circulation of ${input.itemBarcode}`;
    const barcode = encodeURIComponent(input.itemBarcode);
    const item = await this.circulationGet(`/items/${barcode}`, what);
    if ('failed' in item) return item.failed;
    if (item.status === 404) return done({ exists: false, status: 'other' });
    const body = item.body as { status?: string; currentLoan?: { patronBarcode?: string; dueDate?: string } | null; lastIssuedTo?: string | null };
    const status: ItemCirculation['status'] =
      body.status === 'ON_LOAN'
        ? 'on-loan'
        : body.status === 'ON_HOLD'
          ? 'hold-shelf'
          : body.status === 'IN_TRANSIT'
            ? 'in-transit'
            : body.status === 'AVAILABLE'
              ? 'on-shelf'
              : 'other';
    const reading: ItemCirculation = { exists: true, status };
    if (body.currentLoan) {
      reading.loan = {
        toPatron: input.patronId ? body.currentLoan.patronBarcode === input.patronId : undefined,
        dueDate: typeof body.currentLoan.dueDate === 'string' ? body.currentLoan.dueDate.slice(0, 10) : undefined,
      };
    }
    // Item details show who had the item last ("last issued to"): with no loan and no hold, whether
    // the patron picked it up and returned it between two reads, or let the hold expire.
    if (input.patronId && !body.currentLoan && 'lastIssuedTo' in body) reading.lastLoanToPatron = body.lastIssuedTo === input.patronId;
    if (input.patronId) {
      const holds = await this.circulationGet(`/items/${barcode}/holds`, what);
      if ('failed' in holds) return holds.failed;
      const hold = ((holds.body as { entries?: { status?: string; patronBarcode?: string }[] }).entries ?? []).find((h) => h.patronBarcode === input.patronId);
      reading.holdForPatron = !hold ? 'none' : hold.status === 'READY_FOR_USE' ? 'ready' : hold.status === 'IN_TRANSIT' ? 'in-transit' : 'pending';
    }
    return done(reading);
  }

  /**
   * WMS's staff NCIP profile has CancelRequestItem but no LookupUser (reference/vendor-apis.md:
   * LookupUser is on the patron profile only), so the hold is read back over the WMS circulation
   * API — the patron's active holds, with hold ID, item and note — and cancelled over NCIP only
   * while it is still the request's.
   */
  async cancelHold(input: CancelHoldInput): Promise<StepOutcome<Record<string, unknown>>> {
    const what = `cancelling the hold on ${input.itemBarcode} for patron ${input.patronId}`;
    const token = await this.tokens.token(WMS_CIRCULATION_SCOPE);
    if (!token.ok) return configurationError(`WMS refused the circulation token while ${what}: ${token.message}`);
    const url = `${this.options.circulationUrl}/patrons/${encodeURIComponent(input.patronId)}/holds`;
    const reply = await send(this.context, { method: 'GET', url, headers: { authorization: `Bearer ${token.accessToken}`, accept: 'application/json' } });
    if (reply.status === 401) this.tokens.invalidate(WMS_CIRCULATION_SCOPE);
    if (reply.status === 429 || reply.status >= 500) return retryable(`WMS is unavailable while ${what} (HTTP ${reply.status})`);
    if (reply.status === 401 || reply.status === 403) return configurationError(`WMS refused the circulation API while ${what} (HTTP ${reply.status})`);
    if (reply.status !== 200) return needsStaff(`WMS refused ${what} (HTTP ${reply.status}: ${reply.text.slice(0, 200)})`);
    const body = JSON.parse(reply.text) as {
      entries?: { holdId?: string; itemBarcode?: string | null; patronBarcode?: string; status?: string; note?: string | null }[];
    };
    const held: SeenHold[] = (body.entries ?? []).map((h) => ({
      id: String(h.holdId ?? ''),
      itemBarcode: h.itemBarcode ?? undefined,
      patronId: h.patronBarcode,
      active: true,
      comment: h.note ?? undefined,
    }));
    const verdict = input.holdId
      ? judgeRecordedHold(
          input,
          held.find((h) => h.id === input.holdId),
          'WMS',
        )
      : judgeUnrecordedHold(input, held, 'WMS', false);
    if (verdict.kind === 'stop') return verdict.outcome;
    return this.ncip.cancelRequest(input, verdict.hold);
  }

  /**
   * Recovery without the strap, as WMS staff do it: Discover Items with the Temporary Items data
   * type, by title (WMS circulation API, scope WMS_CIRCULATION). Throws when WMS cannot answer;
   * the service then falls back to its own records.
   */
  async findTemporaryItems(query: { title: string }): Promise<TemporaryItemFound[]> {
    const token = await this.tokens.token(WMS_CIRCULATION_SCOPE);
    if (!token.ok) throw new Error(token.message);
    const url = `${this.options.circulationUrl}/items?q=${encodeURIComponent(query.title)}&itemType=TEMPORARY`;
    const reply = await send(this.context, { method: 'GET', url, headers: { authorization: `Bearer ${token.accessToken}`, accept: 'application/json' } });
    if (reply.status === 401) this.tokens.invalidate(WMS_CIRCULATION_SCOPE);
    if (reply.status !== 200) throw new Error(`WMS Discover Items answered HTTP ${reply.status}`);
    const body = JSON.parse(reply.text) as { entries?: { barcode?: string; title?: string; notes?: string[]; illRequest?: { requestId?: string } | null }[] };
    return (body.entries ?? [])
      .filter((entry) => typeof entry.barcode === 'string')
      .map((entry) => ({
        barcode: entry.barcode as string,
        title: entry.title ?? '',
        ...(entry.illRequest?.requestId ? { requestId: entry.illRequest.requestId } : {}),
        ...(entry.notes?.length ? { note: entry.notes.join(' | ') } : {}),
      }));
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
