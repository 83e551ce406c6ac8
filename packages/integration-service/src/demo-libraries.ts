import { integrationSettingsSchema } from '@bookstrap/core';
import type { AlmaDemo, MillenniumDemo, SierraDemo, SirsiDynixDemo, WmsDemo } from '@bookstrap/ils-simulators';
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

/**
 * A third Alma library, ALMANCIP, that talks to the same simulated Alma in NCIP mode, as ILLiad
 * and Tipasa do: NCIP (`/view/NCIPServlet`, ToAgencyId = institution code, ApplicationProfileType
 * = the resource-sharing partner code) plus Alma REST for fees, due dates and deleting temporary
 * items. It works in the Alma library MAIN and lends to PARTNR.
 */
export function almaNcipDemoLibrary(alma: AlmaDemo, baseUrl: string): DemoLibrary {
  const [tulsa] = almaDemoLibraries(alma, baseUrl);
  if (!tulsa) throw new Error('almaDemoLibraries returned no library');
  return {
    ...tulsa,
    symbol: 'ALMANCIP',
    name: 'Alma NCIP Demo Library',
    apiKey: 'demo-key-almancip',
    connection: {
      ...tulsa.connection,
      protocol: 'ncip',
      ncipUrl: `${baseUrl}/view/NCIPServlet`,
      ncip: { toAgencyId: alma.institutionCode, fromAgencyId: 'ALMANCIP', applicationProfileType: alma.ncipPartnerCode },
    },
  };
}

/**
 * A WMS library (OCLC symbol WMSTCC) on the simulated WorldShare: NCIP and SCIM with an OAuth
 * WSKey, the main branch as pickup location, and the accounts WMS keeps for borrowing
 * institutions mapped for lending (TULSA, the Alma demo library, borrows from it).
 */
export function wmsDemoLibraries(wms: WmsDemo, baseUrl: string): DemoLibrary[] {
  const main = wms.branches.find((branch) => branch.code === 'MAIN') ?? wms.branches[0];
  if (!main) return [];
  return [
    {
      symbol: 'WMSTCC',
      name: 'Tulsa Community College Library (WMS)',
      apiKey: 'demo-key-wmstcc',
      connection: {
        ils: 'wms',
        protocol: 'ncip',
        // The simulator answers for oauth.oclc.org, the SCIM host and circ.sd00.worldcat.org at once.
        baseUrl,
        ncipUrl: `${baseUrl}${wms.paths.ncip}`,
        credentials: { clientKey: wms.wskey, clientSecret: wms.secret },
        ncip: { toAgencyId: wms.institutionId, fromAgencyId: wms.institutionId },
        institutionCode: wms.institutionId,
        library: main.branchId,
      },
      settings: integrationSettingsSchema.parse({
        borrowing: {
          illLocation: wms.illSettings.temporaryHoldingLocation,
          // Charge patron on shipped: one of the two ILSs that can (Tipasa: Alma and WMS).
          chargePatronOnShipped: true,
          illFee: { amount: wms.illSettings.illFeePolicy.defaultAmount, feeType: wms.feeTypes.illFee },
        },
        lending: {
          borrowerIdentifiers: {
            map: { TULSA: wms.institutionalPatrons.TULSA.barcode, PARTNR: wms.institutionalPatrons.PARTNR.barcode },
            defaultId: wms.institutionalPatrons.default.barcode,
          },
        },
        calendar: { closedWeekdays: main.closedWeekdays, closedDates: [] },
      }),
      pickupLocations: [{ code: main.branchId, name: main.name, ilsLocationCode: main.branchId, active: true }],
    },
  ];
}

/**
 * A SirsiDynix library on the simulated Symphony (SYMPHNY) or Horizon (HORIZN), connected the way
 * ILL systems are: NCIP 1.0 to the product's NCIP server, plus Web Services (client id, staff
 * login) for what NCIP lacks. It works in MAIN, places holds on requested items when lending
 * (Horizon and Symphony only), and has the TULSA and PARTNR accounts mapped. Symphony also moves
 * lent items to the ILL location, which Horizon cannot.
 */
