import { adjustableClock, demo, fixedClock, type VendorId } from '@bookstrap/ils-simulators';
import { handlersFor, type SimulatorHandlers } from '@bookstrap/ils-simulators/msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  almaDemoLibraries,
  type DemoLibrary,
  demoAdminKey,
  millenniumDemoLibrary,
  sierraDemoLibrary,
  sirsiDynixDemoLibrary,
  wmsDemoLibraries,
} from '../demo-libraries.ts';
import { createService, type Service } from '../service.ts';
import { testNow } from './testing.ts';

/**
 * The service with no injected fetch, as it runs in production, and all six ILSs behind msw at
 * their own made-up hosts: no server, no port. Where an injected fetch reaches one simulator,
 * this reaches every adapter's real HTTP path (global fetch, timeouts, headers) at once — the
 * connection check on create and the patron lookup a borrowing request queues.
 */
const hosts: Record<VendorId, string> = {
  alma: 'https://alma.msw.test',
  sierra: 'https://sierra.msw.test',
  millennium: 'http://millennium.msw.test:4500',
  wms: 'https://wms.msw.test',
  symphony: 'https://symphony.msw.test',
  horizon: 'https://horizon.msw.test',
};

const libraries: Record<VendorId, DemoLibrary> = {
  alma: almaDemoLibraries(demo.alma, hosts.alma)[0]!,
  sierra: sierraDemoLibrary(demo.sierra, hosts.sierra),
  millennium: millenniumDemoLibrary(demo.millennium, hosts.millennium),
  wms: wmsDemoLibraries(demo.wms, hosts.wms)[0]!,
  symphony: sirsiDynixDemoLibrary(demo.symphony, hosts.symphony),
  horizon: sirsiDynixDemoLibrary(demo.horizon, hosts.horizon),
};

/** The id each ILS's adapter looks patrons up by: Alma's primary id, a barcode elsewhere. */
const patrons: Record<VendorId, { good: string; blocked: string }> = {
  alma: { good: demo.alma.patrons.good.primaryId, blocked: demo.alma.patrons.blocked.primaryId },
  sierra: { good: demo.sierra.patrons.good.barcode, blocked: demo.sierra.patrons.blocked.barcode },
  millennium: { good: demo.millennium.patrons.good.barcode, blocked: demo.millennium.patrons.blocked.barcode },
  wms: { good: demo.wms.patrons.good.barcode, blocked: demo.wms.patrons.blocked.barcode },
  symphony: { good: demo.symphony.patrons.good.barcode, blocked: demo.symphony.patrons.blocked.barcode },
  horizon: { good: demo.horizon.patrons.good.barcode, blocked: demo.horizon.patrons.blocked.barcode },
};

const vendors = Object.keys(hosts) as VendorId[];
const clock = adjustableClock(fixedClock(testNow));
const ils = Object.fromEntries(
  vendors.map((vendor) => [vendor, handlersFor(vendor, { baseUrl: hosts[vendor], clock, limits: { perSecond: 100_000 } })]),
) as Record<VendorId, SimulatorHandlers>;
const server = setupServer(...vendors.flatMap((vendor) => ils[vendor]));
let service: Service;

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(async () => {
  await service?.close();
  for (const vendor of vendors) ils[vendor].simulator.reset();
});
afterAll(() => {
  server.close();
  for (const vendor of vendors) ils[vendor].simulator.close();
});

async function call(method: string, path: string, key: string, body?: unknown) {
  const response = await service.app.request(path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status, // biome-ignore lint/suspicious/noExplicitAny: API bodies are asserted field by field
    body: (await response.json()) as any,
  };
}

describe.each(vendors)('%s adapter over global fetch, the ILS behind msw', (vendor) => {
  it('creates the demo library with the connection check run against the ILS, and looks patrons up in it', async () => {
    service = createService({ dbPath: ':memory:', adminKey: demoAdminKey, clock });
    const { apiKey: _key, ...library } = libraries[vendor];
    const good = patrons[vendor].good;
    // no ?check=false: the check reaches the simulated ILS, with a test patron to find
    const created = await call('POST', '/v1/libraries', demoAdminKey, {
      ...library,
      settings: { ...library.settings, preflight: { testPatronId: good } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const check = await call('POST', `/v1/libraries/${library.symbol}/check`, demoAdminKey);
    expect(check.body.checks.find((c: { name: string }) => c.name === 'test-patron')).toMatchObject({ status: 'passed', ok: true });

    const staffKey = created.body.apiKey as string;
    const pickupLocation = library.pickupLocations[0]!.code;
    const ask = (patronId: string) =>
      call('POST', '/v1/requests', staffKey, { role: 'borrowing', title: 'Middlemarch', patronId, pickupLocation, lenders: ['LENDA'] });
    const verified = (await ask(good)).body.id as string;
    const refused = (await ask(patrons[vendor].blocked)).body.id as string;
    await service.worker.runUntilIdle();

    const history = async (id: string) => ((await call('GET', `/v1/requests/${id}`, staffKey)).body.history as { text: string }[]).map((h) => h.text);
    // the ILS's answer is named in the history: who it shows, and their standing
    expect((await history(verified)).join('\n')).toMatch(new RegExp(`Patron ${good} verified in the circulation system: [^\\n]+, active`));
    expect((await history(refused)).join('\n')).toMatch(new RegExp(`Patron ${patrons[vendor].blocked} could not be verified`));
  });
});

describe('an ILS host no handler answers', () => {
  it('is a failed connection check naming the failure, not a crash', async () => {
    service = createService({ dbPath: ':memory:', adminKey: demoAdminKey, clock });
    // the suite's handlers answer other hosts only: this request errors, as an unreachable ILS does
    const { apiKey: _key, ...library } = almaDemoLibraries(demo.alma, 'https://unanswered.msw.test')[0]!;
    const created = await call('POST', '/v1/libraries', demoAdminKey, library);
    expect(created.status).toBe(422);
    expect(created.body.error.code).toBe('CONNECTION_CHECK_FAILED');
  });
});
