import { configurationError, needsStaff, retryable, type StepOutcome } from '@bookstrap/core';
import { send } from '../http.ts';
import { retryAfterMs } from '../../worker/rate-limit.ts';
import { remainingQuotaOf } from '../governance.ts';
import type { AdapterContext } from '../types.ts';

/**
 * The Alma REST conversation: `Authorization: apikey …`, JSON asked for with Accept (XML is
 * Alma's default), the `web_service_result`/`errorList` envelope read from JSON or XML, and every
 * failure classified into the core's outcome kinds.
 */
export interface AlmaConnectionOptions {
  /** `…/almaws/v1` */
  baseUrl: string;
  apiKey: string;
  /** the Alma library code Bookstrap acts in (temporary items, loans, scan-in, fee owner) */
  library: string;
  circulationDesk: string;
}

export interface AlmaError {
  code: string;
  message: string;
}

export interface AlmaReply {
  status: number;
  headers: Headers;
  text: string;
  /** the parsed JSON body, when there is one */
  body: unknown;
  errors: AlmaError[];
}

/** The outcomes a failed call can have (never done or already-done). */
export type FailedOutcome = Extract<StepOutcome<never>, { kind: 'retryable' | 'needs-staff' | 'configuration-error' }>;

export type Coded = { value?: string | null; desc?: string | null } | null | undefined;

/** Patron not found: Alma's documented "user with identifier … (of type …) was not found". */
export const patronNotFoundCodes = new Set(['401861', '401890']);
/** `GET /items?item_barcode=` for a barcode no item has. */
export const noItemForBarcodeCode = '401689';
/** "Patron has active request for selected item". */
export const duplicateRequestCode = '401136';
export const dueDateInPastCode = '401681';
/** "Input parameters mmsId … is not valid": the bib is gone. */
export const bibNotValidCode = '402203';
/** "Holding ID not valid": the holding is gone (it went with its last item). */
export const holdingNotValidCode = '60213';

const unescapeXml = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** Reads Alma's error list from either representation (some gateways answer XML whatever Accept says). */
export function parseAlmaErrors(text: string, body: unknown): AlmaError[] {
  const envelope = (body as { web_service_result?: unknown } | undefined)?.web_service_result ?? body;
  const list = (envelope as { errorList?: { error?: unknown } } | undefined)?.errorList?.error;
  if (list !== undefined) {
    const entries = Array.isArray(list) ? list : [list];
    return entries.map((entry) => {
      const e = entry as { errorCode?: unknown; errorMessage?: unknown };
      return { code: String(e.errorCode ?? ''), message: String(e.errorMessage ?? '') };
    });
  }
  if (text.includes('<errorList>') || text.includes('errorsExist')) {
    const errors: AlmaError[] = [];
    const pattern = /<error>[\s\S]*?<errorCode>([\s\S]*?)<\/errorCode>[\s\S]*?<errorMessage>([\s\S]*?)<\/errorMessage>[\s\S]*?<\/error>/g;
    for (const match of text.matchAll(pattern)) errors.push({ code: unescapeXml(match[1] ?? '').trim(), message: unescapeXml(match[2] ?? '').trim() });
    return errors;
  }
  return [];
}

export class AlmaClient {
  constructor(
    readonly options: AlmaConnectionOptions,
    private readonly context: AdapterContext,
  ) {}

  url(path: string, query: Record<string, string | number | boolean | undefined> = {}): string {
    const url = new URL(`${this.options.baseUrl.replace(/\/+$/, '')}${path}`);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
    return url.toString();
  }

