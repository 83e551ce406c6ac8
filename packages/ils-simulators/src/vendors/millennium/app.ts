/**
 * The Millennium façade: no REST circulation API — Innovative's NCIP Responder (NCIP 2.0, the
 * generic responder with Innovative's rules) and the read-only Patron API, on one server.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { sierraPickupLocations } from '../sierra/ids.ts';
import { createInnovativeNcipResponder } from '../sierra/ncip.ts';
import type { InjectedFault, VendorApp, VendorRuntime } from '../types.ts';
import { page, registerPatronApi } from './patron-api.ts';

export interface MillenniumSettings {
  ncipPath: string;
  ncipAgencyId: string;
  patronApiPath: string;
  /**
   * NCIP partners (by FromAgencyId) whose circulation happens at another branch than the ILL
   * office: each partner's login sits at its own location, as the responder's partner table says.
   */
  ncipPartners?: Readonly<Record<string, string>>;
}

/** FromAgencyId of an NCIP message, whatever namespace prefix it is written with. */
export function fromAgencyOf(xml: string): string | undefined {
  return /<(?:[\w-]+:)?FromAgencyId\b[^>]*>\s*(?:<(?:[\w-]+:)?UniqueAgencyId\b[^>]*>[\s\S]*?<(?:[\w-]+:)?Value\b[^>]*>|<(?:[\w-]+:)?AgencyId\b[^>]*>)\s*([^<\s]+)/u.exec(
    xml,
  )?.[1];
}

export function createMillenniumApp(runtime: VendorRuntime, settings: MillenniumSettings): VendorApp {
  const responderAt = (library: string, checkOutLocation?: { library: string; location: string }) =>
    createInnovativeNcipResponder(runtime, {
      profile: 'millennium',
      agencyId: settings.ncipAgencyId,
      illLibrary: library,
      illLocation: 'ILL',
      illItemPolicy: 'ILL',
      libraryUseOnlyPolicy: 'LIBUSE',
      ...(checkOutLocation ? { checkOutLocation } : {}),
    });
  // The ILL office's partner entry moves what it lends to the ILL location (NCIP has no message
  // for it: the responder's own configuration does, as Tipasa's setup relies on).
  const illOffice = responderAt('MAIN', { library: 'MAIN', location: 'ILL' });
  const partners = new Map(Object.entries(settings.ncipPartners ?? {}).map(([agency, library]) => [agency.toUpperCase(), responderAt(library)]));

  const app = new Hono();
  app.post(settings.ncipPath, async (c) => {
    const body = new Uint8Array(await c.req.arrayBuffer());
    const agency = fromAgencyOf(new TextDecoder().decode(body.subarray(0, 64 * 1024)))?.toUpperCase();
    const responder = (agency && partners.get(agency)) || illOffice;
    // NCIP Problems travel with HTTP 200, as real responders send them.
    return new Response(responder.respond(body), { status: 200, headers: { 'Content-Type': 'application/xml; charset=utf-8' } });
  });
  app.all(settings.ncipPath, (c) => c.text('NCIP messages are POSTed here.', 405, { Allow: 'POST' }));
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
