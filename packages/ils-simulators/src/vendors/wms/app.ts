/**
 * The WMS façade: OCLC's OAuth token service, the IDM SCIM patron API, the NCIP staff endpoint in
 * OCLC's circ-ILL profile and its patron profile, OCLC's documented WMS Circulation API routes, and
 * the staff desk (control plane, `/_sim/desk`) — one origin standing in for
 * oauth.oclc.org, {institution}.share.worldcat.org and circ.sd00.worldcat.org.
 */
import { type Context, Hono } from 'hono';
import type { InjectedFault, VendorApp, VendorRuntime } from '../types.ts';
import { circBase, renderCirculationError, registerCirculationRoutes } from './circulation.ts';
import { type WmsScope, wmsScopes } from './demo.ts';
import { WmsError, wmsErrorResponse } from './errors.ts';
import { registerNcipRoute } from './ncip.ts';
import { OclcOAuth } from './oauth.ts';
import { type WmsIllSettings, WmsRules } from './rules.ts';
import { patronOfPrincipal, registerScimRoutes, scimBase, scimError } from './scim.ts';

export interface WmsSettings {
  wskeys: Record<string, { secret: string; scopes: WmsScope[] }>;
  institutionId: string;
  institutionName: string;
  /** engine library code → branch registry id */
  branchIds: Readonly<Record<string, string>>;
  illSettings: WmsIllSettings;
  currency: string;
  tokenLifetimeSeconds: number;
}

const pathOf = (c: Context) => new URL(c.req.url).pathname;

export function createWmsApp(runtime: VendorRuntime, settings: WmsSettings): VendorApp {
  const { engine, clock } = runtime;
  const oauth = new OclcOAuth({
    wskeys: settings.wskeys,
    institutionId: settings.institutionId,
    lifetimeSeconds: settings.tokenLifetimeSeconds,
    clock,
    knowsPrincipal: (id, namespace) => patronOfPrincipal(engine, id, namespace, settings.institutionId) !== undefined,
  });
  const rules = new WmsRules(engine, settings.branchIds, settings.illSettings);

  const app = new Hono();
  app.post('/token', (c) => oauth.tokenEndpoint(c));
  registerScimRoutes(
    app,
    engine,
    oauth,
    { institutionId: settings.institutionId, homeBranchId: settings.illSettings.temporaryItemHomeBranch },
    wmsScopes.readUser,
  );
  registerNcipRoute(app, runtime, oauth, rules, {
    institutionId: settings.institutionId,
    branchIds: settings.branchIds,
    illSettings: settings.illSettings,
    userOfPrincipal: (principal) => patronOfPrincipal(engine, principal.id, principal.namespace, settings.institutionId),
  });
  const desk = registerCirculationRoutes(app, engine, oauth, {
    institutionId: settings.institutionId,
    institutionName: settings.institutionName,
    homeBranchId: settings.illSettings.temporaryItemHomeBranch,
    currency: settings.currency,
    scope: wmsScopes.circulation,
    rules,
  });

  app.onError((error, c) => {
    const rendered = pathOf(c).startsWith(circBase) ? renderCirculationError(c, error) : undefined;
    if (rendered) return rendered;
    if (pathOf(c).startsWith(scimBase)) return scimError(500, 'Unable to to handle the request.');
    return wmsErrorResponse(c, new WmsError(500, 'Unable to handle the request', error instanceof Error ? error.message : String(error)));
  });

  return {
    app,
    desk,
    renderFault(c: Context, fault: InjectedFault) {
      const status = fault.kind === 'down' ? 503 : fault.kind === 'rate_limited' ? 429 : fault.status;
      // Each OCLC service fails in its own format; the SCIM body is the one captured from WMS.
      if (pathOf(c).startsWith(scimBase)) {
        return new Response(
          JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], detail: 'Unable to to handle the request.', status: String(status) }),
          {
            status,
            headers: { 'Content-Type': 'application/scim+json' },
          },
        );
      }
      if (fault.kind === 'down') {
        return new Response('<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>', {
          status: 503,
          headers: { 'Content-Type': 'text/html' },
        });
      }
      const message = fault.kind === 'rate_limited' ? 'Too Many Requests' : 'Unable to handle the request';
      return new Response(JSON.stringify({ code: status, message, detail: 'An injected fault: the request was not processed.' }), {
        status,
        headers: { 'Content-Type': 'application/json' },
      });
    },
    reset: () => oauth.reset(),
  };
}
