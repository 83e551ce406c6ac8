/**
 * The IDM SCIM API WMS integrations read patrons from (ReShare/lib-ncip-client, OCLC's IDM docs):
 * `POST /idaas/scim/v2/Users/.search` with `application/scim+json` and a SearchRequest whose filter
 * is `External_ID eq "…"` → a ListResponse of users carrying OCLC's persona and WMS circulation
 * extensions; `GET /idaas/scim/v2/Users/{id}` reads one user. Errors are SCIM Error bodies in the
 * shapes captured from WMS (fixtures wmsLookupUser*.json): 401 bad token, 403 missing scope,
 * 404 unsupported endpoint, 415 unsupported media type, 500 unable to handle.
 */
import { eq } from 'drizzle-orm';
import type { Context, Hono } from 'hono';
import { toDay } from '../../engine/calendar.ts';
import type { Engine } from '../../engine/engine.ts';
import { patronStanding, requirePatronById } from '../../engine/lookup.ts';
import { type Patron, patrons } from '../../engine/schema.ts';
import { wmsScimId } from './demo.ts';
import { type BearerFailure, describeBearerFailure, type OclcOAuth } from './oauth.ts';

export const SCIM = {
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  searchRequest: 'urn:ietf:params:scim:api:messages:2.0:SearchRequest',
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  correlation: 'urn:mace:oclc.org:eidm:schema:persona:correlationinfo:20180101',
  persona: 'urn:mace:oclc.org:eidm:schema:persona:persona:20180305',
  circulation: 'urn:mace:oclc.org:eidm:schema:persona:wmscircpatroninfo:20180101',
  ill: 'urn:mace:oclc.org:eidm:schema:persona:wsillinfo:20180101',
} as const;

export const scimBase = '/idaas/scim/v2';
const scimContentType = 'application/scim+json';

/** A SCIM Error body; WMS sends the status as a string. */
export function scimError(status: 400 | 401 | 403 | 404 | 415 | 500 | 503, detail: string, scimType?: string): Response {
  const body: Record<string, unknown> = { schemas: [SCIM.error], detail, status: String(status) };
  if (scimType) body.scimType = scimType;
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': scimContentType } });
}

export function renderScimAuthFailure(_c: Context, failure: BearerFailure): Response {
  const { status } = describeBearerFailure(failure);
  // The captured WMS bodies word these two failures exactly so, whatever the cause.
  return status === 401
    ? scimError(401, 'Authentication failure. Missing or invalid authorization token.')
    : scimError(403, 'Authorization failure. You do not have sufficient permissions to access this resource.');
}

export interface ScimSettings {
  institutionId: string;
  /** the branch patrons are registered at (the engine keeps no home library per patron) */
  homeBranchId: string;
}

const iso = (instant: Date) => instant.toISOString().replace(/\.\d{3}Z$/u, 'Z');

/** One engine patron as a SCIM user with OCLC's persona and WMS circulation extensions. */
export function scimUser(engine: Engine, patron: Patron, settings: ScimSettings, origin: string): Record<string, unknown> {
  const standing = patronStanding(engine.db, patron, engine.clock.now());
  const id = wmsScimId(patron.id);
  const barcode = patron.barcode ?? patron.primaryId;
  return {
    schemas: [SCIM.user, SCIM.correlation, SCIM.persona, SCIM.circulation, SCIM.ill],
    id,
    externalId: barcode,
    userName: 'NOT SUPPORTED',
    name: { familyName: patron.lastName, givenName: patron.firstName },
    ...(patron.email ? { emails: [{ value: patron.email, type: 'home', primary: true }] } : {}),
    [SCIM.correlation]: { correlationInfo: [{ sourceSystem: `urn:mace:oclc:idm:${settings.institutionId}`, idAtSource: barcode }] },
    [SCIM.persona]: {
      oclcPPID: id,
      institutionId: settings.institutionId,
      oclcNamespace: `urn:oclc:platform:${settings.institutionId}`,
      oclcUsername: patron.primaryId,
      // WMS writes the expiry as midnight UTC of the last valid day.
      oclcExpirationDate: `${patron.expiryDate}T00:00:00Z`,
      nameInfoCanSelfEdit: false,
    },
    [SCIM.circulation]: {
      circulationInfo: {
        barcode,
        borrowerCategory: patron.userGroup,
        homeBranch: settings.homeBranchId,
        circRegistrationDate: toDay(patron.createdAt),
        isCircBlocked: standing.blocked,
        isCollectionExempt: false,
        isFineExempt: false,
        isVerified: true,
        storeCheckoutHistory: false,
      },
    },
    [SCIM.ill]: { illInfo: { illPatronType: '', illPickupLocation: '', isBlocked: false, isApproved: !standing.blocked } },
    meta: {
      resourceType: 'User',
      created: iso(patron.createdAt),
      lastModified: iso(patron.createdAt),
      location: `${origin}${scimBase}/Users/${id}`,
    },
  };
}

