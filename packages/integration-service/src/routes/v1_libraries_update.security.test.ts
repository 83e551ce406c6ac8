import { describe, expect, it } from 'vitest';
import { snapshot, useHarness } from '../testutil/harness.ts';

describe('PATCH /v1/libraries/{symbol} (security)', () => {
  it("takes the admin key, or the library's own key for its own settings, never another library's", async () => {
    const h = await useHarness();
    const before = await snapshot(h);
    expect((await h.request('PATCH', '/v1/libraries/TULSA', { key: null, body: { name: 'x' } })).status).toBe(401);
    const strap = { settings: { borrowing: { strap: { returnInPersonText: 'Not yours to change.' } } } };
    const theirs = await h.request('PATCH', '/v1/libraries/TULSA?check=false', { key: h.keys.PARTNR, body: strap });
    expect(theirs.status).toBe(403);
    expect(theirs.body.error.message).toContain('its own library');
    expect(await snapshot(h)).toBe(before);
    // who the library is, where its ILS is and the keys to it stay with the administrator
    for (const body of [
      { name: 'x' },
      { connection: { baseUrl: 'http://127.0.0.1:1/elsewhere' } },
      { pickupLocations: [] },
      { settings: { enabled: false }, connection: { credentials: { apiKey: 'mine-now' } } },
    ]) {
      const refused = await h.request('PATCH', '/v1/libraries/TULSA?check=false', { key: h.keys.TULSA, body });
      expect(refused.status, JSON.stringify(body)).toBe(403);
      const named = Object.keys(body).filter((field) => field !== 'settings');
      expect(refused.body.error.details.map((d: { path: string }) => d.path)).toEqual(named);
    }
    expect(await snapshot(h)).toBe(before);
    // its own settings: changed, and only those
    const own = await h.request('PATCH', '/v1/libraries/TULSA?check=false', {
      key: h.keys.TULSA,
      body: { settings: { borrowing: { strap: { returnInPersonText: 'Tulsa: return it in person.' } } } },
    });
    expect(own.status).toBe(200);
    const tulsa = await h.ok(200, 'GET', '/v1/libraries/TULSA', { key: h.adminKey });
    expect(tulsa.settings.borrowing.strap.returnInPersonText).toBe('Tulsa: return it in person.');
    const partner = await h.ok(200, 'GET', '/v1/libraries/PARTNR', { key: h.adminKey });
    expect(partner.settings.borrowing.strap.returnInPersonText).not.toBe('Tulsa: return it in person.');
  });

  it("gives a library key the API's own validation messages, naming the field", async () => {
    const h = await useHarness();
    const before = await snapshot(h);
    const bad = await h.request('PATCH', '/v1/libraries/TULSA?check=false', { key: h.keys.TULSA, body: { settings: { borrowing: { localLoanDayz: 21 } } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ path: 'settings.borrowing.localLoanDayz', message: 'unknown field "localLoanDayz"' }]);
    expect(await snapshot(h)).toBe(before);
  });
});
