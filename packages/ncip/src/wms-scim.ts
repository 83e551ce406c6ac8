/**
 * OCLC WMS patron lookup is not NCIP: ILL systems search the IDM SCIM API
 * (filter External_ID eq "…"). Also reads the "light NCIP" JSON patron that lib-ncip-client
 * hands to ReShare, so captured bodies of both kinds give the same PatronSummary.
 */
import { type PatronSummary, splitUnstructuredName } from './patron.ts';
import type { NcipClientError } from './wire/parse-response.ts';

export type PatronLookupResult = { ok: true; found: true; patron: PatronSummary } | { ok: true; found: false } | { ok: false; error: NcipClientError };

const CIRC = 'urn:mace:oclc.org:eidm:schema:persona:wmscircpatroninfo:20180101';
const PERSONA = 'urn:mace:oclc.org:eidm:schema:persona:persona:20180305';
const ILL = 'urn:mace:oclc.org:eidm:schema:persona:wsillinfo:20180101';
const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const SCIM_LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A SCIM search body for a patron's external id (the WMS patron barcode/ID staff enter). */
export function wmsScimSearchBody(externalId: string): string {
  return JSON.stringify({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
    filter: `External_ID eq "${externalId.replace(/["\\]/g, '\\$&')}"`,
  });
}

function scimError(body: Json): PatronLookupResult {
  const status = Number(body.status);
  const detail = str(body.detail) ?? 'no detail';
  const said = ` WMS said: "${detail}"`;
  let error: NcipClientError;
  if (status === 401) {
    error = {
      kind: 'configuration-error',
      reason: 'http',
      httpStatus: status,
      message: `WMS rejected Bookstrap's credentials for patron lookup; check the WSKey and secret.${said}`,
    };
  } else if (status === 403) {
    error = {
      kind: 'configuration-error',
      reason: 'http',
      httpStatus: status,
      message: `The WSKey may not read patrons; it needs the SCIM:read_user scope.${said}`,
    };
  } else if (status >= 500) {
    error = { kind: 'retryable', reason: 'http', httpStatus: status, message: `WMS patron lookup failed on OCLC's side; it will be retried.${said}` };
  } else {
    error = {
      kind: 'configuration-error',
      reason: 'http',
      httpStatus: status,
      message: `WMS refused the patron lookup request (${Number.isFinite(status) ? status : 'error'}); check the lookup endpoint.${said}`,
    };
  }
  return { ok: false, error };
}

/** Reads a SCIM ListResponse (or SCIM Error) from the WMS patron search. */
export function parseWmsScimPatron(json: unknown, now: Date = new Date()): PatronLookupResult {
  const body = obj(typeof json === 'string' ? safeJson(json) : json);
  const schemas = arr(body.schemas);
  if (schemas.includes(SCIM_ERROR)) return scimError(body);
  if (!schemas.includes(SCIM_LIST) && !Array.isArray(body.Resources)) {
    return {
      ok: false,
      error: { kind: 'configuration-error', reason: 'not-ncip', message: 'The WMS patron lookup did not return a SCIM list; check the lookup endpoint.' },
    };
  }
  const resources = arr(body.Resources);
  const total = Number(body.totalResults ?? resources.length);
  if (total === 0 || resources.length === 0) return { ok: true, found: false };
  if (total > 1) {
    return {
      ok: false,
      error: { kind: 'needs-staff', reason: 'problem', message: `${total} WMS patrons match this ID; staff must pick the right account.` },
    };
  }
  const r = obj(resources[0]);
  const name = obj(r.name);
  const circ = obj(obj(r[CIRC]).circulationInfo);
  const persona = obj(r[PERSONA]);
  const ill = obj(obj(r[ILL]).illInfo);
  const givenName = str(name.givenName);
  const surname = str(name.familyName);
  const blockReasons = [...(circ.isCircBlocked === true ? ['Circulation blocked in WMS'] : []), ...(ill.isBlocked === true ? ['ILL blocked in WMS'] : [])];
  const emails = arr(r.emails).map(obj);
  const email = str((emails.find((e) => e.primary === true) ?? emails[0])?.value);
  const patron: PatronSummary = {
    id: str(r.id) ?? '',
    displayName: [givenName, surname].filter(Boolean).join(' '),
    blocked: blockReasons.length > 0,
    blockReasons,
  };
  const optional: Partial<PatronSummary> = {
    barcode: str(circ.barcode),
    externalId: str(r.externalId),
    givenName,
    surname,
    email,
    profile: str(circ.borrowerCategory),
    homeLibrary: str(circ.homeBranch),
    expiryDate: str(persona.oclcExpirationDate),
    principalNamespace: str(persona.oclcNamespace),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (patron as unknown as Json)[k] = v;
  if (patron.expiryDate) patron.expired = Date.parse(patron.expiryDate) < now.getTime();
  return { ok: true, found: true, patron };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { schemas: [SCIM_ERROR], status: 'invalid', detail: 'Response is not JSON' };
  }
}

/**
 * lib-ncip-client's flattened LookupUser JSON:
 * {userId, firstName, lastName, privileges:[{key,value}], electronicAddresses:[{key,value}]}.
 */
export function parseLightNcipPatron(json: unknown): PatronSummary {
  const body = obj(typeof json === 'string' ? JSON.parse(json) : json);
  const privileges = arr(body.privileges).map(obj);
  const privilege = (key: string) => str(privileges.find((p) => str(p.key)?.toUpperCase() === key)?.value);
  const status = privilege('STATUS');
  let givenName = str(body.firstName);
  let surname = str(body.lastName);
  if (!givenName && !surname && str(body.name)) ({ givenName, surname } = splitUnstructuredName(String(body.name)));
  const email = arr(body.electronicAddresses)
    .map(obj)
    .filter((a) => /mail/i.test(str(a.key) ?? ''))
    .map((a) => str(a.value))
    .find((v) => v !== undefined);
  const blocked = status !== undefined && /^(blocked|barred)$/i.test(status);
  const patron: PatronSummary = {
    id: str(body.userId) ?? str(body.userid) ?? '',
    displayName: [givenName, surname].filter(Boolean).join(' '),
    blocked,
    blockReasons: blocked ? [`Status ${status}`] : [],
  };
  const optional: Partial<PatronSummary> = { givenName, surname, email, profile: privilege('PROFILE'), homeLibrary: privilege('LIBRARY') };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (patron as unknown as Json)[k] = v;
  return patron;
}
