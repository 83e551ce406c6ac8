import type { Connection } from '@bookstrap/core';
import { almaRestAdapter } from './alma/alma.ts';
import { horizonNcipAdapter, horizonRestAdapter } from './horizon/horizon.ts';
import { millenniumNcipAdapter } from './millennium/millennium.ts';
import { almaNcipAdapter } from './ncip/alma-ncip.ts';
import { sierraRestAdapter } from './sierra/sierra.ts';
import { sierraNcipAdapter } from './sierra/sierra-ncip.ts';
import { symphonyNcipAdapter, symphonyRestAdapter } from './symphony/symphony.ts';
import { type AdapterDefinition, type AdapterRegistry, adapterKey } from './types.ts';
import { wmsNcipAdapter } from './wms/wms.ts';

/**
 * One row per ILS and protocol. Adding an ILS means a folder under `adapters/` and a row here.
 * NCIP rows (`alma:ncip`, `sierra:ncip`, …) come with the NCIP adapter built on packages/ncip.
 */
export const defaultAdapterRegistry: AdapterRegistry = {
  'alma:rest': almaRestAdapter,
  'alma:ncip': almaNcipAdapter,
  // WMS integrates over OCLC's NCIP with OAuth, and SCIM for patrons: its only row.
  'wms:ncip': wmsNcipAdapter,
  // SirsiDynix: NCIP 1.0 by default (Web Services alongside for what NCIP lacks), or Web Services only.
  'symphony:ncip': symphonyNcipAdapter,
  'symphony:rest': symphonyRestAdapter,
  'horizon:ncip': horizonNcipAdapter,
  'horizon:rest': horizonRestAdapter,
  // Innovative: NCIP 2.0 by default (Sierra REST alongside for fees and locations), or Sierra REST only.
  'sierra:ncip': sierraNcipAdapter,
  'sierra:rest': sierraRestAdapter,
  // Millennium has no circulation API: NCIP only.
  'millennium:ncip': millenniumNcipAdapter,
};

export function adapterFor(registry: AdapterRegistry, connection: Pick<Connection, 'ils' | 'protocol'>): AdapterDefinition | undefined {
  return registry[adapterKey(connection)];
}
