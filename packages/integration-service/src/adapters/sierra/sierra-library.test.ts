import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { type DemoLibrary, millenniumDemoLibrary, sierraDemoLibrary } from '../../demo-libraries.ts';
import { useHarness } from '../../testutil/harness.ts';
import { defaultAdapterRegistry } from '../registry.ts';

/** Configuring Sierra and Millennium libraries: what the service accepts, and what it refuses with 400. */
const body = ({ apiKey: _key, ...library }: DemoLibrary, patch: { settings?: Record<string, unknown>; connection?: Record<string, unknown> } = {}) => ({
  ...library,
  connection: { ...library.connection, ...patch.connection },
  settings: { ...library.settings, ...patch.settings },
});

describe('Sierra and Millennium library configuration', () => {
  it('accepts the Sierra (NCIP + REST) and Millennium (NCIP) demo libraries', async () => {
    const h = await useHarness({ registry: defaultAdapterRegistry, noLibraries: true });
    // configuration only: the harness reaches no Sierra, so the connection check is not asked for
    const sierra = await h.request('POST', '/v1/libraries?check=false', {
      key: h.adminKey,
      body: body(sierraDemoLibrary(demo.sierra, 'http://sierra.sim.test')),
    });
    expect(sierra.status).toBe(201);
    expect(sierra.body.capabilities).toMatchObject({ dueDateUpdate: 'renewal', temporaryLocation: true, fees: true, feesOnShipped: false });
    const millennium = await h.request('POST', '/v1/libraries?check=false', {
      key: h.adminKey,
      body: body(millenniumDemoLibrary(demo.millennium, 'http://millennium.sim.test')),
    });
    expect(millennium.status).toBe(201);
    // the ILL location of lent items: the NCIP responder's own check-out location, verified over LookupItem
    expect(millennium.body.capabilities).toMatchObject({ dueDateUpdate: 'renewal', temporaryLocation: true, fees: false, deleteTemporaryItem: true });
  });

  it('refuses (400) a Sierra lending account named by anything but a barcode, and a missing default account', async () => {
    const h = await useHarness({ registry: defaultAdapterRegistry, noLibraries: true });
    const library = sierraDemoLibrary(demo.sierra, 'http://sierra.sim.test');
    const recordNumber = await h.request('POST', '/v1/libraries', {
      key: h.adminKey,
      body: body(library, {
        settings: { lending: { ...library.settings.lending, borrowerIdentifiers: { map: { PARTNR: '.p1000012' }, defaultId: 'p1000013' } } },
      }),
    });
    expect(recordNumber.status).toBe(400);
    expect(recordNumber.body.error.code).toBe('INVALID_INPUT');
    expect(recordNumber.body.error.details).toEqual(
      expect.arrayContaining([{ path: 'settings.lending.borrowerIdentifiers', message: expect.stringContaining('must be a patron barcode') }]),
    );
    const noDefault = await h.request('POST', '/v1/libraries', {
      key: h.adminKey,
      body: body(library, { settings: { lending: { ...library.settings.lending, borrowerIdentifiers: { map: {} } } } }),
    });
    expect(noDefault.status).toBe(400);
    expect(noDefault.body.error.details).toEqual(
      expect.arrayContaining([
        { path: 'settings.lending.borrowerIdentifiers.defaultId', message: expect.stringContaining('barcode of the ILL institution account') },
      ]),
    );
  });

  it('refuses (400) Sierra in NCIP mode without the REST credentials it needs for fees and locations', async () => {
    const h = await useHarness({ registry: defaultAdapterRegistry, noLibraries: true });
    const response = await h.request('POST', '/v1/libraries', {
      key: h.adminKey,
      body: body(sierraDemoLibrary(demo.sierra, 'http://sierra.sim.test'), { connection: { credentials: {} } }),
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual(
      expect.arrayContaining([{ path: 'connection.credentials', message: expect.stringContaining('client key and secret') }]),
    );
  });

  it('refuses (400) what Millennium cannot do: fees on shipped, a REST connection', async () => {
    const h = await useHarness({ registry: defaultAdapterRegistry, noLibraries: true });
    const library = millenniumDemoLibrary(demo.millennium, 'http://millennium.sim.test');
    const settings = await h.request('POST', '/v1/libraries', {
      key: h.adminKey,
      body: body(library, {
        settings: {
          lending: { ...library.settings.lending, illTemporaryLocation: 'mill' },
          borrowing: { ...library.settings.borrowing, chargePatronOnShipped: true, illFee: { amount: 5, feeType: 'ILL' } },
        },
      }),
    });
    expect(settings.status).toBe(400);
    expect(settings.body.error.details.map((d: { path: string }) => d.path)).toEqual(['settings.borrowing.chargePatronOnShipped']);
    const rest = await h.request('POST', '/v1/libraries', {
      key: h.adminKey,
      body: body(library, { connection: { protocol: 'rest', baseUrl: 'http://millennium.sim.test' } }),
    });
    expect(rest.status).toBe(400);
    expect(rest.body.error.details).toEqual(
      expect.arrayContaining([{ path: 'connection.protocol', message: expect.stringContaining('Millennium has no circulation REST API') }]),
    );
  });
});
