import type { DriverFetch } from '@bookstrap/ils-simulators/drivers/types';
import { almaChaosDesk } from './alma.ts';

/**
 * What the chaos model needs from a target beyond the conformance driver's desk and probe
 * (items, holds, loans by barcode; check-in and check-out at the desk): vendor-specific reads of
 * the temporary records around the item, and — declared in code, with the reason — the
 * invariants a target cannot show through its API.
 */
export interface ChaosDesk {
  /** temporary bibs the ILS shows for the request's temporary item; undefined where it cannot tell */
  temporaryBibs(requestId: string, barcode: string): Promise<number | undefined>;
  /** invariant or fault → why this target cannot express it */
  cannot: Record<string, string>;
}

const itemOnly = (why: string): ChaosDesk => ({
  temporaryBibs: async () => undefined,
  cannot: { 'orphaned temporary bib': why },
});

export function chaosDeskFor(target: string, origin: string, fetch: DriverFetch): ChaosDesk {
  switch (target) {
    case 'alma':
      return almaChaosDesk(origin, fetch, 'rest');
    case 'alma-ncip':
      return almaChaosDesk(origin, fetch, 'ncip');
    case 'sierra':
      // Sierra REST finds items by barcode; a bib only by id (the item's bibIds), so a bib left
      // after its item was deleted has no handle left to find it by.
      return itemOnly('Sierra REST finds a bib only through its item; once the item is gone, the bib has no barcode to look it up by');
    case 'millennium':
      return itemOnly('Millennium has no circulation or catalogue API besides NCIP and the read-only Patron API: only the item is visible (LookupItem)');
    case 'wms':
      return itemOnly('WMS keeps the temporary item (OCLC retains ILL temporary items): no deletion to leave a bib behind');
    default:
      // Symphony and Horizon Web Services: the catalogue item lookup is by barcode; the bib is
      // reached only through the item.
      return itemOnly('SirsiDynix Web Services reach a bib only through its item barcode');
  }
}
