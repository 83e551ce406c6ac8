/**
 * Sierra's client-credentials grant: `POST /token` with `Authorization: Basic base64(key:secret)`
 * and `grant_type=client_credentials` gives a bearer token that lives one hour; no refresh
 * tokens, clients ask again on 401. Keys carry roles; a call outside them is 403 (code 116).
 */
import { randomBytes } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { Clock } from '../../clock.ts';
import { sierraErrors } from './errors.ts';

export const sierraRoles = [
  'Patrons Read',
  'Patrons Write',
  'Patron Holds Read',
  'Patron Holds Write',
  'Items Read',
  'Items Write',
  'Bibs Read',
  'Bibs Write',
  'Fines Read',
] as const;
export type SierraRole = (typeof sierraRoles)[number];

export interface SierraClient {
  secret: string;
  roles: readonly SierraRole[];
}

interface IssuedToken {
  keyId: string;
  roles: readonly SierraRole[];
  expiresAt: number;
}

export interface TokenGrant {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
}

export class SierraAuth {
  private tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly clients: Record<string, SierraClient>,
    private readonly clock: Clock,
    readonly lifetimeSeconds = 3600,
  ) {}

  /** Checks the Basic credentials and the grant type; throws Sierra errors otherwise. */
  grant(authorization: string | undefined, grantType: string | undefined): TokenGrant {
    const basic = /^Basic\s+(.+)$/iu.exec(authorization ?? '')?.[1];
    if (!basic) throw sierraErrors.missingAuthorization();
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    const key = separator === -1 ? decoded : decoded.slice(0, separator);
    const secret = separator === -1 ? '' : decoded.slice(separator + 1);
    const client = Object.hasOwn(this.clients, key) ? this.clients[key] : undefined;
    if (!client || client.secret !== secret) throw sierraErrors.invalidGrant();
    if (grantType !== 'client_credentials') throw sierraErrors.invalidParameter(`grant_type ${grantType ?? '(missing)'} is not supported`);
    const token = randomBytes(48).toString('base64url');
    this.tokens.set(token, { keyId: key, roles: client.roles, expiresAt: this.clock.now().getTime() + this.lifetimeSeconds * 1000 });
    return { access_token: token, token_type: 'bearer', expires_in: this.lifetimeSeconds };
  }

  /** The token behind `Authorization: Bearer …`; 113 without a header, 120 when unknown or expired. */
  resolve(authorization: string | undefined): IssuedToken & { expiresIn: number } {
    if (!authorization) throw sierraErrors.missingAuthorization();
    const bearer = /^Bearer\s+(\S+)$/iu.exec(authorization)?.[1];
    const issued = bearer === undefined ? undefined : this.tokens.get(bearer);
    const now = this.clock.now().getTime();
    if (!issued || issued.expiresAt <= now) {
      if (bearer !== undefined && issued) this.tokens.delete(bearer);
      throw sierraErrors.invalidToken();
    }
    return { ...issued, expiresIn: Math.floor((issued.expiresAt - now) / 1000) };
  }

  middleware(): MiddlewareHandler {
    return async (c, next) => {
      c.set('sierraToken' as never, this.resolve(c.req.header('authorization')) as never);
      await next();
    };
  }

  reset(): void {
    this.tokens.clear();
  }
}

export function tokenOf(c: Context): IssuedToken & { expiresIn: number } {
  return c.get('sierraToken' as never) as IssuedToken & { expiresIn: number };
}

export function requireRole(c: Context, role: SierraRole): void {
  if (!tokenOf(c).roles.includes(role)) throw sierraErrors.missingRole(role);
}
