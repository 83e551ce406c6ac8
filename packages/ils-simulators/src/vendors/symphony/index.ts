/**
 * SirsiDynix Symphony: ILSWS ("ROA" Web Services, webapp `/symws`) and an NCIP responder
 * (`/ncip`), both over the shared engine. The Web Services live in ../sirsidynix-ws/.
 */
import { profiles } from '@bookstrap/ncip';
import { symphonyDialect } from '../sirsidynix-ws/dialect.ts';
import { createSirsiDynixVendorApp } from '../sirsidynix-ws/vendor.ts';
import type { VendorDefinition } from '../types.ts';
import { type SymphonyDemo, symphonyDemo, symphonyDemoProfile } from './demo.ts';

export const symphonyVendor: VendorDefinition<SymphonyDemo> = {
  id: 'symphony',
  displayName: 'SirsiDynix Symphony',
  basePath: symphonyDialect.basePath,
  demoProfile: symphonyDemoProfile,
  demo: symphonyDemo,
  createApp: (runtime) =>
    createSirsiDynixVendorApp(runtime, symphonyDialect, symphonyDemo, {
      profile: profiles.symphony,
      services: ['LookupUser', 'LookupItem', 'AcceptItem', 'CheckOutItem', 'CheckInItem', 'RenewItem', 'RequestItem', 'CancelRequestItem', 'DeleteItem'],
    }),
  credentialsHelp: (baseUrl) => [
    `Symphony Web Services: ${baseUrl}${symphonyDemo.basePath}  (x-sirs-clientID: ${symphonyDemo.clientId}; staff login ${symphonyDemo.staff.login} / ${symphonyDemo.staff.password}); try`,
    `  curl -s -A demo -H 'x-sirs-clientID: ${symphonyDemo.clientId}' -H 'Content-Type: application/json' -d '{"login":"${symphonyDemo.staff.login}","password":"${symphonyDemo.staff.password}"}' ${baseUrl}${symphonyDemo.basePath}/user/staff/login`,
    `  NCIP 1.0: POST ${baseUrl}${symphonyDemo.ncip.path} (ToAgencyId ${symphonyDemo.ncip.agencyId}); override code ${symphonyDemo.overrideCode}`,
  ],
};

export { symphonyDemo };
