/**
 * SirsiDynix Horizon: Horizon Web Services (ROA, `/hzws/v1`, Symphony's conventions with
 * Horizon's login and patron search) and an NCIP 1.0 responder (`/ncip`), over the shared engine.
 */
import { profiles } from '@bookstrap/ncip';
import { horizonDialect } from '../sirsidynix-ws/dialect.ts';
import { createSirsiDynixVendorApp } from '../sirsidynix-ws/vendor.ts';
import type { VendorDefinition } from '../types.ts';
import { type HorizonDemo, horizonDemo, horizonDemoProfile } from './demo.ts';

export const horizonVendor: VendorDefinition<HorizonDemo> = {
  id: 'horizon',
  displayName: 'SirsiDynix Horizon',
  basePath: horizonDialect.basePath,
  demoProfile: horizonDemoProfile,
  demo: horizonDemo,
  createApp: (runtime) =>
    createSirsiDynixVendorApp(runtime, horizonDialect, horizonDemo, {
      profile: profiles.horizon,
      services: ['LookupUser', 'LookupItem', 'AcceptItem', 'CheckOutItem', 'CheckInItem', 'RenewItem', 'RequestItem', 'CancelRequestItem', 'DeleteItem'],
      // Horizon Web Services document no item update, so the ILL location of lent items is the
      // NCIP server's own setting, applied at CheckOutItem and undone at CheckInItem.
      checkOutLocation: { library: horizonDemo.illLibrary, location: horizonDemo.illLocation },
    }),
  credentialsHelp: (baseUrl) => [
    `Horizon Web Services: ${baseUrl}${horizonDemo.basePath}  (x-sirs-clientID: ${horizonDemo.clientId}; staff login ${horizonDemo.staff.login} / ${horizonDemo.staff.password}); try`,
    `  curl -s -H 'x-sirs-clientID: ${horizonDemo.clientId}' -H 'Content-Type: application/json' -d '{"barcode":"${horizonDemo.patrons.good.barcode}","password":"${horizonDemo.patrons.good.pin}"}' ${baseUrl}${horizonDemo.basePath}/user/patron/login`,
    `  NCIP 1.0: POST ${baseUrl}${horizonDemo.ncip.path} (ToAgencyId ${horizonDemo.ncip.agencyId}); override code ${horizonDemo.overrideCode}`,
  ],
};

export { horizonDemo };
