/**
 * Content negotiation and body reading as Alma does it: XML unless the client asks for JSON
 * (`Accept: application/json` or `format=json`); request bodies in XML or JSON per Content-Type.
 */
import type { Context } from 'hono';
import { AlmaError, almaErrors } from './errors.ts';
import { type AlmaObject, fromXml, toXml, XmlBodyError } from './representation.ts';

export type AlmaFormat = 'xml' | 'json';

export function responseFormat(c: Context): AlmaFormat {
  const format = c.req.query('format')?.toLowerCase();
  if (format === 'json') return 'json';
  if (format === 'xml') return 'xml';
  const accept = c.req.header('accept')?.toLowerCase() ?? '';
  return accept.includes('application/json') && !accept.includes('application/xml') ? 'json' : 'xml';
}

const contentTypes: Record<AlmaFormat, string> = {
  xml: 'application/xml;charset=UTF-8',
  json: 'application/json;charset=UTF-8',
};

/** An Alma object in the format the client asked for. */
export function almaResponse(c: Context, root: string, body: AlmaObject, status: 200 | 201 = 200): Response {
  const format = responseFormat(c);
  const payload = format === 'json' ? JSON.stringify(body) : toXml(root, body);
  return c.body(payload, status, { 'Content-Type': contentTypes[format] });
}

const trackingIds = { next: 1 };
function trackingId(): string {
  const n = trackingIds.next++;
  return `E01-SIM-${String(n).padStart(8, '0')}`;
}

/** The `web_service_result` error envelope, in the client's format. */
export function almaErrorResponse(c: Context, error: AlmaError): Response {
  const format = responseFormat(c);
  const tracking = trackingId();
  const payload =
    format === 'json'
      ? JSON.stringify({
          errorsExist: true,
          errorList: { error: [{ errorCode: error.errorCode, errorMessage: error.message, trackingId: tracking }] },
          result: null,
        })
      : toXml(
          'web_service_result',
          {
            errorsExist: true,
            errorList: { error: { errorCode: error.errorCode, errorMessage: error.message, trackingId: tracking } },
          },
          { xmlns: 'http://com/exlibris/urm/general/xmlbeans' },
        );
  return new Response(payload, {
    status: error.status,
    headers: { 'Content-Type': contentTypes[format] },
  });
}

export interface AlmaBody {
  format: AlmaFormat;
  /** Root element name of an XML body (JSON bodies have none). */
  root?: string;
  body: AlmaObject;
}

export function bodyFormat(c: Context, raw: string): AlmaFormat {
  const type = c.req.header('content-type')?.toLowerCase() ?? '';
  if (type.includes('json')) return 'json';
  if (type.includes('xml')) return 'xml';
  return raw.trimStart().startsWith('<') ? 'xml' : 'json';
}

/** Reads an XML or JSON request body; malformed input is Alma's "No valid XML" / invalid parameter. */
export async function readAlmaBody(c: Context, options: { required?: boolean } = {}): Promise<AlmaBody> {
  const raw = await c.req.text();
  const format = bodyFormat(c, raw);
  if (raw.trim() === '') {
    if (options.required) throw format === 'xml' ? almaErrors.noValidXml() : almaErrors.invalidParameter('empty body');
    return { format, body: {} };
  }
  if (format === 'xml') {
    try {
      const parsed = fromXml(raw);
      return { format, root: parsed.root, body: parsed.body };
    } catch (error) {
      if (error instanceof XmlBodyError) throw almaErrors.noValidXml();
      throw error;
    }
  }
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw almaErrors.invalidParameter('the JSON body must be an object');
    }
    return { format, body: parsed as AlmaObject };
  } catch (error) {
    if (error instanceof AlmaError) throw error;
    throw almaErrors.invalidParameter('the JSON body is malformed');
  }
}

/** `limit` (0–100, default 10) and `offset` as Alma validates them. */
export function paging(c: Context): { limit: number; offset: number } {
  const limitText = c.req.query('limit');
  const offsetText = c.req.query('offset');
  const limit = limitText === undefined ? 10 : Number(limitText);
  const offset = offsetText === undefined ? 0 : Number(offsetText);
  if (!Number.isInteger(limit) || limit < 0 || limit > 100) throw almaErrors.invalidParameter('limit');
  if (!Number.isInteger(offset) || offset < 0) throw almaErrors.invalidParameter('offset');
  return { limit, offset };
}

export function queryFlag(c: Context, name: string, fallback: boolean): boolean {
  const value = c.req.query(name);
  if (value === undefined || value === '') return fallback;
  return value.toLowerCase() === 'true';
}

/** Absolute base of the API as the client reached it, for `link` fields and redirects. */
export function apiBase(c: Context): string {
  return `${new URL(c.req.url).origin}/almaws/v1`;
}
