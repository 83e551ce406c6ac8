/**
 * The Alma façade: Alma's REST API (`/almaws/v1`) over the shared circulation engine.
 */
import { and, eq } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { isEngineError } from '../../engine/errors.ts';
import { circulationDesks } from '../../engine/schema.ts';
import type { Engine } from '../../engine/engine.ts';
import type { DemoDataset } from '../../seed.ts';
import type { InjectedFault, VendorApp, VendorRuntime } from '../types.ts';
import { registerBibRoutes } from './bibs.ts';
import { AlmaError, almaErrors, fromEngineError } from './errors.ts';
import { Governance, type KeyAccess } from './governance.ts';
import { almaErrorResponse, apiBase } from './http.ts';
import { almaDemo } from './demo.ts';
import { almaNcipPath, createAlmaNcipResponder } from './ncip.ts';
import type { AlmaContext } from './render.ts';
import { registerUserRoutes } from './users.ts';

export interface AlmaSettings {
  apiKeys: Record<string, KeyAccess>;
  institutionCode: string;
  currency: string;
}

/** What the route modules share. */
export interface AlmaRuntime {
  engine: Engine;
  dataset: DemoDataset;
  institutionCode: string;
  currency: string;
  context(c: Context): AlmaContext;
  deskExists(libraryId: number, code: string): boolean;
}

/** Alma's documented default: about 25 calls per second per institution. */
export const almaDefaultPerSecond = 25;
export const almaDefaultDaily = 1_000_000;

export function createAlmaApp(runtime: VendorRuntime, settings: AlmaSettings): VendorApp {
  const governance = new Governance({
    apiKeys: settings.apiKeys,
    perSecond: runtime.limits.perSecond ?? almaDefaultPerSecond,
    daily: runtime.limits.daily ?? almaDefaultDaily,
    clock: runtime.clock,
  });
  const alma: AlmaRuntime = {
    engine: runtime.engine,
    dataset: runtime.dataset,
    institutionCode: settings.institutionCode,
    currency: settings.currency,
    context: (c) => ({
      engine: runtime.engine,
      dataset: runtime.dataset,
      baseUrl: apiBase(c),
      institutionCode: settings.institutionCode,
      currency: settings.currency,
    }),
    deskExists: (libraryId, code) =>
      runtime.engine.db
        .select()
        .from(circulationDesks)
        .where(and(eq(circulationDesks.libraryId, libraryId), eq(circulationDesks.code, code)))
        .get() !== undefined,
  };

  const app = new Hono();
  app.use('/almaws/v1/*', governance.middleware());
  registerUserRoutes(app, alma);
  registerBibRoutes(app, alma);
  // NCIP is not an almaws API: no API key, no governance; partner codes instead.
  app.route(
    almaNcipPath,
    createAlmaNcipResponder(runtime, {
      institutionCode: settings.institutionCode,
      partnerCodes: [almaDemo.ncipPartnerCode],
      partnerAccounts: {
        byPartner: { [almaDemo.ncipPartnerCode]: almaDemo.institutionalPatrons.default.primaryId },
        bySymbol: Object.fromEntries(
          Object.entries(almaDemo.institutionalPatrons)
            .filter(([symbol]) => symbol !== 'default')
            .map(([symbol, account]) => [symbol, account.primaryId]),
        ),
      },
    }).app,
  );
  // Registered last: Hono copies routes when the app is mounted, in this order.
  app.all('/almaws/v1/*', (c) => almaErrorResponse(c, almaErrors.unknownPath(new URL(c.req.url).pathname)));
  app.onError((error, c) => {
    if (error instanceof AlmaError) return almaErrorResponse(c, error);
    if (isEngineError(error)) return almaErrorResponse(c, fromEngineError(error));
    return almaErrorResponse(c, new AlmaError('INTERNAL_SERVER_ERROR', 'Internal server error.', 500));
  });

  // Clients add a slash before the query (VuFind's Alma driver: `/users/?q=email~…`,
  // `/users/{id}/loans/{loan_id}/?op=renew`); Alma's gateway answers those as the plain path.
  const outer = new Hono();
  outer.all('/almaws/v1/*', (c) => {
    const url = new URL(c.req.url);
    if (!url.pathname.endsWith('/')) return app.fetch(c.req.raw);
    url.pathname = url.pathname.replace(/\/+$/u, '');
    return app.fetch(new Request(url, c.req.raw));
  });
  outer.route('/', app);

  return {
    app: outer,
    renderFault(c: Context, fault: InjectedFault) {
      if (fault.kind === 'rate_limited') return almaErrorResponse(c, almaErrors.perSecondThreshold());
      if (fault.kind === 'down') {
        return new Response('<html><body><h1>503 Service Unavailable</h1></body></html>', {
          status: 503,
          headers: { 'Content-Type': 'text/html' },
        });
      }
      return almaErrorResponse(c, new AlmaError('GENERAL_ERROR', 'An injected fault: the request was not processed.', fault.status));
    },
    reset: () => governance.reset(),
    governance: () => ({ ...governance.stats() }),
  };
}
