import { documentedCapabilities } from '@bookstrap/core';
import { type NcipService, profiles } from '@bookstrap/ncip';
import { SirsiDynixWsAdapter, type SirsiDynixProduct, sirsiDynixConnectionProblems, sirsiDynixOptions } from '../sirsidynix/adapter.ts';
import { sirsiDynixNcipAdapter } from '../sirsidynix/ncip.ts';
import type { AdapterDefinition } from '../types.ts';

/**
 * SirsiDynix Horizon. ILL systems talk to it over NCIP 1.0 (ReShare's HorizonHostLMSService,
 * Relais, Tipasa — which also places the hold on a requested item for lending), the default row
 * (`horizon:ncip`); Horizon Web Services (Symphony's conventions, `/hzws/v1`), when configured,
 * read and set due dates there, and are a full adapter of their own (`horizon:rest`).
 * Horizon Web Services cannot move an item; the ILL temporary location of lent items is Horizon's
 * NCIP server's own check-out location (verified over LookupItem, `horizon:ncip` only). No bill is
 * created over either protocol.
 */
export const horizonNcipServices: readonly NcipService[] = [
  'LookupUser',
  'LookupItem',
  'AcceptItem',
  'CheckOutItem',
  'CheckInItem',
  'RenewItem',
  'RequestItem',
  'CancelRequestItem',
  'DeleteItem',
];

export const horizonProduct: SirsiDynixProduct = {
  ils: 'horizon',
  name: 'Horizon',
  // what Web Services can do: no item update, so no temporary location over them
  capabilities: { ...documentedCapabilities.horizon, temporaryLocation: false },
  standing: false,
};

export const horizonWsPath = '/hzws/v1';

export const horizonNcipAdapter: AdapterDefinition = sirsiDynixNcipAdapter({
  product: horizonProduct,
  profile: profiles.horizon,
  services: horizonNcipServices,
  wsPath: horizonWsPath,
});

export const horizonRestAdapter: AdapterDefinition = {
  ils: 'horizon',
  protocol: 'rest',
  capabilities: horizonProduct.capabilities,
  // No documented limit (/work/shared/reference/vendor-apis.md): unpaced until the ILS answers 429,
  // then the limiter halves and regrows its allowance; `connection.rateLimit` sets one per library.
  ratePerSecond: Number.POSITIVE_INFINITY,
  create: (connection, context) => new SirsiDynixWsAdapter(horizonProduct, sirsiDynixOptions(connection, horizonWsPath), context),
  checkConnection: (connection) => sirsiDynixConnectionProblems(connection, 'Horizon'),
};
