/** `demo.horizon`: the Horizon simulator's seed, credentials and NCIP agency. */
import { buildDemoDataset, type DemoProfile } from '../../seed.ts';
import { describeSirsiDynixDemo } from '../sirsidynix-ws/demo.ts';
import { horizonDialect } from '../sirsidynix-ws/dialect.ts';

export const horizonDemoProfile: DemoProfile = { fakerSeed: 6006, itemBarcodePrefix: '36', patronBarcodePrefix: '26' };

export const horizonDataset = buildDemoDataset(horizonDemoProfile);
export const horizonDemo = describeSirsiDynixDemo(horizonDataset, {
  vendor: 'horizon',
  basePath: horizonDialect.basePath,
  clientId: 'BOOKSTRAP',
  staff: { login: 'ILLSTAFF', password: 'horizon-demo-password', key: 'ILLSTAFF', name: 'Interlibrary Loan Office', library: 'MAIN' },
  overrideCode: 'SIMOVERRIDE',
  sessionIdleMinutes: 60,
  ncip: { path: '/ncip', agencyId: 'HZNBKS', versions: ['1.0'] },
});
export type HorizonDemo = typeof horizonDemo;
