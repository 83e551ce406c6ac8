/**
 * OCLC access tokens for WMS: the client-credentials grant with the WSKey and secret as Basic
 * auth, one token per scope set, cached until shortly before it expires (OCLC tokens live
 * 20 minutes; asking for one per call would double the traffic and hit OCLC's limits).
 * A 401 from a service drops the cached token so the next call fetches a fresh one.
 */
import { send } from '../http.ts';
import { type AdapterContext, sessionSlot } from '../types.ts';

export interface WmsTokenSettings {
  tokenUrl: string;
  wskey: string;
  secret: string;
}

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

/** Renew this long before OCLC's expiry, so a token never dies in flight. */
const EXPIRY_MARGIN_MS = 60_000;

/** The user a token is obtained for (OCLC principalID and principalIDNS: the SCIM user's id and namespace). */
export interface WmsPrincipal {
  id: string;
  namespace: string;
}

const keyOf = (scope: string, principal?: WmsPrincipal) => (principal ? `${scope}@${principal.namespace}/${principal.id}` : scope);

export type TokenResult = { ok: true; accessToken: string } | { ok: false; status?: number; message: string; transient: boolean };

export class WmsTokens {
  private readonly cache: Map<string, CachedToken>;

  constructor(
    private readonly settings: WmsTokenSettings,
    private readonly context: AdapterContext,
  ) {
    // Kept per library across jobs: a 20-minute token serves every step in its lifetime.
    this.cache = sessionSlot(context, `wms-tokens:${settings.tokenUrl}:${settings.wskey}`, () => new Map<string, CachedToken>());
  }

  /** The scope's name in the token cache shared by every instance. */
  private sharedName(scope: string): string {
    return `wms-token:${this.settings.tokenUrl}:${this.settings.wskey}:${scope}`;
  }

  /**
   * A bearer token for `scope` (space-separated OCLC scopes), from the cache when still good. With
   * a principal, a token for that user: the same grant with principalID and principalIDNS (as
   * bookops-worldcat sends them to oauth.oclc.org), which WMS's NCIP patron profile needs — it acts
   * for the token's user (OCLC developer news, April 2019).
   */
  async token(scope: string, principal?: WmsPrincipal): Promise<TokenResult> {
    const now = this.context.clock.now().getTime();
    const key = keyOf(scope, principal);
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > now) return { ok: true, accessToken: cached.accessToken };
    // Another instance's token for the scope, while it has its margin left.
    const shared = await this.context.sharedTokens?.read(this.sharedName(key));
    if (shared && shared.expiresAt - EXPIRY_MARGIN_MS > now) {
      this.cache.set(key, { accessToken: shared.value, expiresAt: shared.expiresAt });
      return { ok: true, accessToken: shared.value };
    }
    const url = new URL(this.settings.tokenUrl);
    url.searchParams.set('grant_type', 'client_credentials');
    url.searchParams.set('scope', scope);
    if (principal) {
      url.searchParams.set('principalID', principal.id);
      url.searchParams.set('principalIDNS', principal.namespace);
    }
    const basic = Buffer.from(`${this.settings.wskey}:${this.settings.secret}`).toString('base64');
    const reply = await send(this.context, { method: 'POST', url: url.toString(), headers: { authorization: `Basic ${basic}`, accept: 'application/json' } });
    const body = safeJson(reply.text);
    if (reply.status === 200 && typeof body.access_token === 'string') {
      // expires_in is relative, so our clock and OCLC's need not agree; expires_at is the fallback.
      const absolute = typeof body.expires_at === 'string' ? Date.parse(body.expires_at) : Number.NaN;
      const expiresAt = typeof body.expires_in === 'number' ? now + body.expires_in * 1000 : Number.isNaN(absolute) ? now + 20 * 60_000 : absolute;
      // Patron tokens (one per patron the patron profile is asked about) would pile up: expired ones go.
      if (this.cache.size > 1_000) for (const [name, held] of this.cache) if (held.expiresAt <= now) this.cache.delete(name);
      this.cache.set(key, { accessToken: body.access_token, expiresAt });
      await this.context.sharedTokens?.write(this.sharedName(key), body.access_token, expiresAt);
      return { ok: true, accessToken: body.access_token };
    }
    const said = [body.message, body.detail].filter((part) => typeof part === 'string').join(': ') || reply.text.slice(0, 200);
    return {
      ok: false,
      status: reply.status,
      message: `OCLC refused a token for ${scope}${principal ? ` as user ${principal.id}` : ''} (HTTP ${reply.status}): ${said}`,
      transient: reply.status === 429 || reply.status >= 500,
    };
  }

  /** Forget a token the service no longer accepts. */
  async invalidate(scope: string, principal?: WmsPrincipal): Promise<void> {
    const key = keyOf(scope, principal);
    const refused = this.cache.get(key);
    this.cache.delete(key);
    if (refused) await this.context.sharedTokens?.drop(this.sharedName(key), refused.accessToken);
  }
}

function safeJson(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
