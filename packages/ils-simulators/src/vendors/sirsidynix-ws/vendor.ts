/**
 * One SirsiDynix product as a simulator: Web Services under the product's base path and the
 * shared NCIP responder (NCIP 1.0 for both products) under `/ncip`, on the same engine.
 */
import type { NcipProfile, NcipService } from '@bookstrap/ncip';
import { type Context, Hono } from 'hono';
import { createNcipResponder } from '../../ncip/index.ts';
import type { InjectedFault, VendorApp, VendorRuntime } from '../types.ts';
import { createSirsiDynixApp, type SirsiDynixApp } from './app.ts';
import type { SirsiDynixDemo } from './demo.ts';
import type { SirsiDynixDialect } from './dialect.ts';

export interface SirsiDynixNcipSettings {
  profile: NcipProfile;
  /** services the product's NCIP server offers */
  services: readonly NcipService[];
  /** the ILL check-out location set in the product's NCIP server (see NcipResponderConfig) */
  checkOutLocation?: { library: string; location: string };
}

/** Catalogue keys arrive with or without the OPAC's letter prefix (`a123` or `123`). */
const catalogueKey = (id: string): number | undefined => {
  const digits = /^[A-Za-z]*(\d+)$/.exec(id.trim())?.[1];
  return digits === undefined ? undefined : Number(digits);
};

export function createSirsiDynixVendorApp(
  runtime: VendorRuntime,
  dialect: SirsiDynixDialect,
  demo: SirsiDynixDemo,
  ncip: SirsiDynixNcipSettings,
): VendorApp & { ws: SirsiDynixApp } {
  const ws = createSirsiDynixApp(runtime, dialect, {
    clientIds: [demo.clientId],
    staff: [demo.staff],
    overrideCode: demo.overrideCode,
    sessionIdleMinutes: demo.sessionIdleMinutes,
    currency: demo.currency,
  });
  const responder = createNcipResponder({
    profile: ncip.profile,
    runtime,
    config: {
      agencyIds: [demo.ncip.agencyId],
      services: ncip.services,
      versions: demo.ncip.versions,
      // Both products identify users by their barcode (the user ID).
      userIdentifier: 'barcode',
      temporaryItems: {
        library: demo.illLibrary,
        location: demo.illLocation,
        policy: demo.itemTypes.interlibraryLoan,
        libraryUseOnlyPolicy: demo.itemTypes.libraryUseOnly,
      },
      circulation: { library: demo.illLibrary },
      ...(ncip.checkOutLocation ? { checkOutLocation: ncip.checkOutLocation } : {}),
      ids: { bib: catalogueKey },
      // ReShare's NCIP 1 AcceptItem names the pickup branch as ToAgencyId (lib-ncip-client acceptItem.hbs).
      acceptItemAddressedToPickupLocation: true,
      refusedNcip1UserElements: ['User Id'],
    },
  });
  const app = new Hono();
  app.route(demo.ncip.path, responder.app);
  app.route('/', ws.app);
  return {
    app,
    ws,
    renderFault(c: Context, fault: InjectedFault) {
      if (new URL(c.req.url).pathname.startsWith(demo.ncip.path)) {
        const status = fault.kind === 'down' ? 503 : fault.kind === 'rate_limited' ? 429 : fault.status;
        return new Response(`NCIP service unavailable (${status})`, { status, headers: { 'Content-Type': 'text/plain' } });
      }
      return ws.renderFault(c, fault);
    },
    reset: () => ws.reset(),
  };
}
