import type { VendorDefinition } from '../types.ts';
import { createWmsApp } from './app.ts';
import { type WmsDemo, wmsBranchIds, wmsDemo, wmsDemoProfile, wmsScopes } from './demo.ts';

export const wmsVendor: VendorDefinition<WmsDemo> = {
  id: 'wms',
  displayName: 'OCLC WorldShare Management Services',
  basePath: wmsDemo.basePath,
  demoProfile: wmsDemoProfile,
  demo: wmsDemo,
  createApp: (runtime) =>
    createWmsApp(runtime, {
      wskeys: {
        [wmsDemo.wskey]: { secret: wmsDemo.secret, scopes: [wmsScopes.ncip, wmsScopes.readUser, wmsScopes.circulation] },
        [wmsDemo.ncipOnlyWskey]: { secret: wmsDemo.ncipOnlySecret, scopes: [wmsScopes.ncip] },
      },
      institutionId: wmsDemo.institutionId,
      institutionName: wmsDemo.institutionName,
      branchIds: wmsBranchIds,
      illSettings: wmsDemo.illSettings,
      currency: wmsDemo.currency,
      tokenLifetimeSeconds: wmsDemo.tokenLifetimeSeconds,
    }),
  credentialsHelp: (baseUrl) => [
    `OAuth: POST ${baseUrl}/token?grant_type=client_credentials&scope=WMS_NCIP%20SCIM:read_user%20WMS_CIRCULATION  (Basic ${wmsDemo.wskey}:${wmsDemo.secret})`,
    `  NCIP: POST ${baseUrl}/ncip (Bearer, WMS_NCIP; agency ${wmsDemo.institutionId}); SCIM: POST ${baseUrl}/idaas/scim/v2/Users/.search (Bearer, SCIM:read_user)`,
    `  NCIP patron profile: POST ${baseUrl}/circ-patron (Bearer, WMS_NCIP); item routing: POST ${baseUrl}/circ/items/route (Bearer, WMS_CIRCULATION)`,
    `  desk (control plane, not OCLC API): ${baseUrl}/_sim/desk/…; good patron barcode ${wmsDemo.patrons.good.barcode}`,
  ],
};

export { createWmsApp, wmsDemo };
