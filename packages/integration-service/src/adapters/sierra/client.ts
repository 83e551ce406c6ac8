import { configurationError, needsStaff, retryable, type StepOutcome } from '@bookstrap/core';
import { send } from '../http.ts';
import { retryAfterMs } from '../../worker/rate-limit.ts';
import { type AdapterContext, sessionSlot } from '../types.ts';

/**
 * The Sierra REST v6 conversation: a client-credentials token (Basic key:secret, one hour, no
 * refresh token — asked for again on expiry or on a 401), JSON bodies, `ErrorCode` errors read
 * and classified into the core's outcome kinds.
 */
export interface SierraConnectionOptions {
  /** `https://host/iii/sierra-api/v6` */
  baseUrl: string;
  clientKey: string;
  clientSecret: string;
}

/** Sierra's error body. */
export interface SierraErrorCode {
  code: number;
  specificCode: number;
  httpStatus: number;
  name: string;
  description?: string;
}

export interface SierraReply {
  status: number;
  headers: Headers;
  text: string;
  /** the parsed JSON body, when there is one */
  body: unknown;
  error?: SierraErrorCode;
}

export type FailedOutcome = Extract<StepOutcome<never>, { kind: 'retryable' | 'needs-staff' | 'configuration-error' }>;

/** Record not found. */
export const recordNotFound = 107;
/** Several records match (patrons/find). */
export const multipleRecords = 133;
/** A circulation refusal; `specificCode` says which. */
export const xcircError = 132;
/**
 * 503s that no retry cures (reference/vendor-apis.md §2, Sierra's ErrorCode list): 117 the API is
 * disabled, 118 the key's access tier does not include the resource. Someone must change Sierra's
 * API settings or the key's roles.
 */
export const apiNotAvailableToKey: ReadonlySet<number> = new Set([117, 118]);

function readError(body: unknown): SierraErrorCode | undefined {
  const e = body as Partial<SierraErrorCode> | undefined;
  if (!e || typeof e !== 'object' || typeof e.code !== 'number') return undefined;
  return {
    code: e.code,
    specificCode: typeof e.specificCode === 'number' ? e.specificCode : 0,
    httpStatus: typeof e.httpStatus === 'number' ? e.httpStatus : 0,
    name: String(e.name ?? ''),
    ...(typeof e.description === 'string' ? { description: e.description } : {}),
  };
}

/** The trailing record number of a Sierra link (`…/v6/items/1000012` → `1000012`). */
export const idOfLink = (link: unknown): string | undefined => (typeof link === 'string' ? /(\d+)\/?$/.exec(link)?.[1] : undefined);

/** The library's Sierra token, shared by its jobs; `pending` keeps concurrent steps to one grant. */
interface TokenSlot {
  token?: { value: string; expiresAt: number } | undefined;
  pending?: Promise<{ ok: true; value: string } | { ok: false; reply: SierraReply }> | undefined;
}

export class SierraClient {
  private readonly slot: TokenSlot;
  /** the token's name in the cache shared by every instance */
  private readonly sharedName: string;

  constructor(
    readonly options: SierraConnectionOptions,
    private readonly context: AdapterContext,
  ) {
    this.sharedName = `sierra-token:${options.baseUrl}`;
    this.slot = sessionSlot<TokenSlot>(context, this.sharedName, () => ({}));
  }

  private get token() {
    return this.slot.token;
  }

  private set token(token: TokenSlot['token']) {
    this.slot.token = token;
  }

  /** One token request at a time per library: steps running together wait for the same grant. */
  private grant(): Promise<{ ok: true; value: string } | { ok: false; reply: SierraReply }> {
    if (!this.slot.pending) {
      this.slot.pending = this.sharedOrNewToken().finally(() => {
        this.slot.pending = undefined;
      });
    }
    return this.slot.pending;
  }

  private async sharedOrNewToken(): Promise<{ ok: true; value: string } | { ok: false; reply: SierraReply }> {
    // Another instance may hold a good token already: used instead of asking Sierra for one.
    const shared = await this.context.sharedTokens?.read(this.sharedName);
    if (shared && shared.expiresAt > this.context.clock.now().getTime()) {
      this.token = shared;
      return { ok: true, value: shared.value };
    }
    return this.fetchToken();
  }

  url(path: string, query: Record<string, string | number | undefined> = {}): string {
    const url = new URL(`${this.options.baseUrl.replace(/\/+$/, '')}${path}`);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
    return url.toString();
  }

