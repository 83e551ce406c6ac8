import { integrationSettingsSchema } from '@bookstrap/core';
import type { AlmaDemo } from '@bookstrap/ils-simulators';
import type { NewLibraryInput } from './workflow/libraries.ts';

/**
 * Demo tenants configured from a simulator's published seed (`demo.<vendor>`), shared by the
 * demo launcher and the tests. Deterministic API keys: demo data, never production.
 */
export interface DemoLibrary extends NewLibraryInput {
  apiKey: string;
}

export const demoAdminKey = 'demo-admin-key-0000';

/**
 * Two Alma libraries that lend to each other: TULSA works in the Alma library MAIN, PARTNR in
 * SCI (one simulated Alma institution, two libraries). Each has the other's ILS account mapped.
 */
export function almaDemoLibraries(alma: AlmaDemo, baseUrl: string): DemoLibrary[] {
  const library = (symbol: 'TULSA' | 'PARTNR', almaLibrary: string, partner: 'TULSA' | 'PARTNR'): DemoLibrary => {
    const almaInfo = alma.libraries.find((l) => l.code === almaLibrary);
    return {
      symbol,
      name: symbol === 'TULSA' ? 'Tulsa City-County Library' : 'Partner University Library',
      apiKey: `demo-key-${symbol.toLowerCase()}`,
      connection: {
        ils: 'alma',
        protocol: 'rest',
        baseUrl: `${baseUrl}${alma.basePath}`,
        credentials: { apiKey: alma.apiKey },
        library: almaLibrary,
        circulationDesk: alma.circDesks[almaLibrary] ?? 'DEFAULT_CIRC_DESK',
        institutionCode: alma.institutionCode,
      },
      settings: integrationSettingsSchema.parse({
        borrowing: {
          illLocation: alma.illLocation,
          temporaryItemPolicy: alma.itemPolicies.interlibraryLoan,
          libraryUseOnlyItemPolicy: alma.itemPolicies.libraryUseOnly,
          illFee: { amount: 0, feeType: alma.feeTypes.illFee },
        },
        lending: {
          borrowerIdentifiers: {
            map: { [partner]: alma.institutionalPatrons[partner].primaryId },
            defaultId: alma.institutionalPatrons.default.primaryId,
          },
        },
        calendar: { closedWeekdays: almaInfo?.closedWeekdays ?? [], closedDates: [] },
      }),
      pickupLocations: [{ code: almaLibrary, name: almaInfo?.name ?? almaLibrary, ilsLocationCode: almaLibrary, active: true }],
    };
  };
  return [library('TULSA', 'MAIN', 'PARTNR'), library('PARTNR', 'SCI', 'TULSA')];
}
