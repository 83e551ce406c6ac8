import { connectionSchema, integrationSettingsSchema, pickupLocationSchema } from '@bookstrap/core';
import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { almaDemoLibraries, almaNcipDemoLibrary, millenniumDemoLibrary, sierraDemoLibrary, sirsiDynixDemoLibrary, wmsDemoLibraries } from './demo-libraries.ts';

describe('demo libraries', () => {
  it('are valid under strict input: no unknown field anywhere in connection, settings or pickup locations', () => {
    const libraries = [
      ...almaDemoLibraries(demo.alma, 'http://alma.test'),
      almaNcipDemoLibrary(demo.alma, 'http://alma.test'),
      ...wmsDemoLibraries(demo.wms, 'http://wms.test'),
      sirsiDynixDemoLibrary(demo.symphony as Parameters<typeof sirsiDynixDemoLibrary>[0], 'http://symphony.test'),
      sirsiDynixDemoLibrary(demo.horizon as Parameters<typeof sirsiDynixDemoLibrary>[0], 'http://horizon.test'),
      sierraDemoLibrary(demo.sierra, 'http://sierra.test'),
      millenniumDemoLibrary(demo.millennium, 'http://millennium.test'),
    ];
    expect(libraries.length).toBe(8);
    for (const library of libraries) {
      expect(connectionSchema.safeParse(library.connection).error?.issues, library.symbol).toBeUndefined();
      expect(integrationSettingsSchema.safeParse(library.settings).error?.issues, library.symbol).toBeUndefined();
      for (const location of library.pickupLocations) expect(pickupLocationSchema.safeParse(location).error?.issues, library.symbol).toBeUndefined();
    }
  });
});
