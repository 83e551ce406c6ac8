import { maskBody, maskHeaders, maskUrl } from './masking.ts';
import { defaultBackOffMs, retryAfterMs } from '../worker/rate-limit.ts';
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
  for (let attempt = 0; ; attempt += 1) {
    const response = await sendOnce(context, request);
    const wait = response.status === 429 ? shortRetryMs(response.headers, response.text) : undefined;
    if (wait === undefined || attempt >= maxShortRetries) return response;
    // A per-second threshold (a neighbour spent the allowance, or latency jitter put two calls into
    // one of the ILS's seconds): the call was not processed, so it goes again after the pause,
    // inside the step; the step only sees a 429 the ILS keeps answering. Daily quotas and long
    // Retry-After values are the adapter's to classify (a retry later, not now).
    await context.backOff(wait);
  }
}

/** In-step retries of a short 429. */
const maxShortRetries = 2;

/** How long to wait before sending a 429'd call again within the step; undefined: do not. */
export function shortRetryMs(headers: Headers, text: string): number | undefined {
  if (/DAILY_THRESHOLD/.test(text)) return undefined;
  const after = retryAfterMs(headers.get('retry-after'));
  if (after === undefined) return defaultBackOffMs;
  return after <= 2_000 ? Math.max(after, 50) : undefined;
}

async function sendOnce(context: AdapterContext, request: HttpRequest): Promise<HttpResponse> {
  const settle = await context.throttle();
  try {
    return await sendThrottled(context, request);
  } finally {
    if (typeof settle === 'function') await settle();
  }
}

async function sendThrottled(context: AdapterContext, request: HttpRequest): Promise<HttpResponse> {
  const started = Date.now();
  const at = context.clock.now();
  const logged = {
    at,
    method: request.method,
    url: maskUrl(request.url),
    requestHeaders: maskHeaders(request.headers ?? {}),
    requestBody: clip(maskBody(request.body)),
  };
  const deadline = timeLimit(context.timeoutMs);
  try {
    const init: RequestInit = { method: request.method, redirect: 'manual', signal: deadline.signal };
    if (request.headers) init.headers = request.headers;
    if (request.body !== undefined) init.body = request.body;
    // Raced as well, because an injected fetch (an in-process simulator) may ignore the signal.
    const response = await Promise.race([context.fetch(request.url, init), deadline.timedOut]);
    const text = await Promise.race([response.text(), deadline.timedOut]);
    await context.record({ ...logged, status: response.status, responseBody: clip(maskBody(text)), durationMs: Date.now() - started });
    return { status: response.status, headers: response.headers, text };
  } catch (error) {
    await context.record({ ...logged, durationMs: Date.now() - started, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    throw error;
  } finally {
    deadline.clear();
  }
}

/**
 * A call's time limit: aborts the signal (reason a `TimeoutError`, as `AbortSignal.timeout`
 * gives) and rejects `timedOut` after `ms`, and stops counting once the call is over — an
 * `AbortSignal.timeout` per call kept its timer and listener alive for the whole limit after the
 * answer (15 s: thousands of them at a thousand calls a second).
 */
export function timeLimit(ms: number): { signal: AbortSignal; timedOut: Promise<never>; clear(): void } {
  const controller = new AbortController();
  let reject: (reason: unknown) => void = () => {};
  const timedOut = new Promise<never>((_, fail) => {
    reject = fail;
  });
  // Never awaited when the call answers in time: no unhandled rejection for it.
  timedOut.catch(() => {});
  const timer = setTimeout(() => {
    const reason = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    controller.abort(reason);
    reject(reason);
  }, ms);
  timer.unref?.();
  return { signal: controller.signal, timedOut, clear: () => clearTimeout(timer) };
}
