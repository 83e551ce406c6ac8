/**
 * What `main.ts` prints when the simulators start, and the test patrons the service's demo prints
 * too: for every simulator its URL, its vendor credentials (from `credentialsHelp`), a patron in
 * good standing and a blocked one, by the id that ILS's API takes, and the control plane.
 */
import { vendorDefinition } from './vendors/registry.ts';
import type { VendorId } from './vendors/types.ts';

export interface TestPatron {
  /** the id the vendor's API looks the patron up by */
  id: string;
  /** what that id is in the vendor's terms */
  idKind: string;
  name: string;
  /** for vendors whose patron login takes one (Millennium's Patron API, SirsiDynix Web Services) */
  pin?: string;
}

interface SeedPatron {
  primaryId?: string;
  barcode?: string;
  name: string;
  pin?: string;
}

function asTestPatron(vendor: VendorId, patron: SeedPatron): TestPatron {
  // Alma looks users up by primary id; every other simulated ILS by the patron's barcode
  const id = vendor === 'alma' ? patron.primaryId : patron.barcode;
  if (!id) throw new Error(`the ${vendor} seed has a patron without an id`);
  return { id, idKind: vendor === 'alma' ? 'primary id' : 'barcode', name: patron.name, ...(patron.pin ? { pin: patron.pin } : {}) };
}

/** The seed's good and blocked patrons of a simulator, ready to type into a request. */
export function testPatrons(vendor: VendorId): { good: TestPatron; blocked: TestPatron } {
  const patrons = (vendorDefinition(vendor).demo as { patrons: { good: SeedPatron; blocked: SeedPatron } }).patrons;
  return { good: asTestPatron(vendor, patrons.good), blocked: asTestPatron(vendor, patrons.blocked) };
}

export function describePatron(patron: TestPatron): string {
  return `${patron.name} (${patron.idKind} ${patron.id}${patron.pin ? `, PIN ${patron.pin}` : ''})`;
}

/** The lines `main.ts` prints for the running simulators. */
export function startLines(running: readonly { vendor: VendorId; url: string }[]): string[] {
  return running.flatMap((entry) => {
    const vendor = vendorDefinition(entry.vendor);
    const patrons = testPatrons(entry.vendor);
    return [
      `${vendor.displayName} simulator on ${entry.url}`,
      ...vendor.credentialsHelp(entry.url).map((line) => `  ${line}`),
      `  test patron: ${describePatron(patrons.good)}; blocked: ${describePatron(patrons.blocked)}`,
      `  control plane: ${entry.url}/_sim/health  (reset, faults, state, clock)`,
    ];
  });
}