export function sirsiDynixDemoLibrary(sirsi: SirsiDynixDemo, baseUrl: string): DemoLibrary {
  const symphony = sirsi.vendor === 'symphony';
  const main = sirsi.libraries.find((library) => library.code === sirsi.illLibrary);
  return {
    symbol: symphony ? 'SYMPHNY' : 'HORIZN',
    name: symphony ? 'Symphony Demo Library' : 'Horizon Demo Library',
    apiKey: `demo-key-${sirsi.vendor}`,
    connection: {
      ils: sirsi.vendor,
      protocol: 'ncip',
      ncipUrl: `${baseUrl}${sirsi.ncip.path}`,
      ncip: { toAgencyId: sirsi.ncip.agencyId, fromAgencyId: symphony ? 'SYMPHNY' : 'HORIZN' },
      baseUrl: `${baseUrl}${sirsi.basePath}`,
      credentials: { clientId: sirsi.clientId, username: sirsi.staff.login, password: sirsi.staff.password },
      library: sirsi.illLibrary,
    },
    settings: integrationSettingsSchema.parse({
      borrowing: {
        illLocation: sirsi.illLocation,
        temporaryItemPolicy: sirsi.itemTypes.interlibraryLoan,
        libraryUseOnlyItemPolicy: sirsi.itemTypes.libraryUseOnly,
      },
      lending: {
        placeHoldOnRequestedItem: true,
        ...(symphony ? { illTemporaryLocation: sirsi.illLocation } : {}),
        borrowerIdentifiers: {
          map: { TULSA: sirsi.institutionalPatrons.TULSA.barcode, PARTNR: sirsi.institutionalPatrons.PARTNR.barcode },
          defaultId: sirsi.institutionalPatrons.default.barcode,
        },
      },
      calendar: { closedWeekdays: main?.closedWeekdays ?? [], closedDates: [] },
    }),
    pickupLocations: [{ code: sirsi.illLibrary, name: main?.name ?? sirsi.illLibrary, ilsLocationCode: sirsi.illLibrary, active: true }],
  };
}

/**
 * A Sierra library (SIERRA) on the simulated Sierra, connected as Tipasa and ReShare do it:
 * Innovative's NCIP responder for circulation, Sierra REST (client key and secret) for manual
 * charges and moving lent items to the ILL location. Patrons and the borrowing libraries'
 * accounts are named by barcode, as Sierra requires for the ILL institution account.
 */
export function sierraDemoLibrary(sierra: SierraDemo, baseUrl: string): DemoLibrary {
  const main = sierra.libraries.find((library) => library.code === 'MAIN');
  const pickup = sierra.pickupLocations.find((location) => location.library === 'MAIN');
  return {
    symbol: 'SIERRA',
    name: 'Sierra Demo Library',
    apiKey: 'demo-key-sierra',
    connection: {
      ils: 'sierra',
      protocol: 'ncip',
      ncipUrl: `${baseUrl}${sierra.ncipPath}`,
      ncip: { toAgencyId: sierra.ncipAgencyId, fromAgencyId: 'SIERRA' },
      baseUrl: `${baseUrl}${sierra.basePath}`,
      credentials: { clientKey: sierra.clientKey, clientSecret: sierra.clientSecret },
      library: 'MAIN',
    },
    settings: integrationSettingsSchema.parse({
      borrowing: {
        illLocation: sierra.illLocation,
        temporaryItemPolicy: String(sierra.itemTypes.ILL),
        libraryUseOnlyItemPolicy: String(sierra.itemTypes.LIBUSE),
        illFee: { amount: 0, feeType: sierra.manualChargeType },
      },
      lending: {
        illTemporaryLocation: sierra.lendingTemporaryLocation,
        borrowerIdentifiers: {
          map: { TULSA: sierra.institutionalPatrons.TULSA.barcode, PARTNR: sierra.institutionalPatrons.PARTNR.barcode },
          defaultId: sierra.institutionalPatrons.default.barcode,
        },
      },
      calendar: { closedWeekdays: main?.closedWeekdays ?? [], closedDates: [] },
    }),
    pickupLocations: [{ code: 'MAIN', name: pickup?.name ?? 'Main Library', ilsLocationCode: pickup?.code ?? 'main', active: true }],
  };
}

/**
 * A Millennium library (MILLENN): NCIP only — Millennium has no circulation API — to
 * Innovative's NCIP responder, patrons and accounts by barcode. No fees, no temporary locations
 * (the responder has no message for them).
 */
export function millenniumDemoLibrary(millennium: MillenniumDemo, baseUrl: string): DemoLibrary {
  const main = millennium.libraries.find((library) => library.code === 'MAIN');
  const pickup = millennium.pickupLocations.find((location) => location.library === 'MAIN');
  return {
    symbol: 'MILLENN',
    name: 'Millennium Demo Library',
    apiKey: 'demo-key-millennium',
    connection: {
      ils: 'millennium',
      protocol: 'ncip',
      ncipUrl: `${baseUrl}${millennium.ncipPath}`,
      ncip: { toAgencyId: millennium.ncipAgencyId, fromAgencyId: 'MILLENN' },
      credentials: {},
      library: 'MAIN',
    },
    settings: integrationSettingsSchema.parse({
      borrowing: { illLocation: millennium.illLocation },
      lending: {
        borrowerIdentifiers: {
          map: { TULSA: millennium.institutionalPatrons.TULSA.barcode, PARTNR: millennium.institutionalPatrons.PARTNR.barcode },
          defaultId: millennium.institutionalPatrons.default.barcode,
        },
      },
      calendar: { closedWeekdays: main?.closedWeekdays ?? [], closedDates: [] },
    }),
    pickupLocations: [{ code: 'MAIN', name: pickup?.name ?? 'Main Library', ilsLocationCode: pickup?.code ?? 'main', active: true }],
  };
}
