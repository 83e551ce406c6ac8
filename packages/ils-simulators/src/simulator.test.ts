import { describe, expect, it } from 'vitest';
import { demo, registeredVendors, startSimulators, vendorIds } from './index.ts';
import { fixedClock } from './clock.ts';
import { createSimulator } from './simulator.ts';
import { testNow } from './testing.ts';

describe('startSimulators', () => {
  it('serves the Alma simulator on 127.0.0.1 with an ephemeral port', async () => {
    const running = await startSimulators({ vendors: ['alma'], ports: { alma: 0 }, clock: fixedClock(testNow) });
    try {
      const url = running.urls.alma;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/u);
      expect(running.simulators[0]?.port).toBeGreaterThan(0);
      const health = await fetch(`${url}/_sim/health`);
      expect(await health.json()).toMatchObject({ status: 'ok', vendor: 'alma' });

      const headers = { Authorization: `apikey ${demo.alma.apiKey}`, Accept: 'application/json' };
      const user = await fetch(`${url}/almaws/v1/users/${demo.alma.patrons.good.primaryId}`, { headers });
      expect(user.status).toBe(200);
      expect(((await user.json()) as { primary_id: string }).primary_id).toBe(demo.alma.patrons.good.primaryId);

      // An off-the-shelf client follows the barcode redirect to the item.
      const item = demo.alma.lendableItems[0]!;
      const followed = await fetch(`${url}/almaws/v1/items?item_barcode=${item.barcode}`, { headers });
      expect(followed.status).toBe(200);
      expect(followed.url).toContain(`/items/${item.item_pid}`);
      expect(((await followed.json()) as { item_data: { barcode: string } }).item_data.barcode).toBe(item.barcode);
    } finally {
      await running.stop();
    }
  });

  it('takes ports from ALMA_PORT and refuses nonsense', async () => {
    const running = await startSimulators({ vendors: ['alma'], env: { ALMA_PORT: '0' } });
    try {
      expect(running.simulators[0]?.port).toBeGreaterThan(0);
    } finally {
      await running.stop();
    }
    await expect(startSimulators({ vendors: ['alma'], env: { ALMA_PORT: 'eighty' } })).rejects.toThrow(/ALMA_PORT/u);
  });
});

describe('registry and demo description', () => {
  it('registers Alma and knows every vendor name', () => {
    expect(registeredVendors().map((vendor) => vendor.id)).toEqual(expect.arrayContaining(['alma', 'symphony', 'horizon']));
    expect(vendorIds).toEqual(['alma', 'sierra', 'millennium', 'wms', 'symphony', 'horizon']);
    for (const id of vendorIds.filter((vendor) => !registeredVendors().some((registered) => registered.id === vendor))) {
      expect(() => createSimulator({ vendor: id })).toThrow(new RegExp(id, 'u'));
    }
  });

  it('describes the Alma seed: credentials, codes, patrons and at least twenty lendable items', async () => {
    const alma = demo.alma;
    expect(alma).toMatchObject({
      apiKey: 'alma-demo-key',
      institutionCode: '01BKS_INST',
      illLocation: 'ILL',
      ncipPartnerCode: 'BOOKSTRAP',
      circDesks: { MAIN: 'DEFAULT_CIRC_DESK', SCI: 'DEFAULT_CIRC_DESK' },
    });
    expect(alma.libraries.map((library) => library.code)).toEqual(['MAIN', 'SCI']);
    expect(Object.keys(alma.institutionalPatrons)).toEqual(['PARTNR', 'TULSA', 'default']);
    expect(alma.lendableItems.length).toBeGreaterThanOrEqual(20);
    expect(new Set(alma.lendableItems.map((item) => item.barcode)).size).toBe(alma.lendableItems.length);

    // More than Alma's 25 calls per second follow: lift the threshold for this walk.
    const sim = createSimulator({ vendor: 'alma', clock: fixedClock(testNow), limits: { perSecond: 1000 } });
    const headers = { Authorization: `apikey ${alma.apiKey}`, Accept: 'application/json' };
    for (const item of alma.lendableItems) {
      const response = await sim.app.request(`/almaws/v1/bibs/${item.mms_id}/holdings/${item.holding_id}/items/${item.item_pid}`, { headers });
      const found = (await response.json()) as { item_data: { barcode: string; base_status: { value: string } }; bib_data: { title: string } };
      expect(found.item_data.barcode).toBe(item.barcode);
      expect(found.item_data.base_status.value).toBe('1');
      expect(found.bib_data.title).toBe(item.title);
    }
    for (const patron of [alma.patrons.good, alma.institutionalPatrons.PARTNR, alma.institutionalPatrons.default]) {
      expect((await sim.app.request(`/almaws/v1/users/${patron.barcode}`, { headers })).status).toBe(200);
    }
    sim.close();
  });

  it('is deterministic', async () => {
    const again = await import('./vendors/alma/demo.ts');
    const rebuilt = again.describeAlmaDemo((await import('./seed.ts')).buildDemoDataset(again.almaDemoProfile));
    expect(rebuilt).toEqual(demo.alma);
  });
});
