import {
  buildRequest,
  type ClassifiedProblem,
  maskNcipSecrets,
  type NcipOutcomeKind,
  type NcipProfile,
  type NcipRequest,
  type NcipService,
  type NcipSuccessResponse,
  parseResponse,
} from '@bookstrap/ncip';
import { maskBody } from '../masking.ts';
import { defaultBackOffMs, retryAfterMs } from '../../worker/rate-limit.ts';
import { shortRetryMs, timeLimit } from '../http.ts';
import type { AdapterContext } from '../types.ts';

/**
 * One NCIP exchange over the service's transport: rate-limited, time-limited (raced, because an
 * in-process ILS ignores abort signals), recorded in the protocol log with FromAgencyAuthentication
 * and PINs masked, and read into data or a classified failure. Never throws.
 */
export type NcipReply<S extends NcipService> =
  | { ok: true; response: Extract<NcipSuccessResponse, { service: S }> }
  | { ok: false; kind: Exclude<NcipOutcomeKind, 'done'>; message: string; problems: ClassifiedProblem[] };

export interface NcipEndpoint {
  url: string;
  profile: NcipProfile;
  /** extra HTTP headers (a gateway's bearer token) */
  headers?: Record<string, string>;
}

const httpFailure = (status: number, url: string): { kind: Exclude<NcipOutcomeKind, 'done'>; message: string } => {
  if (status === 401 || status === 403) {
    return {
      kind: 'configuration-error',
      message: `The NCIP responder refused Bookstrap's credentials (HTTP ${status}); check the NCIP authentication settings.`,
    };
  }
  if (status === 404) return { kind: 'configuration-error', message: `No NCIP responder at ${url} (HTTP 404); check the NCIP server address.` };
  if (status === 408 || status === 429 || status >= 500)
    return { kind: 'retryable', message: `The NCIP responder is unavailable (HTTP ${status}); the step will be retried.` };
  return { kind: 'configuration-error', message: `The NCIP responder rejected the request (HTTP ${status}).` };
};

export async function ncipCall<R extends NcipRequest>(endpoint: NcipEndpoint, context: AdapterContext, request: R): Promise<NcipReply<R['service']>> {
  const xml = buildRequest(request, endpoint.profile);
  for (let attempt = 0; ; attempt += 1) {
    const reply = await exchangeOnce(endpoint, context, request, xml);
    // A short 429 goes again inside the step, as in adapters/http.ts `send`.
    if (reply.status !== 429) return reply.result;
    const wait = shortRetryMs(reply.headers, reply.text);
    await context.backOff(wait ?? retryAfterMs(reply.headers.get('retry-after')) ?? defaultBackOffMs);
    if (wait === undefined || attempt >= 2) return reply.result;
  }
}

async function exchangeOnce<R extends NcipRequest>(
  endpoint: NcipEndpoint,
  context: AdapterContext,
  request: R,
  xml: string,
): Promise<{ status: number; headers: Headers; text: string; result: NcipReply<R['service']> }> {
  const settle = await context.throttle();
  try {
    return await exchangeThrottled(endpoint, context, request, xml);
  } finally {
    if (typeof settle === 'function') await settle();
  }
}

async function exchangeThrottled<R extends NcipRequest>(
  endpoint: NcipEndpoint,
  context: AdapterContext,
  request: R,
  xml: string,
): Promise<{ status: number; headers: Headers; text: string; result: NcipReply<R['service']> }> {
  const started = Date.now();
  const headers = { 'Content-Type': 'application/xml; charset=utf-8', Accept: 'application/xml, text/xml', ...endpoint.headers };
  const logged = {
    at: context.clock.now(),
    method: 'POST',
    url: endpoint.url,
    requestHeaders: Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name, /authorization/i.test(name) ? `${value.split(/\s+/)[0]} ****` : value]),
    ),
    requestBody: maskNcipSecrets(maskBody(xml) ?? xml),
  };
  let status: number;
  let text: string;
  let responseHeaders: Headers;
  const deadline = timeLimit(context.timeoutMs);
  try {
    const response = await Promise.race([
      Promise.resolve(context.fetch(endpoint.url, { method: 'POST', headers, body: xml, signal: deadline.signal })),
      deadline.timedOut,
    ]);
    status = response.status;
    responseHeaders = response.headers;
    text = await Promise.race([response.text(), deadline.timedOut]);
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    await context.record({ ...logged, durationMs: Date.now() - started, error: message });
    const timeout = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const result: NcipReply<R['service']> = {
      ok: false,
      kind: 'retryable',
      message: timeout
        ? `The NCIP responder did not answer ${request.service} within ${context.timeoutMs} ms; the step will be retried.`
        : `Could not reach the NCIP responder at ${endpoint.url} (${message}); the step will be retried.`,
      problems: [],
    };
    return { status: 0, headers: new Headers(), text: '', result };
  } finally {
    deadline.clear();
  }
  await context.record({ ...logged, status, responseBody: maskNcipSecrets(maskBody(text) ?? text), durationMs: Date.now() - started });
  const done = (result: NcipReply<R['service']>) => ({ status, headers: responseHeaders, text, result });
  if (status < 200 || status >= 300) return done({ ok: false, ...httpFailure(status, endpoint.url), problems: [] });
  const parsed = parseResponse(text, request.service, { profile: endpoint.profile });
  if (parsed.ok) return done({ ok: true, response: parsed.response as Extract<NcipSuccessResponse, { service: R['service'] }> });
  const kind = parsed.error.kind === 'done' ? 'needs-staff' : parsed.error.kind;
  return done({ ok: false, kind, message: parsed.error.message, problems: parsed.error.problems ?? [] });
}

/** NCIP dates for a calendar day: the end of that day, as ILSs write due dates. */
export const endOfDayWire = (day: string) => `${day}T23:59:59Z`;

/** The calendar day of an NCIP dateTime. */
export const dayOf = (dateTime: string | undefined) => (dateTime && /^\d{4}-\d{2}-\d{2}/.test(dateTime) ? dateTime.slice(0, 10) : undefined);
