/**
 * OCLC's OAuth 2 client-credentials grant as WMS integrations use it (lib-ncip-client,
 * OCLC developer docs): `POST /token?grant_type=client_credentials&scope=WMS_NCIP SCIM:read_user`
 * with `Authorization: Basic base64(wskey:secret)` → a bearer token limited to the scopes the
 * WSKey is licensed for, valid 20 minutes on the simulated clock. Every other endpoint wants
 * `Authorization: Bearer …` and the scope of its service.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Clock } from '../../clock.ts';
import type { WmsScope } from './demo.ts';

export interface WskeyLicence {
  secret: string;
  /** Scopes this WSKey may ask for. */
  scopes: WmsScope[];
}

export interface AccessToken {
  token: string;
  wskey: string;
  scopes: string[];
  expiresAt: Date;
  /** The user the token was obtained for (principalID/principalIDNS on the grant), if any. */
  principal?: { id: string; namespace: string };
}

export interface OAuthOptions {
  wskeys: Record<string, WskeyLicence>;
  institutionId: string;
  lifetimeSeconds: number;
  clock: Clock;
  /** Whether principalID/principalIDNS name a user of the institution in IDM (the SCIM users). */
  knowsPrincipal?: (id: string, namespace: string) => boolean;
}

/** How a bearer check failed; each service renders it in its own error format. */
export type BearerFailure = { kind: 'missing' } | { kind: 'invalid' } | { kind: 'expired' } | { kind: 'scope'; scope: string };

const oclcError = (c: Context, status: 400 | 401 | 403, message: string, detail?: string) =>
  c.json(detail === undefined ? { code: status, message } : { code: status, message, detail }, status);

/** Reads `Basic base64(key:secret)`; undefined when absent or not decodable. */
function basicCredentials(header: string | undefined): { key: string; secret: string } | undefined {
  const match = header ? /^\s*Basic\s+([A-Za-z0-9+/=]+)\s*$/iu.exec(header) : null;
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

const bearerOf = (header: string | undefined) => (header ? /^\s*Bearer\s+(\S+)\s*$/iu.exec(header)?.[1] : undefined);

export class OclcOAuth {
  private readonly tokens = new Map<string, AccessToken>();
  private issued = 0;

  constructor(private readonly options: OAuthOptions) {}

  reset(): void {
    this.tokens.clear();
    this.issued = 0;
  }

  /** The token endpoint. OCLC reads grant type and scope from the query string (form bodies work too). */
  async tokenEndpoint(c: Context): Promise<Response> {
    const form = (c.req.header('content-type') ?? '').includes('application/x-www-form-urlencoded') ? new URLSearchParams(await c.req.text()) : undefined;
    const param = (name: string) => c.req.query(name) ?? form?.get(name) ?? undefined;
    const grantType = param('grant_type');
    if (grantType !== 'client_credentials') {
      return oclcError(c, 400, 'unsupported_grant_type', `grant_type must be client_credentials, not "${grantType ?? ''}"`);
    }
    const credentials = basicCredentials(c.req.header('authorization'));
    const licence = credentials ? this.options.wskeys[credentials.key] : undefined;
    if (!credentials || !licence || licence.secret !== credentials.secret) {
      c.header('WWW-Authenticate', 'Basic realm="OCLC"');
      return oclcError(
        c,
        401,
        credentials ? `WSKey '${credentials.key}' is invalid` : 'Missing client credentials',
        'Authorization header: Basic base64(wskey:secret) expected',
      );
    }
    const requested = (param('scope') ?? '').split(/[\s+]+/u).filter(Boolean);
    if (requested.length === 0) return oclcError(c, 400, 'invalid_scope', 'at least one scope is required');
    const refused = requested.filter((scope) => !(licence.scopes as string[]).includes(scope));
    if (refused.length > 0) {
      return oclcError(c, 403, 'invalid_scope', `WSKey '${credentials.key}' is not licensed for: ${refused.join(' ')}`);
    }
    // A token for a user: the client-credentials grant with principalID and principalIDNS, as
    // bookops-worldcat sends them to oauth.oclc.org/token (BookOps-CAT/bookops-worldcat
    // bookops_worldcat/authorize.py `_payload`); OCLC's user-level authentication page names
    // the pair as how a client identifies a user. Both or neither. **Stand-in:** the wording
    // of the refusal of an unknown principal (OCLC publishes none).
    const principalId = param('principalID');
    const principalIdns = param('principalIDNS');
    let principal: AccessToken['principal'];
    if (principalId || principalIdns) {
      if (!principalId || !principalIdns) return oclcError(c, 400, 'invalid_request', 'principalID and principalIDNS go together');
      if (!this.options.knowsPrincipal?.(principalId, principalIdns)) {
        return oclcError(c, 401, 'invalid_principal', `principal ${principalId} is not a user of ${principalIdns}`);
      }
      principal = { id: principalId, namespace: principalIdns };
    }
    const now = this.options.clock.now();
    this.issued += 1;
    const token: AccessToken = {
      token: `tk_sim${String(this.issued).padStart(6, '0')}${Math.random().toString(36).slice(2, 12)}`,
      wskey: credentials.key,
      scopes: requested,
      expiresAt: new Date(now.getTime() + this.options.lifetimeSeconds * 1000),
      ...(principal ? { principal } : {}),
    };
    this.tokens.set(token.token, token);
    return c.json({
      access_token: token.token,
      token_type: 'bearer',
      expires_in: this.options.lifetimeSeconds,
      expires_at: token.expiresAt
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d{3}Z$/u, 'Z'),
      scope: requested.join(' '),
      contextInstitutionId: this.options.institutionId,
      // Empty even for a user's token: OCLC took them out of the answer in April 2019 (developer
      // news, "Change to OCLC OAuth Server"); the token still stands for that user.
      principalID: '',
      principalIDNS: '',
    });
  }

  /** Checks a bearer token for one scope. */
  check(authorization: string | undefined, scope: string): { ok: true; token: AccessToken } | { ok: false; failure: BearerFailure } {
    const presented = bearerOf(authorization);
    if (!presented) return { ok: false, failure: { kind: 'missing' } };
    const token = this.tokens.get(presented);
    if (!token) return { ok: false, failure: { kind: 'invalid' } };
    if (token.expiresAt.getTime() <= this.options.clock.now().getTime()) return { ok: false, failure: { kind: 'expired' } };
    if (!token.scopes.includes(scope)) return { ok: false, failure: { kind: 'scope', scope } };
    return { ok: true, token };
  }

  /** Middleware: a valid bearer with `scope`, or the service's own rendering of the failure. */
  require(scope: string, render: (c: Context, failure: BearerFailure) => Response): MiddlewareHandler {
    return async (c, next) => {
      const result = this.check(c.req.header('authorization'), scope);
      if (!result.ok) return render(c, result.failure);
      await next();
    };
  }
}

/** The OCLC JSON error body the token service and the circulation API answer with. */
export function oclcErrorBody(status: number, message: string, detail?: string) {
  return detail === undefined ? { code: status, message } : { code: status, message, detail };
}

export function describeBearerFailure(failure: BearerFailure): { status: 401 | 403; message: string } {
  switch (failure.kind) {
    case 'missing':
      return { status: 401, message: 'Authentication failure. Missing or invalid authorization token.' };
    case 'invalid':
      return { status: 401, message: 'Authentication failure. Missing or invalid authorization token.' };
    case 'expired':
      return { status: 401, message: 'Authentication failure. The access token has expired.' };
    case 'scope':
      return { status: 403, message: `Authorization failure. You do not have sufficient permissions to access this resource (scope ${failure.scope}).` };
  }
}
