import type { VendorDefinition } from '../types.ts';
import { createAlmaApp } from './app.ts';
import { type AlmaDemo, almaDemo, almaDemoProfile } from './demo.ts';

export const almaVendor: VendorDefinition<AlmaDemo> = {
  id: 'alma',
  displayName: 'Ex Libris Alma',
  basePath: '/almaws/v1',
  demoProfile: almaDemoProfile,
  demo: almaDemo,
  createApp: (runtime) =>
    createAlmaApp(runtime, {
      apiKeys: { [almaDemo.apiKey]: 'read-write', [almaDemo.readOnlyApiKey]: 'read-only' },
      institutionCode: almaDemo.institutionCode,
      currency: almaDemo.currency,
    }),
  credentialsHelp: (baseUrl) => [
    `Alma REST: ${baseUrl}/almaws/v1  (Authorization: apikey ${almaDemo.apiKey}, or ?apikey=${almaDemo.apiKey})`,
    `  read-only key: ${almaDemo.readOnlyApiKey}; institution ${almaDemo.institutionCode}; try`,
    `  curl -H 'Authorization: apikey ${almaDemo.apiKey}' -H 'Accept: application/json' ${baseUrl}/almaws/v1/users/${almaDemo.patrons.good.primaryId}`,
  ],
};

export { almaDemo, createAlmaApp };
