import type { VendorDefinition } from '../types.ts';
import { createMillenniumApp } from './app.ts';
import { type MillenniumDemo, millenniumDemo, millenniumDemoProfile } from './demo.ts';

export const millenniumVendor: VendorDefinition<MillenniumDemo> = {
  id: 'millennium',
  displayName: 'Innovative Millennium',
  basePath: millenniumDemo.patronApiPath,
  demoProfile: millenniumDemoProfile,
  demo: millenniumDemo,
  createApp: (runtime) =>
    createMillenniumApp(runtime, {
      ncipPath: millenniumDemo.ncipPath,
      ncipAgencyId: millenniumDemo.ncipAgencyId,
      patronApiPath: millenniumDemo.patronApiPath,
      ncipPartners: millenniumDemo.ncipPartners,
    }),
  credentialsHelp: (baseUrl) => [
    `NCIP 2.0 responder: POST ${baseUrl}${millenniumDemo.ncipPath}  (ToAgencyId ${millenniumDemo.ncipAgencyId}; patrons by barcode)`,
    `Patron API: ${baseUrl}${millenniumDemo.patronApiPath}/${millenniumDemo.patrons.good.barcode}/dump  and  …/${millenniumDemo.patrons.good.barcode}/${millenniumDemo.patrons.good.pin}/pintest`,
  ],
};

export { createMillenniumApp, millenniumDemo };
