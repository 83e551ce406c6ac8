import type { VendorDefinition } from '../types.ts';
import { createSierraApp } from './app.ts';
import { sierraRoles } from './auth.ts';
import { type SierraDemo, sierraDemo, sierraDemoProfile } from './demo.ts';

const readRoles = sierraRoles.filter((role) => role.endsWith('Read'));

export const sierraVendor: VendorDefinition<SierraDemo> = {
  id: 'sierra',
  displayName: 'Innovative Sierra',
  basePath: '/iii/sierra-api/v6',
  demoProfile: sierraDemoProfile,
  demo: sierraDemo,
  createApp: (runtime) =>
    createSierraApp(runtime, {
      clients: {
        [sierraDemo.clientKey]: { secret: sierraDemo.clientSecret, roles: sierraRoles },
        [sierraDemo.readOnlyClientKey]: { secret: sierraDemo.readOnlyClientSecret, roles: readRoles },
      },
      tokenLifetimeSeconds: sierraDemo.tokenLifetimeSeconds,
      ncip: {
        path: sierraDemo.ncipPath,
        profile: 'sierra',
        agencyId: sierraDemo.ncipAgencyId,
        illLibrary: 'MAIN',
        illLocation: 'ILL',
        illItemPolicy: 'ILL',
        libraryUseOnlyPolicy: 'LIBUSE',
      },
    }),
  credentialsHelp: (baseUrl) => [
    `Sierra REST: ${baseUrl}/iii/sierra-api/v6  (client key ${sierraDemo.clientKey}, secret ${sierraDemo.clientSecret}); try`,
    `  curl -s -u ${sierraDemo.clientKey}:${sierraDemo.clientSecret} -d grant_type=client_credentials ${baseUrl}/iii/sierra-api/v6/token`,
    `  curl -s -H 'Authorization: Bearer <token>' '${baseUrl}/iii/sierra-api/v6/patrons/find?varFieldTag=b&varFieldContent=${sierraDemo.patrons.good.barcode}'`,
    `NCIP 2.0 responder: POST ${baseUrl}${sierraDemo.ncipPath}  (ToAgencyId ${sierraDemo.ncipAgencyId}; patrons by barcode)`,
  ],
};

export { createSierraApp, sierraDemo };
