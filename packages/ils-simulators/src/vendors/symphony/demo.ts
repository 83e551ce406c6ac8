/** `demo.symphony`: the Symphony simulator's seed, credentials and NCIP agency. */
import { buildDemoDataset, type DemoProfile } from '../../seed.ts';
import { describeSirsiDynixDemo } from '../sirsidynix-ws/demo.ts';
import { symphonyDialect } from '../sirsidynix-ws/dialect.ts';

export const symphonyDemoProfile: DemoProfile = { fakerSeed: 5005, itemBarcodePrefix: '35', patronBarcodePrefix: '25' };

export const symphonyDataset = buildDemoDataset(symphonyDemoProfile);
export const symphonyDemo = describeSirsiDynixDemo(symphonyDataset, {
  vendor: 'symphony',
  basePath: symphonyDialect.basePath,
  clientId: 'BOOKSTRAP',
  staff: { login: 'ILLSTAFF', password: 'symphony-demo-password', key: 'ILLSTAFF', name: 'Interlibrary Loan Office', library: 'MAIN' },
  overrideCode: 'SIMOVERRIDE',
  sessionIdleMinutes: 60,
  // Symphony's NCIP server speaks 1.0 (ReShare's default) and 2.0 (NCSU's set-up).
  ncip: { path: '/ncip', agencyId: 'SYMBKS', versions: ['1.0', '2.02'] },
});
export type SymphonyDemo = typeof symphonyDemo;
