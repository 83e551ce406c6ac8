/**
 * The Millennium façade: no REST circulation API — Innovative's NCIP Responder (NCIP 2.0, the
 * generic responder with Innovative's rules) and the read-only Patron API, on one server.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { createInnovativeNcipResponder } from '../sierra/ncip.ts';
import { sierraPickupLocations } from '../sierra/ids.ts';
import type { InjectedFault, VendorApp, VendorRuntime } from '../types.ts';
import { page, registerPatronApi } from './patron-api.ts';

export interface MillenniumSettings {
  ncipPath: string;
  ncipAgencyId: string;
  patronApiPath: string;
}

export function createMillenniumApp(runtime: VendorRuntime, settings: MillenniumSettings): VendorApp {
  const app = new Hono();
  app.route(
    settings.ncipPath,
    createInnovativeNcipResponder(runtime, {
      profile: 'millennium',
      agencyId: settings.ncipAgencyId,
      illLibrary: 'MAIN',
      illLocation: 'ILL',
      illItemPolicy: 'ILL',
    }).app,
  );
  registerPatronApi(app, settings.patronApiPath, { engine: runtime.engine, pickupLocations: sierraPickupLocations(runtime.dataset) });
  return {
    app,
    renderFault(_c: Context, fault: InjectedFault) {
      // The WebPAC server answers plain HTML pages, errors included.
      const status = fault.kind === 'down' ? 503 : fault.status;
      const text = fault.kind === 'down' ? '503 Service Unavailable' : `${status} An injected fault: the request was not processed.`;
      return new Response(page([text]), { status, headers: { 'Content-Type': 'text/html' } });
    },
    reset: () => {},
  };
}
