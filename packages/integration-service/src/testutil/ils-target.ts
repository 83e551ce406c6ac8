import { adjustableClock, createSimulator, demo, fixedClock } from '@bookstrap/ils-simulators';
import { targets } from '@bookstrap/ils-simulators/drivers/registry';
import type { DriverFetch, IlsDriver } from '@bookstrap/ils-simulators/drivers/types';
import { defaultAdapterRegistry } from '../adapters/registry.ts';
import type { AdapterRegistry } from '../adapters/types.ts';
import { type ChaosDesk, chaosDeskFor } from './desks/index.ts';
import { createHarness, type Harness, type HarnessOptions, testNow } from './harness.ts';

/**
 * A service connected to one conformance target (an ILS spoken to one way: `alma`, `alma-ncip`,
 * `sierra`, `millennium`, `wms`, `symphony`, `symphony-ws`, `horizon`, `horizon-ws`), in process:
 * the target's simulator behind a made-up host, one library configured through the admin API
 * exactly as the conformance suite configures it (the target's driver's `libraryConfig`), and the
 * driver's desk and probe reading the ILS through the vendor's own API — the same clients the
 * conformance suite uses against a real sandbox (packages/ils-simulators/src/drivers/).
 */
export const targetNames = Object.keys(targets);

export interface TargetHarness {
  target: string;
  vendor: string;
  /** scheme://host of the simulated ILS */
  origin: string;
  h: Harness;
  driver: IlsDriver;
  /** the vendor-specific reads and declared limits of the chaos model */
  chaos: ChaosDesk;
  /** the vendor clients' in-process transport to the simulator */
  fetch: DriverFetch;
  /** the configured library's API key */
  key: string;
  /** the seed's item on loan to another patron, and that patron (vendor's own identifier) */
  theirs: { barcode: string; borrower: string };
  /** the seed's items no request names (reference item and the lendable items after the first four) */
  untouched: string[];
  /** sets the simulator's faults (`{}` clears them) */
  faults(body: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

/** Real-time throttling only slows tests down: every adapter row at a rate no test reaches. */
const registry: AdapterRegistry = Object.fromEntries(
  Object.entries(defaultAdapterRegistry).map(([key, adapter]) => [key, { ...adapter, ratePerSecond: 10_000 }]),
);

export async function createTargetHarness(target: string, symbol = 'CHAOS', options: Pick<HarnessOptions, 'interceptFetch'> = {}): Promise<TargetHarness> {
  const definition = targets[target];
  if (!definition) throw new Error(`unknown target "${target}" (known: ${targetNames.join(', ')})`);
  const vendor = definition.vendor;
  const origin = `http://${vendor}.sim.test`;
  const clock = adjustableClock(fixedClock(testNow));
  const sim = createSimulator({ vendor, clock, limits: { perSecond: 100_000 } });
  const h = await createHarness({ sim, clock, host: origin, registry, noLibraries: true, ...options });
  // The vendor clients follow redirects (Alma's item-by-barcode answers 302), as fetch does.
  const simFetch: DriverFetch = async (url, init) => {
    const response = await sim.app.request(url, init);
    const location = response.headers.get('location');
    if (response.status >= 301 && response.status <= 303 && location)
      return sim.app.request(new URL(location, url).toString(), { headers: init?.headers ?? {} });
    return response;
  };
  const driver = definition.driver({ origin, fetch: simFetch });
  const created = await h.ok(201, 'POST', '/v1/libraries', {
    key: h.adminKey,
    body: { symbol, name: `${target} chaos library`, ...driver.libraryConfig('borrowing') },
  });
  const seed = demo[vendor];
  const checkedOut = seed.checkedOutItem as { barcode: string; borrower?: string; borrowerBarcode?: string };
  const lendable = driver.fixture.lendableItems;
  return {
    target,
    vendor,
    origin,
    h,
    driver,
    chaos: chaosDeskFor(target, origin, simFetch),
    fetch: simFetch,
    key: created.apiKey,
    theirs: { barcode: checkedOut.barcode, borrower: checkedOut.borrower ?? checkedOut.borrowerBarcode ?? '' },
    untouched: [...lendable.slice(2, 4), seed.referenceItem.barcode],
    async faults(body) {
      const response = await sim.app.request(`${origin}/_sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.status !== 200) throw new Error(`faults ${JSON.stringify(body)} → ${response.status} ${await response.text()}`);
    },
    async close() {
      await h.close();
      sim.close();
    },
  };
}
