/**
 * A generic NCIP responder on the circulation engine, for every simulated ILS that has one.
 *
 *   const ncip = createNcipResponder({ profile: profiles.alma, runtime, config });
 *   vendorApp.route('/view/NCIPServlet', ncip.app);   // POST / answers NCIP XML
 *   ncip.respond(xml)                                 // the same, without HTTP (tests)
 *
 * - `profile` (from @bookstrap/ncip) picks the wire form: NCIP 2.02 or 1.0, namespace, schemes.
 *   Requests in another accepted version (`config.versions`) are answered in their own version.
 * - `runtime` gives the engine the vendor's REST façade uses, so both see the same rows.
 * - `config` holds every vendor difference as data: the agency ids ToAgencyId must name, the
 *   application profiles (Alma: resource-sharing partner codes) and the Problem for others,
 *   the services offered, where temporary items go, where NCIP check-outs happen, pickup
 *   location codes, fee types, and how the vendor spells its ids.
 *
 * Services: LookupUser, LookupItem, AcceptItem (suppressed bib + holding + temporary item in
 * the ILL location; notes name the request and the lender — Ext/ItemNote when sent, the lender
 * from BibliographicDescription/Publisher as ILLiad sends it, else FromAgencyId; an item-level
 * hold for the UserId at PickupLocation, none without a UserId; the RequestId is the barcode
 * unless an ItemId is given; DateForReturn becomes the item's dueBackAt, capping every loan),
 * CheckOutItem (DesiredDateDue), CheckInItem, RenewItem (DesiredDateDue), RequestItem (item or
 * title), CancelRequestItem, DeleteItem (temporary items only), CreateUserFiscalTransaction.
 *
 * Every body gets an answer: a response or a Problem, HTTP 200, never a 500. Hostile XML
 * (entities, internal DTD subsets, over `maxBytes`) is refused before any parser sees it.
 */
import {
  isProblemResponse,
  NCIP_SERVICES,
  NcipBuildError,
  type NcipProblem,
  type NcipProfile,
  type NcipResponse,
  type NcipService,
  type NcipVersion,
  NISO_V1_AGENCY_SCHEME,
  type InitiationHeader,
  type ResponseHeader,
  buildResponse,
  DEFAULT_MAX_REQUEST_BYTES,
  parseRequest,
} from '@bookstrap/ncip';
import { type Context, Hono } from 'hono';
import type { Engine } from '../engine/engine.ts';
import { isEngineError } from '../engine/errors.ts';
import type { PatronIdentifierType } from '../engine/lookup.ts';
import type { Patron } from '../engine/schema.ts';
import { defaultPersonality, type PersonalityStore } from '../control/personality.ts';
import { libraries } from '../engine/schema.ts';
import { NcipRefusal, problemFromEngine } from './problems.ts';
import { runService } from './services.ts';