  async call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    pathOrUrl: string,
    options: { query?: Record<string, string | number | boolean | undefined>; json?: unknown; xml?: string } = {},
  ): Promise<AlmaReply> {
    const url = /^https?:/.test(pathOrUrl) ? pathOrUrl : this.url(pathOrUrl, options.query);
    const headers: Record<string, string> = { Authorization: `apikey ${this.options.apiKey}`, Accept: 'application/json' };
    let body: string | undefined;
    if (options.xml !== undefined) {
      // Create bib and create holding are XML-only in Alma (error 60105 for JSON).
      headers['Content-Type'] = 'application/xml';
      body = options.xml;
    } else if (options.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const response = await send(this.context, { method, url, headers, ...(body !== undefined ? { body } : {}) });
    // Alma's daily quota left, on every answer: the limiter pauses the institution at zero.
    const left = remainingQuotaOf(response.headers);
    if (left !== undefined) await this.context.quotaRemaining?.(left);
    let parsed: unknown;
    if (response.text.trim().startsWith('{') || response.text.trim().startsWith('[')) {
      try {
        parsed = JSON.parse(response.text);
      } catch {
        parsed = undefined;
      }
    }
    const errors = response.status >= 400 ? parseAlmaErrors(response.text, parsed) : [];
    return { status: response.status, headers: response.headers, text: response.text, body: parsed, errors };
  }

  /** Follows a redirect the way Alma clients do for `GET /items?item_barcode=` (302 to the item). */
  async getFollowing(path: string, query: Record<string, string | undefined>): Promise<AlmaReply> {
    let reply = await this.call('GET', path, { query });
    for (let hops = 0; hops < 3 && reply.status >= 300 && reply.status < 400; hops += 1) {
      const location = reply.headers.get('location');
      if (!location) break;
      reply = await this.call('GET', new URL(location, this.url(path)).toString());
    }
    return reply;
  }

  /**
   * The outcome a failed call means. Rate limits and server or gateway trouble are retryable;
   * a refused API key is a configuration error; an unknown patron and other business refusals
   * need staff, with Alma's own words.
   */
  failure(reply: AlmaReply, what: string): FailedOutcome {
    const first = reply.errors[0];
    const said = first ? `Alma ${first.code}: ${first.message}` : `HTTP ${reply.status}${reply.text ? `: ${reply.text.slice(0, 200)}` : ''}`;
    if (reply.status === 429 || first?.code === 'PER_SECOND_THRESHOLD' || first?.code === 'DAILY_THRESHOLD') {
      const retryAfter = retryAfterMs(reply.headers.get('retry-after'));
      const waitMs = retryAfter !== undefined && retryAfter > 0 ? retryAfter : first?.code === 'DAILY_THRESHOLD' ? 60 * 60 * 1000 : 1000;
      this.context.backOff(waitMs);
      return retryable(`Alma is limiting requests while ${what} (${said})`, waitMs) as FailedOutcome;
    }
    if (reply.status === 401 || reply.status === 403 || first?.code === 'UNAUTHORIZED' || first?.code === 'INVALID_API_KEY') {
      return configurationError(`Alma refused the API key while ${what} (${said}); check the library's connection credentials`) as FailedOutcome;
    }
    if (reply.status >= 500) return retryable(`Alma is unavailable while ${what} (${said})`) as FailedOutcome;
    if (first && patronNotFoundCodes.has(first.code)) return needsStaff(`invalid patron id — ${said}`) as FailedOutcome;
    if (reply.status === 404 && !first) return configurationError(`Alma API path not found while ${what} (${said}); check the base URL`) as FailedOutcome;
    return needsStaff(`Alma refused ${what} — ${said}`) as FailedOutcome;
  }
}

export const codeOf = (coded: Coded): string => (coded && typeof coded === 'object' && coded.value ? String(coded.value) : '');

/** Alma writes days as `2028-03-11Z` and instants as `2025-04-09T23:59:00Z`; we keep the day. */
export const calendarDayOf = (almaDate: unknown): string | undefined =>
  typeof almaDate === 'string' && /^\d{4}-\d{2}-\d{2}/.test(almaDate) ? almaDate.slice(0, 10) : undefined;

/** A due date sent to Alma: the end of the library day, the form Alma's own loans carry. */
export const almaDueDate = (day: string): string => `${day}T23:59:00Z`;

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
