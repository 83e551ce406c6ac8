/**
 * The Sierra façade: Sierra REST v6 (`/iii/sierra-api/v6`) over the shared circulation engine —
 * client-credentials tokens, ErrorCode bodies, 204-no-body writes, URLs as ids.
 */
import { type Context, Hono } from 'hono';
import { isEngineError } from '../../engine/errors.ts';
import type { InjectedFault, VendorApp, VendorRuntime } from '../types.ts';
import { type SierraClient, SierraAuth, tokenOf } from './auth.ts';
import { fromEngineError, SierraError, sierraErrors } from './errors.ts';
import { registerItemRoutes } from './items.ts';
import { createInnovativeNcipResponder, type InnovativeNcipSettings } from './ncip.ts';
import { registerPatronRoutes } from './patrons.ts';
import { createWorld, type SierraWorld } from './world.ts';

export interface SierraSettings {
  clients: Record<string, SierraClient>;
  tokenLifetimeSeconds?: number;
  /** Wall-clock milliseconds before a created item can be read back (0: at once). */
  itemVisibilityLagMs?: number;
  /** The NCIP responder on the same server, at `path`. */
  ncip?: InnovativeNcipSettings & { path: string };
}

const v6 = '/iii/sierra-api/v6';

export function sierraErrorResponse(error: SierraError): Response {
  return new Response(JSON.stringify(error.toBody()), {
    status: error.httpStatus,
    headers: { 'Content-Type': 'application/json;charset=UTF-8' },
  });
}

export function createSierraApp(runtime: VendorRuntime, settings: SierraSettings): VendorApp & { world: SierraWorld } {
  const auth = new SierraAuth(settings.clients, runtime.clock, settings.tokenLifetimeSeconds ?? 3600);
  const world = createWorld(runtime.engine, runtime.dataset, { itemVisibilityLagMs: settings.itemVisibilityLagMs ?? 0 });
  const app = new Hono();

  // Real scripts post the token request in every shape: no body at all (Chapel Hill's
  // sierra_util.py, requests.post with only headers), `auth=(key, secret)` and no body (Wellcome's
  // script), a JSON body, or a form without grant_type. Sierra answers them all with a
  // client-credentials token: the Basic header is what counts. An explicit other grant type is refused.
  app.post(`${v6}/token`, async (c) => {
    const type = c.req.header('content-type') ?? '';
    const raw = await c.req.text();
    let grantType: string | undefined;
    if (type.includes('json')) {
      try {
        const parsed = JSON.parse(raw) as { grant_type?: unknown };
        grantType = typeof parsed?.grant_type === 'string' ? parsed.grant_type : undefined;
      } catch {
        grantType = undefined;
      }
    } else {
      grantType = new URLSearchParams(raw).get('grant_type') ?? undefined;
    }
    return c.json(auth.grant(c.req.header('authorization'), grantType ?? 'client_credentials'));
  });

  // Everything but the token endpoint needs a live bearer token.
  app.use(`${v6}/*`, async (c, next) => {
    if (new URL(c.req.url).pathname === `${v6}/token`) return next();
    return auth.middleware()(c, next);
  });

  app.get(`${v6}/info/token`, (c) => {
    const token = tokenOf(c);
    return c.json({
      keyId: token.keyId,
      grantType: 'client_credentials',
      authorizationScheme: 'Bearer',
      expiresIn: token.expiresIn,
      roles: token.roles.map((role) => ({ name: role, tag: role.toLowerCase().replace(/\s+/gu, '_') })),
    });
  });

  registerPatronRoutes(app, world);
  registerItemRoutes(app, world);
  if (settings.ncip) app.route(settings.ncip.path, createInnovativeNcipResponder(runtime, settings.ncip).app);

  // Registered last: Hono copies routes when the app is mounted, in this order.
  app.all(`${v6}/*`, (c) => sierraErrorResponse(sierraErrors.noEndpoint(c.req.method, new URL(c.req.url).pathname.replace('/iii/sierra-api', ''))));
  app.onError((error, _c) => {
    if (error instanceof SierraError) return sierraErrorResponse(error);
    if (isEngineError(error)) return sierraErrorResponse(fromEngineError(error));
    return sierraErrorResponse(sierraErrors.internal(error instanceof Error ? error.message : String(error)));
  });

  // Older API versions that clients still call (VuFind's api_version setting, Chapel Hill's v3 and
  // v5 scripts): Sierra keeps serving v5 beside v6 and v3/v4 on older releases, with the same
  // resources. Paths with a trailing slash (`patrons/`, `items/?id=[a,b]`) are the same resource.
  const outer = new Hono();
  outer.all('/iii/sierra-api/*', (c) => {
    const url = new URL(c.req.url);
    const match = /^\/iii\/sierra-api\/v([3-6])(\/.*)?$/.exec(url.pathname);
    if (!match) return app.fetch(c.req.raw);
    const rest = (match[2] ?? '').replace(/(.)\/+$/u, '$1');
    const path = `${v6}${rest}`;
    if (path === url.pathname) return app.fetch(c.req.raw);
    url.pathname = path;
    return app.fetch(new Request(url, c.req.raw));
  });
  outer.route('/', app);

  return {
    app: outer,
    world,
    renderFault(_c: Context, fault: InjectedFault) {
      if (fault.kind === 'down') {
        return new Response('<html><body><h1>503 Service Unavailable</h1></body></html>', { status: 503, headers: { 'Content-Type': 'text/html' } });
      }
      if (fault.kind === 'rate_limited') {
        // Sierra documents no rate limit; a proxy in front of it answers plainly.
        return new Response(JSON.stringify({ code: 0, specificCode: 0, httpStatus: 429, name: 'Too Many Requests' }), {
          status: 429,
          headers: { 'Content-Type': 'application/json;charset=UTF-8', 'Retry-After': '1' },
        });
      }
      return sierraErrorResponse(new SierraError(109, 0, fault.status, 'Internal server error', 'An injected fault: the request was not processed.'));
    },
    reset: () => {
      auth.reset();
      world.createdAt.clear();
    },
  };
}