export interface NcipResponderConfig {
  /** Agency ids ToAgencyId may name (institution code, ISIL, …); the first is the one answered as. */
  agencyIds: readonly string[];
  /**
   * InitiationHeader/ApplicationProfileType must be one of `codes` (Alma: a resource-sharing
   * partner code; for LookupUser Alma also takes it in FromAgencyAuthentication); otherwise
   * `problemType` is answered. Absent: any application profile is accepted.
   */
  applicationProfiles?: { codes: readonly string[]; problemType: string };
  /**
   * The vendor's own words for a Problem (personality `problemWording: vendor`); absent or
   * undefined: NISO Appendix A's, as the shared responder writes them.
   */
  problemWords?: (problem: NcipProblem, service: NcipService | undefined) => NcipProblem | undefined;
  /**
   * A message without InitiationHeader (NCIP 2 makes it optional) is served as addressed to this
   * responder and answered without a ResponseHeader, as Innovative's responder answers NYPL's
   * header-less CheckInItem (corpus nypl-checkin/). Default: "Needed Data Missing".
   */
  initiationHeaderOptional?: boolean;
  /** Services this ILS offers; others are answered "Unsupported Service". Default: all. */
  services?: readonly NcipService[];
  /** NCIP versions accepted; default the profile's. */
  versions?: readonly NcipVersion[];
  /** How UserId values are matched: any unique identifier (default) or barcodes only. */
  userIdentifier?: PatronIdentifierType;
  /** PIN check for AuthenticationInput PIN/password; default: the barcode's last four characters. */
  checkPin?: (patron: Patron, pin: string) => boolean;
  /**
   * Where AcceptItem creates temporary items, and their item policy; `libraryUseOnlyPolicy` is
   * the policy for an AcceptItem restricted "In Library Use Only" (ItemUseRestrictionType).
   */
  temporaryItems: { library: string; location: string; policy?: string; libraryUseOnlyPolicy?: string };
  /** Library (and desk) NCIP check-outs and check-ins happen at; also the default pickup library. */
  circulation: { library: string; desk?: string };
  /**
   * The responder's ILL check-out location: where an item checked out over NCIP to a borrowing
   * library's account (a lent item; a local patron's loan stays put) is shelved while it is away, and restored from at CheckInItem.
   * NCIP has no message that moves an item, so real integrations set this in the ILS's own NCIP
   * responder configuration, per partner: Alma's resource-sharing partner parameters carry a
   * "Check-Out-Item default location" (out of the box "Lending Resource Sharing Requests"),
   * FOLIO mod-ncip keeps item locations per FromAgencyId (folio-org/mod-ncip, README "NCIP
   * properties"), and Tipasa's seed 000 says the item "is moved to the ILL temporary location in
   * your circulation system as configured when setting up integration". Absent: items stay put.
   */
  checkOutLocation?: { library: string; location: string };
  /** PickupLocation code → engine library code; codes not listed are taken as library codes. */
  pickupLocations?: Readonly<Record<string, string>>;
  /** CreateUserFiscalTransaction: fee owner and the fee type per FiscalTransactionType. */
  fees?: { ownerLibrary: string; defaultType: string; types?: Readonly<Record<string, string>> };
  /** The vendor's spelling of ids it hands out or reads (default: the engine's numbers). */
  ids?: {
    request?: { format(holdId: number): string; parse(requestId: string): number | undefined };
    fee?: (feeId: number) => string;
    bib?: (bibliographicRecordId: string) => number | undefined;
  };
  /** DeleteItem on items that AcceptItem did not create (default: refused). */
  deleteAnyItem?: boolean;
  /** Largest body read (default 1 MiB). */
  maxBytes?: number;
  /**
   * AcceptItem may be addressed to a pickup location instead of the agency: ReShare's NCIP 1
   * template (lib-ncip-client templates/acceptItem.hbs) writes the pickup location string into
   * ToAgencyId and sends no PickupLocation; SirsiDynix's NCIP server takes the item for that
   * branch. A ToAgencyId that is a pickup location code (or library code) is then accepted and
   * becomes the PickupLocation when the message has none.
   */
  acceptItemAddressedToPickupLocation?: boolean;
  /**
   * Lending CheckOutItem from brokers that name the borrowing partner rather than a user of this
   * ILS (CrossLink's `INST-{symbol}`, ReShare's "-" for Alma, or no UserId): the identifier of
   * the account the loan goes to, given the header and the UserId sent; undefined refuses as
   * Unknown User. Only consulted when the UserId matches no user.
   */
  partnerBorrower?: (header: InitiationHeader, userId: string | undefined) => string | undefined;
  /**
   * NCIP 1 LookupUser UserElementTypes this server refuses. SirsiDynix's NCIP 1 server answers an
   * error to "User Id" (an NCIP 2 element): lib-ncip-client removes it before sending
   * (LookupUser.generateNCIP1Object, "SIRSI RETURNS AN ERROR IF THIS ADDITIONAL ELEMENT IS INCLUDED").
   */
  refusedNcip1UserElements?: readonly string[];
  /**
   * Who the ResponseHeader names. `responder` (default): FromAgencyId is this ILS's agency and
   * ToAgencyId the initiator's. `operating-agency`: both are the agency the operation happens at
   * (the request's FromAgencyId when it is one of ours, else its ToAgencyId), as OCLC documents for
   * WMS ("FromAgencyId: registry ID of the library/branch in which the circulation operation is
   * taking place; ToAgencyId: must match the FromAgencyId", WMS NCIP Service, NCIP Responses).
   */
  responseHeaderAgencies?: 'responder' | 'operating-agency';
}