/** The filters the simulator understands: `External_ID eq "x"` (and its SCIM spelling `externalId`). */
export function parseScimFilter(filter: unknown): { ok: true; externalId: string } | { ok: false; detail: string } {
  if (typeof filter !== 'string' || filter.trim() === '') return { ok: false, detail: 'A filter is required.' };
  const match = /^\s*(External_ID|externalId)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/iu.exec(filter);
  if (!match || match[2] === undefined) return { ok: false, detail: `Unsupported filter: ${filter}` };
  return { ok: true, externalId: match[2].replace(/\\(.)/gu, '$1') };
}

function findByExternalId(engine: Engine, externalId: string): Patron[] {
  return engine.db.select().from(patrons).where(eq(patrons.barcode, externalId)).all();
}

export function registerScimRoutes(app: Hono, engine: Engine, oauth: OclcOAuth, settings: ScimSettings, readScope: string): void {
  const origin = (c: Context) => new URL(c.req.url).origin;
  app.use(`${scimBase}/*`, oauth.require(readScope, renderScimAuthFailure));

  app.post(`${scimBase}/Users/.search`, async (c) => {
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    if (!type.includes(scimContentType) && !type.includes('application/json')) return scimError(415, 'Unsupported media type.');
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(await c.req.text());
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return scimError(400, 'The request body is not a SCIM SearchRequest.', 'invalidSyntax');
    }
    if (!Array.isArray(body.schemas) || !body.schemas.includes(SCIM.searchRequest)) {
      return scimError(400, `schemas must contain ${SCIM.searchRequest}.`, 'invalidSyntax');
    }
    const filter = parseScimFilter(body.filter);
    if (!filter.ok) return scimError(400, filter.detail, 'invalidFilter');
    const found = findByExternalId(engine, filter.externalId);
    const list =
      found.length === 0
        ? { totalResults: 0, itemsPerPage: 0, schemas: [SCIM.listResponse], Resources: [] }
        : {
            totalResults: found.length,
            itemsPerPage: found.length,
            startIndex: 1,
            schemas: [SCIM.listResponse],
            Resources: found.map((patron) => scimUser(engine, patron, settings, origin(c))),
          };
    return new Response(JSON.stringify(list), { status: 200, headers: { 'Content-Type': scimContentType } });
  });

  app.get(`${scimBase}/Users/:id`, (c) => {
    const match = /-(\d{12})$/u.exec(c.req.param('id'));
    const patronId = match?.[1] ? Number(match[1]) : Number.NaN;
    const patron = Number.isFinite(patronId) && c.req.param('id') === wmsScimId(patronId) ? tryPatron(engine, patronId) : undefined;
    if (!patron) return scimError(404, `Resource ${c.req.param('id')} not found.`);
    return new Response(JSON.stringify(scimUser(engine, patron, settings, origin(c))), { status: 200, headers: { 'Content-Type': scimContentType } });
  });

  app.all(`${scimBase}/*`, () => scimError(404, 'Unsupported endpoint.'));
}

function tryPatron(engine: Engine, id: number): Patron | undefined {
  try {
    return requirePatronById(engine.db, id);
  } catch {
    return undefined;
  }
}

/**
 * The IDM user a principal names: the SCIM user's `id` (persona `oclcPPID`) in the institution's
 * namespace (persona `oclcNamespace`), as scimUser writes them.
 */
export function patronOfPrincipal(engine: Engine, principalId: string, namespace: string, institutionId: string): Patron | undefined {
  if (namespace !== `urn:oclc:platform:${institutionId}`) return undefined;
  const match = /^0c1c0000-5c1d-4e00-8a00-(\d{12})$/u.exec(principalId);
  if (!match?.[1]) return undefined;
  const patron = tryPatron(engine, Number(match[1]));
  return patron && wmsScimId(patron.id) === principalId ? patron : undefined;
}
