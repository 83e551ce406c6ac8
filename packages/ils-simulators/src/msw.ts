/**
 * `@bookstrap/ils-simulators/msw`: the simulators as msw 2 request handlers, so any project's tests
 * run against a stateful simulated ILS with no server and no port:
 *
 * ```ts
 * import { setupServer } from 'msw/node';
 * import { handlersFor } from '@bookstrap/ils-simulators/msw';
 * const alma = handlersFor('alma', { baseUrl: 'https://api-na.hosted.exlibrisgroup.com' });
 * const server = setupServer(...alma);
 * ```
 *
 * Each intercepted request is handed, unchanged but for its URL's origin, to the same Hono app
 * `createSimulator` builds (vendor API, `/_sim` control plane, fault injection), so state lives in
 * that simulator's engine across calls, whichever client made them: `fetch`, or a library on
 * `node:http`/`node:https` (msw's interceptors cover both in Node). msw only matches; it adds
 * nothing the simulator would not answer over a real socket.
 */
import { type HttpHandler, http } from 'msw';
import { createSimulator, type Simulator, type SimulatorOptions } from './simulator.ts';
import type { VendorId } from './vendors/types.ts';

export interface HandlersForOptions extends Omit<SimulatorOptions, 'vendor'> {
  /**
   * Where the client under test sends its requests: one origin (`scheme://host[:port]`), or several
   * that share one simulator's state — as OCLC's WMS answers on oauth.oclc.org, the institution's
   * SCIM host and circ.sd00.worldcat.org. The vendor's own paths (`/almaws/v1`, `/iii/sierra-api/v6`,
   * `/_sim`) follow it.
   */
  baseUrl: string | readonly string[];
  /** Answer from this simulator (its state, clock and faults) instead of a new in-memory one. */
  simulator?: Simulator;
}

/** The handlers, spread into `setupServer(...)`, with the simulator behind them for reset, clock and faults. */
export type SimulatorHandlers = HttpHandler[] & {
  readonly simulator: Simulator;
  readonly origins: readonly string[];
};

function originOf(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError(`handlersFor: baseUrl "${baseUrl}" is not a URL (give scheme://host[:port])`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`handlersFor: baseUrl "${baseUrl}" is not http(s)`);
  // A path prefix would be lost from the links and redirects the simulator writes from the request URL.
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash)
    throw new TypeError(`handlersFor: baseUrl "${baseUrl}" must be an origin (scheme://host[:port]); the vendor's paths follow it`);
  return url.origin;
}

/** The request as the simulator's app takes it: same method, headers, body; redirects left to the client. */
async function forward(request: Request): Promise<Request> {
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();
  return new Request(request.url, { method: request.method, headers: request.headers, body, redirect: 'manual' });
}

/**
 * msw handlers answering for `vendor` at `baseUrl`. Every call to this function makes a fresh
 * simulator from the demo seed (unless `simulator` is given); `handlers.simulator.reset()` goes back
 * to the seed between tests, `handlers.simulator.close()` frees it.
 */
export function handlersFor(vendor: VendorId, options: HandlersForOptions): SimulatorHandlers {
  const { baseUrl, simulator: given, ...simulatorOptions } = options;
  const origins = [...new Set((typeof baseUrl === 'string' ? [baseUrl] : [...baseUrl]).map(originOf))];
  if (origins.length === 0) throw new TypeError('handlersFor: baseUrl lists no origin');
  if (given && given.vendor !== vendor) throw new TypeError(`handlersFor: the simulator given is ${given.vendor}, not ${vendor}`);
  const simulator = given ?? createSimulator({ ...simulatorOptions, vendor });
  const handlers = origins.flatMap((origin) =>
    // the bare origin and everything under it
    [origin, `${origin}/*`].map((path) => http.all(path, async ({ request }) => simulator.app.fetch(await forward(request)))),
  );
  return Object.assign(handlers, { simulator, origins });
}