export interface NcipResponderOptions {
  profile: NcipProfile;
  runtime: { engine: Engine; personality?: PersonalityStore };
  config: NcipResponderConfig;
}

export interface NcipResponder {
  /** Answers one NCIP message; never throws. */
  respond(body: string | Uint8Array): string;
  /** Hono handler for the POST. */
  handler(c: Context): Promise<Response>;
  /** `POST /` answered by `handler`; mount it at the vendor's NCIP path. */
  app: Hono;
}

/** The profile to write a response with, in the request's version when that differs. */
function profileFor(profile: NcipProfile, version: NcipVersion): NcipProfile {
  if (version === profile.version) return profile;
  if (version === '1.0') return { ...profile, version, namespace: false, agencyIdScheme: profile.agencyIdScheme ?? NISO_V1_AGENCY_SCHEME };
  const { agencyIdScheme: _v1Scheme, ...rest } = profile;
  return { ...rest, version, namespace: true };
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Problems about the message itself or the agency, which FOLIO's NCIP toolkit words the NISO way. */
const MESSAGE_LEVEL =
  /^(unsupported service|unknown agency|unknown partner|unknown version|invalid message syntax error|unknown application profile|agency authentication failed|user authentication failed)$/i;

/** FOLIO mod-ncip's phrase per service (its Constants; beyond the two documented, stand-ins). */
const FOLIO_PHRASES: Partial<Record<NcipService, string>> = { CheckOutItem: 'Problem performing checkout', AcceptItem: 'Problem performing AcceptItem' };

/** A processing error as FOLIO mod-ncip words it: its own ProblemType, NISO's words kept in the detail. */
function folioWords(problem: NcipProblem, service: NcipService | undefined): NcipProblem {
  if (service === undefined || MESSAGE_LEVEL.test(problem.type)) return problem;
  const type = FOLIO_PHRASES[service] ?? `Problem performing ${service}`;
  return { ...problem, type, detail: problem.detail ? `${problem.type}: ${problem.detail}` : problem.type };
}

export function createNcipResponder(options: NcipResponderOptions): NcipResponder {
  const { profile, config } = options;
  const { engine } = options.runtime;
  const agencyId = config.agencyIds[0];
  if (agencyId === undefined) throw new Error('createNcipResponder: config.agencyIds needs at least one agency id');
  const versions = config.versions ?? [profile.version];
  const services = new Set(config.services ?? NCIP_SERVICES);
  const maxBytes = config.maxBytes ?? DEFAULT_MAX_REQUEST_BYTES;

  const headerFor = (request: InitiationHeader | undefined): ResponseHeader | undefined => {
    if (!request) return undefined;
    const ours = (id: string | undefined) => id !== undefined && config.agencyIds.some((known) => same(known, id));
    const operating = ours(request.fromAgencyId) ? request.fromAgencyId.trim() : ours(request.toAgencyId) ? request.toAgencyId.trim() : agencyId;
    const header: ResponseHeader =
      config.responseHeaderAgencies === 'operating-agency'
        ? { fromAgencyId: operating, toAgencyId: operating }
        : { fromAgencyId: agencyId, toAgencyId: request.fromAgencyId || 'UNKNOWN' };
    if (request.toSystemId !== undefined) header.fromSystemId = request.toSystemId;
    if (request.fromSystemId !== undefined) header.toSystemId = request.fromSystemId;
    return header;
  };

  /** The Problems in the words of the responder the personality names (control/personality.ts). */
  const worded = (given: NcipResponse): NcipResponse => {
    if (!isProblemResponse(given)) return given;
    const wording = options.runtime.personality?.current().problemWording ?? defaultPersonality.problemWording;
    if (wording === 'niso') return given;
    const service = 'service' in given ? (given.service as NcipService | undefined) : undefined;
    const reword = (p: NcipProblem) => (wording === 'folio' ? folioWords(p, service) : (config.problemWords?.(p, service) ?? p));
    return { ...given, problems: given.problems.map(reword) };
  };

  const write = (original: NcipResponse, version: NcipVersion, omitHeader = false): string => {
    const wire = profileFor(profile, version);
    const given = worded(omitHeader && 'header' in original ? ({ ...original, header: undefined } as unknown as NcipResponse) : original);
    const response = version === '1.0' && isProblemResponse(given) ? { ...given, problems: given.problems.map(ncip1ProblemElement) } : given;
    try {
      return buildResponse(response, wire);
    } catch (error) {
      // Our own data could not be written validly: still an answer, never a crash.
      if (!(error instanceof NcipBuildError) || isProblemResponse(response)) throw error;
      return buildResponse(
        {
          service: response.service,
          ...(response.header ? { header: response.header } : {}),
          problems: [{ type: 'Temporary Processing Failure', detail: error.message }],
        },
        wire,
      );
    }
  };

  const problem = (version: NcipVersion, service: NcipService | undefined, header: InitiationHeader | undefined, problems: NcipProblem[]) => {
    const responseHeader = headerFor(header);
    return write({ ...(service ? { service } : {}), ...(responseHeader ? { header: responseHeader } : {}), problems }, version);
  };

  /** Vendor rules on the header: who is addressed, and by which partner. */
  /** A pickup location code of this ILS (the vendor's map, or a library code), as ReShare's NCIP 1 AcceptItem addresses it. */
  const isPickupLocation = (code: string): boolean => {
    const trimmed = code.trim();
    if (trimmed === '') return false;
    if (Object.keys(config.pickupLocations ?? {}).some((known) => same(known, trimmed))) return true;
    return engine.db
      .select()
      .from(libraries)
      .all()
      .some((library) => same(library.code, trimmed));
  };

  const headerProblem = (service: NcipService, header: InitiationHeader): NcipProblem | undefined => {
    const addressedToPickup = service === 'AcceptItem' && config.acceptItemAddressedToPickupLocation === true && isPickupLocation(header.toAgencyId);
    if (!addressedToPickup && !config.agencyIds.some((id) => same(id, header.toAgencyId))) {
      return {
        type: 'Unknown Agency',
        detail: `This responder is agency ${agencyId}, not ${header.toAgencyId}.`,
        element: 'ToAgencyId',
        value: header.toAgencyId,
      };
    }
    const partners = config.applicationProfiles;
    if (partners) {
      const code = header.applicationProfileType ?? (service === 'LookupUser' ? header.fromAgencyAuthentication : undefined);
      if (code === undefined || !partners.codes.some((known) => same(known, code))) {
        return {
          type: partners.problemType,
          detail:
            code === undefined ? 'The message names no partner (ApplicationProfileType).' : `"${code}" is not a resource sharing partner code of ${agencyId}.`,
          element: 'ApplicationProfileType',
          ...(code !== undefined ? { value: code } : {}),
        };
      }
    }
    if (!services.has(service)) return { type: 'Unsupported Service', detail: `${agencyId} does not offer ${service} over NCIP.`, element: service };
    return undefined;
  };

  const respond = (body: string | Uint8Array): string => {
    try {
      const assumed: InitiationHeader | undefined = config.initiationHeaderOptional ? { fromAgencyId: agencyId, toAgencyId: agencyId } : undefined;
      const parsed = parseRequest(body, { maxBytes, ...(assumed ? { defaultHeader: assumed } : {}) });
      if (!parsed.ok) return problem(parsed.version ?? profile.version, parsed.service, parsed.header, [parsed.problem]);
      const { request, version } = parsed;
      // Asked without a header: answered without one.
      const headerless = assumed !== undefined && request.header === assumed;
      if (!versions.includes(version)) {
        return problem(profile.version, request.service, request.header, [
          { type: 'Unknown Version', detail: `This responder speaks NCIP ${versions.join(' and ')}, not ${version}.`, element: 'NCIPMessage' },
        ]);
      }
      const refused = headerProblem(request.service, request.header);
      if (refused) return problem(version, request.service, request.header, [refused]);
      const header = headerFor(request.header) as ResponseHeader;
      // ReShare NCIP 1: the pickup location travels as ToAgencyId (see acceptItemAddressedToPickupLocation).
      if (
        request.service === 'AcceptItem' &&
        request.pickupLocation === undefined &&
        config.acceptItemAddressedToPickupLocation === true &&
        !config.agencyIds.some((id) => same(id, request.header.toAgencyId))
      ) {
        request.pickupLocation = request.header.toAgencyId.trim();
      }
      const personality = options.runtime.personality?.current() ?? defaultPersonality;
      try {
        return write(runService({ engine, config, agencyId, header, personality, version }, request), version, headerless);
      } catch (error) {
        if (error instanceof NcipRefusal) return problem(version, request.service, headerless ? undefined : request.header, [error.problem]);
        if (isEngineError(error)) return problem(version, request.service, request.header, [problemFromEngine(error, request.service)]);
        return problem(version, request.service, request.header, [
          { type: 'Temporary Processing Failure', detail: error instanceof Error ? error.message : String(error) },
        ]);
      }
    } catch (error) {
      // Last resort, e.g. a build error on a Problem: a bare Problem in the profile's version.
      return buildResponse({ problems: [{ type: 'Temporary Processing Failure', detail: error instanceof Error ? error.message : String(error) }] }, profile);
    }
  };

  const handler = async (c: Context): Promise<Response> => {
    const body = await readCapped(c.req.raw, maxBytes);
    const xml =
      body === undefined
        ? problem(profile.version, undefined, undefined, [
            { type: 'Invalid Message Syntax Error', detail: `Message is larger than ${maxBytes} bytes.`, element: 'NCIPMessage' },
          ])
        : respond(body);
    // NCIP Problems travel with HTTP 200, as real responders send them.
    return new Response(xml, { status: 200, headers: { 'Content-Type': 'application/xml; charset=utf-8' } });
  };

  const app = new Hono();
  app.post('/', handler);
  app.all('/', (c) => c.text('NCIP messages are POSTed here.', 405, { Allow: 'POST' }));
  return { respond, handler, app };
}

/**
 * NCIP 1 names the elements of a Problem by their NCIP 1 names, nested down to the value: a
 * SirsiDynix CheckInItem of an item not on loan answers ProcessingErrorElement UniqueItemId >
 * ItemIdentifierValue (lib-ncip-client's captured ncipOneCheckinItemXmlErrorResponseExample.xml),
 * not the NCIP 2 "ItemId".
 */
const ncip1Elements: Readonly<Record<string, string>> = {
  ItemId: 'UniqueItemId/ItemIdentifierValue',
  UserId: 'UniqueUserId/UserIdentifierValue',
  RequestId: 'UniqueRequestId/RequestIdentifierValue',
  AgencyId: 'UniqueAgencyId/Value',
  ToAgencyId: 'InitiationHeader/ToAgencyId/UniqueAgencyId/Value',
  FromAgencyId: 'InitiationHeader/FromAgencyId/UniqueAgencyId/Value',
};
function ncip1ProblemElement(problem: NcipProblem): NcipProblem {
  const mapped = problem.element === undefined ? undefined : ncip1Elements[problem.element];
  return mapped === undefined ? problem : { ...problem, element: mapped };
}

/** Reads at most `max` bytes; undefined when the body is larger (the rest is never buffered). */
async function readCapped(request: Request, max: number): Promise<Uint8Array | undefined> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) return undefined;
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
