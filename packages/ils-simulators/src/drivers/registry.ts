import { almaDriver } from './alma.ts';
import { horizonDriver } from './horizon.ts';
import { millenniumDriver } from './millennium.ts';
import { sierraDriver } from './sierra.ts';
import { symphonyDriver } from './symphony.ts';
import type { DriverFactory, DriverTarget, IlsDriver } from './types.ts';
import { wmsDriver } from './wms.ts';

/**
 * One row per conformance target. A target is an ILS spoken to in one way (Alma over REST and
 * over NCIP are two targets on one simulator). Adding an ILS = a driver module + a row here.
 */
export interface TargetDefinition {
  /** the simulator vendor that serves this target when the suite starts the systems itself */
  vendor: 'alma' | 'sierra' | 'millennium' | 'wms' | 'symphony' | 'horizon';
  driver: DriverFactory;
}

export const targets: Record<string, TargetDefinition> = {
  alma: { vendor: 'alma', driver: almaDriver('rest') },
  'alma-ncip': { vendor: 'alma', driver: almaDriver('ncip') },
  wms: { vendor: 'wms', driver: wmsDriver },
  symphony: { vendor: 'symphony', driver: symphonyDriver('ncip') },
  'symphony-ws': { vendor: 'symphony', driver: symphonyDriver('rest') },
  horizon: { vendor: 'horizon', driver: horizonDriver('ncip') },
  'horizon-ws': { vendor: 'horizon', driver: horizonDriver('rest') },
  // Innovative's NCIP responder, with Sierra REST alongside for fees and locations (the default setup).
  sierra: { vendor: 'sierra', driver: sierraDriver() },
  // Millennium: NCIP only, with the read-only Patron API for the probe.
  millennium: { vendor: 'millennium', driver: millenniumDriver() },
};

export function driverFor(target: string, where: DriverTarget): IlsDriver {
  const definition = targets[target];
  if (!definition) throw new Error(`unknown conformance target "${target}" (known: ${Object.keys(targets).join(', ')})`);
  return definition.driver(where);
}
