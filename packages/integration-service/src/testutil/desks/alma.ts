import { demo } from '@bookstrap/ils-simulators';
import type { DriverFetch } from '@bookstrap/ils-simulators/drivers/types';
import type { ChaosDesk } from './index.ts';

/**
 * Alma: beyond the conformance probe (items, requests, loans by barcode), the temporary bib the
 * REST adapter makes carries the request in an 035 (`(BOOKSTRAP)<request>-<barcode>`), so
 * `GET /bibs?other_system_id=` finds duplicates and orphans of it.
 * https://developers.exlibrisgroup.com/alma/apis/docs/bibs/R0VUIC9hbG1hd3MvdjEvYmlicw==/ (other_system_id)
 */
export function almaChaosDesk(origin: string, fetch: DriverFetch, protocol: 'rest' | 'ncip'): ChaosDesk {
  return {
    async temporaryBibs(requestId, barcode) {
      if (protocol === 'ncip') return undefined;
      const marker = encodeURIComponent(`(BOOKSTRAP)${requestId}-${barcode}`);
      const response = await fetch(`${origin}/almaws/v1/bibs?other_system_id=${marker}`, {
        headers: { authorization: `apikey ${demo.alma.apiKey}`, accept: 'application/json' },
      });
      if (response.status !== 200) throw new Error(`Alma GET /bibs?other_system_id → ${response.status}`);
      const body = (await response.json()) as { bib?: unknown[] };
      return (body.bib ?? []).length;
    },
    cannot:
      protocol === 'ncip'
        ? {
            // AcceptItem makes the bib inside Alma without our 035: nothing in the API ties it to the request.
            'orphaned temporary bib': 'the bib AcceptItem creates carries no Bookstrap identifier Alma REST can search by',
          }
        : {},
  };
}
