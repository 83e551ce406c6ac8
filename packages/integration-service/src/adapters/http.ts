import { maskBody, maskHeaders, maskUrl } from './masking.ts';
import type { AdapterContext } from './types.ts';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** Longest body kept in the protocol log: enough to diagnose, not a copy of the catalogue. */
const maxLoggedBody = 16_000;
const clip = (text: string | undefined) => (text && text.length > maxLoggedBody ? `${text.slice(0, maxLoggedBody)}… (${text.length} chars)` : text);

/**
 * One HTTP call to an ILS: rate-limited, time-limited, redirects left to the caller (Alma's
 * item-by-barcode answers 302), and recorded in the protocol log with secrets masked — errors
 * included. Network failures and timeouts are rethrown for `classifyThrown` to call retryable.
 */
export async function send(context: AdapterContext, request: HttpRequest): Promise<HttpResponse> {
  await context.throttle();
  const started = Date.now();
  const at = context.clock.now();
  const logged = {
    at,
    method: request.method,
    url: maskUrl(request.url),
    requestHeaders: maskHeaders(request.headers ?? {}),
    requestBody: clip(maskBody(request.body)),
  };
  try {
    const signal = AbortSignal.timeout(context.timeoutMs);
    const init: RequestInit = { method: request.method, redirect: 'manual', signal };
    if (request.headers) init.headers = request.headers;
    if (request.body !== undefined) init.body = request.body;
    // Raced as well, because an injected fetch (an in-process simulator) may ignore the signal.
    const timedOut = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
    const response = await Promise.race([context.fetch(request.url, init), timedOut]);
    const text = await Promise.race([response.text(), timedOut]);
    context.record({ ...logged, status: response.status, responseBody: clip(maskBody(text)), durationMs: Date.now() - started });
    return { status: response.status, headers: response.headers, text };
  } catch (error) {
    context.record({ ...logged, durationMs: Date.now() - started, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    throw error;
  }
}
