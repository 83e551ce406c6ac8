import type { Connection } from '@bookstrap/core';
import { almaRestAdapter } from './alma/alma.ts';
import { almaNcipAdapter } from './ncip/alma-ncip.ts';
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
};

export function adapterFor(registry: AdapterRegistry, connection: Pick<Connection, 'ils' | 'protocol'>): AdapterDefinition | undefined {
  return registry[adapterKey(connection)];
}
