/**
 * One row per simulated vendor. Adding a vendor = a folder under `src/vendors/` and a row here.
 */
import { almaVendor } from './alma/index.ts';
import { horizonVendor } from './horizon/index.ts';
import { millenniumVendor } from './millennium/index.ts';
import { sierraVendor } from './sierra/index.ts';
import { symphonyVendor } from './symphony/index.ts';
import type { VendorDefinition, VendorId } from './types.ts';
import { wmsVendor } from './wms/index.ts';

export const vendorRegistry: Partial<Record<VendorId, VendorDefinition>> = {
  alma: almaVendor,
  sierra: sierraVendor,
  millennium: millenniumVendor,
  wms: wmsVendor,
  symphony: symphonyVendor,
  horizon: horizonVendor,
};

export function registeredVendors(): VendorDefinition[] {
  return Object.values(vendorRegistry).filter((vendor): vendor is VendorDefinition => vendor !== undefined);
}

export function vendorDefinition(id: VendorId): VendorDefinition {
  const vendor = vendorRegistry[id];
  if (!vendor) throw new Error(`No simulator is registered for vendor "${id}" yet.`);
  return vendor;
}
