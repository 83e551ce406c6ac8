import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { almaHost, useHarness } from '../testutil/harness.ts';

const simState = async (h: Awaited<ReturnType<typeof useHarness>>) => {
  const state = (await (await h.sim.app.request(`${almaHost}/_sim/state`)).json()) as { tables: unknown };
  return JSON.stringify(state.tables);
};

describe('POST /v1/libraries/{symbol}/check (happy)', () => {
  it('checks key, test patron, test item, pickup locations and ILL location against Alma, writing nothing to it', async () => {
    const h = await useHarness();
    const patron = demo.alma.patrons.good;
    const item = demo.alma.lendableItems[0]!;
    await h.ok(200, 'PATCH', '/v1/libraries/TULSA?check=false', {
      key: h.adminKey,
      body: { settings: { preflight: { testPatronId: patron.primaryId, testItemBarcode: item.barcode } } },
    });
    const before = await simState(h);
    const report = await h.ok(200, 'POST', '/v1/libraries/TULSA/check', { key: h.adminKey });
    expect(report).toEqual({
      ok: true,
      checks: [
        { name: 'authenticate', status: 'passed', ok: true, detail: 'API key accepted; library MAIN exists' },
        { name: 'test-patron', status: 'passed', ok: true, detail: expect.stringContaining(`patron ${patron.primaryId} (${patron.name}) found, active`) },
        { name: 'test-item', status: 'passed', ok: true, detail: `item ${item.barcode} found: ${item.title}` },
        { name: 'pickup-locations', status: 'passed', ok: true, detail: 'Alma has libraries MAIN' },
        { name: 'ill-location', status: 'passed', ok: true, detail: 'library MAIN has location ILL' },
      ],
    });
    // the proof that a check is read-only: the simulator's whole state is as it was
    expect(await simState(h)).toBe(before);
  });

  it('skips, with the reason, the checks it has nothing to check with', async () => {
    const h = await useHarness();
    const report = await h.ok(200, 'POST', '/v1/libraries/PARTNR/check', { key: h.adminKey });
    expect(report.ok).toBe(true);
    expect(report.checks.filter((c: { status: string }) => c.status === 'skipped')).toEqual([
      { name: 'test-patron', status: 'skipped', ok: true, detail: 'no test patron configured (settings.preflight.testPatronId)' },
      { name: 'test-item', status: 'skipped', ok: true, detail: 'no test item configured (settings.preflight.testItemBarcode)' },
    ]);
  });
});
