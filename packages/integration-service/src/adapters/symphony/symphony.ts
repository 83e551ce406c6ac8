import { documentedCapabilities } from '@bookstrap/core';
import { type NcipService, profiles } from '@bookstrap/ncip';
import { SirsiDynixWsAdapter, type SirsiDynixProduct, sirsiDynixConnectionProblems, sirsiDynixOptions } from '../sirsidynix/adapter.ts';
import { type SirsiDynixNcipSetup, sirsiDynixNcipAdapter } from '../sirsidynix/ncip.ts';
import type { AdapterDefinition } from '../types.ts';

/**
 * SirsiDynix Symphony. ILL systems (ReShare, Tipasa, Relais) talk to it over NCIP 1.0, so that is
 * the default row (`symphony:ncip`); ILSWS (Web Services) does what Symphony's NCIP server has no
 * message for — moving a lent item to the ILL temporary location and back, reading a charge's due
 * date — and is a full adapter of its own (`symphony:rest`) for Web Services-only libraries.
 */
export const symphonyNcipServices: readonly NcipService[] = [
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

export const symphonyWsPath = '/symws';

export const symphonyProduct: SirsiDynixProduct = {
  ils: 'symphony',
  name: 'Symphony',
  // No documented bill creation in Web Services: fees stay off, as the matrix says.
  capabilities: documentedCapabilities.symphony,
  standing: true,
};

export const symphonyNcipSetup: SirsiDynixNcipSetup = {
  product: symphonyProduct,
  profile: profiles.symphony,
  services: symphonyNcipServices,
  wsPath: symphonyWsPath,
};

export const symphonyNcipAdapter: AdapterDefinition = sirsiDynixNcipAdapter(symphonyNcipSetup);

export const symphonyRestAdapter: AdapterDefinition = {
  ils: 'symphony',
  protocol: 'rest',
  capabilities: symphonyProduct.capabilities,
  // No documented limit (/work/shared/reference/vendor-apis.md): unpaced until the ILS answers 429,
  // then the limiter halves and regrows its allowance; `connection.rateLimit` sets one per library.
  ratePerSecond: Number.POSITIVE_INFINITY,
  create: (connection, context) => new SirsiDynixWsAdapter(symphonyProduct, sirsiDynixOptions(connection, symphonyWsPath), context),
  checkConnection: (connection) => sirsiDynixConnectionProblems(connection, 'Symphony'),
};
