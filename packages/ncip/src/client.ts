import type { NcipProfile } from './profiles.ts';
import type { NcipRequest } from './types.ts';
import { buildRequest } from './wire/build-request.ts';
import { type NcipClientError, type ParseResponseResult, parseResponse } from './wire/parse-response.ts';

export interface NcipPostOptions {
  /** Injected for tests and for adapters that add OAuth (WMS); defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Whole exchange, headers and body; default 30 s (FOLIO learnt that 3 s is too short). */
  timeoutMs?: number;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export type NcipPostResult =
  | { ok: true; status: number; body: string; durationMs: number }
  | { ok: false; error: NcipClientError; status?: number; body?: string; durationMs: number };

const DEFAULT_TIMEOUT_MS = 30_000;

function httpError(status: number, url: string, statusText: string): NcipClientError {
  const base = { reason: 'http' as const, httpStatus: status };
  if (status === 401 || status === 403) {
    return {
      ...base,
      kind: 'configuration-error',
      message: `The NCIP responder refused Bookstrap's credentials (HTTP ${status}); check the NCIP authentication settings.`,
    };
  }
  if (status === 404) return { ...base, kind: 'configuration-error', message: `No NCIP responder at ${url} (HTTP 404); check the NCIP server address.` };
  if (status === 408 || status === 429 || status >= 500) {
    return {
      ...base,
      kind: 'retryable',
      message: `The NCIP responder is unavailable (HTTP ${status}${statusText ? ` ${statusText}` : ''}); the step will be retried.`,
    };
  }
  return { ...base, kind: 'configuration-error', message: `The NCIP responder rejected the request (HTTP ${status}${statusText ? ` ${statusText}` : ''}).` };
}

function isTimeout(e: unknown): boolean {
  return e instanceof Error && (e.name === 'TimeoutError' || (e.name === 'AbortError' && /timeout/i.test(String(e.message))));
}

/** POSTs an NCIP message; HTTP failures, timeouts and network errors come back classified, never thrown. */
export async function ncipPost(url: string, xml: string, options: NcipPostOptions = {}): Promise<NcipPostResult> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const doFetch = options.fetch ?? fetch;
  const elapsed = () => Date.now() - started;
  try {
    const res = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/xml; charset=utf-8', accept: 'application/xml, text/xml', ...options.headers },
      body: xml,
      signal,
    });
    const body = await res.text();
    if (!res.ok) return { ok: false, error: httpError(res.status, url, res.statusText), status: res.status, body, durationMs: elapsed() };
    return { ok: true, status: res.status, body, durationMs: elapsed() };
  } catch (e) {
    if (timeout.aborted || isTimeout(e)) {
      return {
        ok: false,
        error: {
          kind: 'retryable',
          reason: 'timeout',
          message: `The NCIP responder did not answer within ${timeoutMs} ms; the step will be retried (check the ILS before retrying a check-out).`,
        },
        durationMs: elapsed(),
      };
    }
    if (options.signal?.aborted) {
      return {
        ok: false,
        error: { kind: 'retryable', reason: 'network', message: 'The NCIP call was cancelled before the responder answered.' },
        durationMs: elapsed(),
      };
    }
    const cause = e instanceof Error ? ((e.cause as { code?: string } | undefined)?.code ?? e.message) : String(e);
    return {
      ok: false,
      error: { kind: 'retryable', reason: 'network', message: `Could not reach the NCIP responder at ${url} (${cause}); the step will be retried.` },
      durationMs: elapsed(),
    };
  }
}

/** Hides FromAgencyAuthentication before raw traffic is stored. */
export function maskNcipSecrets(xml: string): string {
  return xml.replace(/(<(?:[\w-]+:)?FromAgencyAuthentication>)[\s\S]*?(<\/(?:[\w-]+:)?FromAgencyAuthentication>)/g, '$1****$2');
}

export interface NcipTraffic {
  url: string;
  /** Request body with secrets masked. */
  requestBody: string;
  responseStatus?: number;
  responseBody?: string;
  durationMs: number;
}

export type NcipExchangeResult = ParseResponseResult & { traffic: NcipTraffic };

/** Builds, sends and reads one NCIP exchange; the traffic is returned for the protocol log. */
export async function ncipExchange(url: string, request: NcipRequest, profile: NcipProfile, options: NcipPostOptions = {}): Promise<NcipExchangeResult> {
  const xml = buildRequest(request, profile);
  const posted = await ncipPost(url, xml, options);
  const traffic: NcipTraffic = { url, requestBody: maskNcipSecrets(xml), durationMs: posted.durationMs };
  if (posted.status !== undefined) traffic.responseStatus = posted.status;
  if (posted.body !== undefined) traffic.responseBody = posted.body;
  if (!posted.ok) return { ok: false, error: { ...posted.error, service: request.service }, traffic };
  return { ...parseResponse(posted.body, request.service, { profile }), traffic };
}