  /** `POST /token`; undefined when the ILS answered, but not with a token (the reply says why). */
  private async fetchToken(): Promise<{ ok: true; value: string } | { ok: false; reply: SierraReply }> {
    const basic = Buffer.from(`${this.options.clientKey}:${this.options.clientSecret}`).toString('base64');
    const response = await send(this.context, {
      method: 'POST',
      url: this.url('/token'),
      headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: 'grant_type=client_credentials',
    });
    const reply = this.reply(response.status, response.headers, response.text);
    const grant = reply.body as { access_token?: unknown; expires_in?: unknown } | undefined;
    if (response.status !== 200 || typeof grant?.access_token !== 'string') return { ok: false, reply };
    const lifetime = typeof grant.expires_in === 'number' ? grant.expires_in : 3600;
    // A minute's margin: a token that dies in flight costs a retry.
    this.token = { value: grant.access_token, expiresAt: this.context.clock.now().getTime() + (lifetime - 60) * 1000 };
    await this.context.sharedTokens?.write(this.sharedName, this.token.value, this.token.expiresAt);
    return { ok: true, value: grant.access_token };
  }

  private reply(status: number, headers: Headers, text: string): SierraReply {
    let body: unknown;
    const trimmed = text.trim();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    }
    const error = status >= 400 ? readError(body) : undefined;
    return { status, headers, text, body, ...(error ? { error } : {}) };
  }

  /** One API call with a live token; a 401 gets one fresh token and one retry. */
  async call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: { query?: Record<string, string | number | undefined>; json?: unknown } = {},
  ): Promise<SierraReply> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const fresh =
        this.token && this.token.expiresAt > this.context.clock.now().getTime() ? { ok: true as const, value: this.token.value } : await this.grant();
      if (!fresh.ok) return fresh.reply;
      const headers: Record<string, string> = { Authorization: `Bearer ${fresh.value}`, Accept: 'application/json' };
      if (options.json !== undefined) headers['Content-Type'] = 'application/json';
      const response = await send(this.context, {
        method,
        url: this.url(path, options.query),
        headers,
        ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : {}),
      });
      const reply = this.reply(response.status, response.headers, response.text);
      if (response.status === 401 && attempt === 0) {
        this.token = undefined;
        // Refused for everyone: the next grant reads what another instance may have put there since.
        await this.context.sharedTokens?.drop(this.sharedName, fresh.value);
        continue;
      }
      return reply;
    }
    throw new Error('unreachable');
  }

  /** "Sierra 132/2 XCirc error : …" or "HTTP 502: …" for the history. */
  said(reply: SierraReply): string {
    const e = reply.error;
    if (e)
      return `Sierra ${e.code}${e.specificCode ? `/${e.specificCode}` : ''} ${e.name}${e.description && e.description !== e.name ? `: ${e.description}` : ''}`;
    return `HTTP ${reply.status}${reply.text ? `: ${reply.text.slice(0, 200)}` : ''}`;
  }

  /**
   * The outcome a failed call means. XCirc refusals (132, HTTP 500) are circulation saying no:
   * staff. Other server trouble and rate limits are retryable; refused credentials or roles, an
   * API closed to the key (117/118, HTTP 503) and a missing endpoint are configuration errors;
   * not found and bad input need staff.
   */
  failure(reply: SierraReply, what: string): FailedOutcome {
    const said = this.said(reply);
    const code = reply.error?.code;
    if (code === xcircError) return needsStaff(`Sierra refused ${what} — ${said}`) as FailedOutcome;
    if (reply.status === 429) {
      const waitMs = retryAfterMs(reply.headers.get('retry-after')) || 1000;
      this.context.backOff(waitMs);
      return retryable(`Sierra is limiting requests while ${what} (${said})`, waitMs) as FailedOutcome;
    }
    if (reply.status === 401 || reply.status === 403) {
      return configurationError(`Sierra refused the API key while ${what} (${said}); check the client key, secret and its roles`) as FailedOutcome;
    }
    if (code !== undefined && apiNotAvailableToKey.has(code)) {
      return configurationError(
        `Sierra's API is not open to this key while ${what} (${said}); enable the API or add the resource to the key's access tier in Sierra's API settings`,
      ) as FailedOutcome;
    }
    if (reply.status >= 500) return retryable(`Sierra is unavailable while ${what} (${said})`) as FailedOutcome;
    if (reply.status === 404 && code !== recordNotFound) {
      return configurationError(`Sierra API path not found while ${what} (${said}); check the base URL`) as FailedOutcome;
    }
    return needsStaff(`Sierra refused ${what} — ${said}`) as FailedOutcome;
  }
}

/** Sierra writes instants (`2025-04-09T23:59:00Z`) or days; we keep the day. */
export const calendarDayOf = (value: unknown): string | undefined =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : undefined;
