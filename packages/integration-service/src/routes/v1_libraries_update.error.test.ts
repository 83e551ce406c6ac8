import { describe, expect, it } from 'vitest';
import { snapshot, useHarness } from '../testutil/harness.ts';

describe('PATCH /v1/libraries/{symbol} (errors)', () => {
  it('refuses settings that do not validate or cross-check, changing nothing', async () => {
    const h = await useHarness();
    const before = await snapshot(h);
    const typed = await h.request('PATCH', '/v1/libraries/TULSA', {
      key: h.adminKey,
      body: { settings: { borrowing: { localLoanDays: 0, illLocation: 'has space' } } },
    });
    expect(typed.status).toBe(400);
    expect(typed.body.error.details.map((d: { path: string }) => d.path)).toEqual(['settings.borrowing.illLocation', 'settings.borrowing.localLoanDays']);
    const crossed = await h.request('PATCH', '/v1/libraries/TULSA', { key: h.adminKey, body: { settings: { lending: { placeHoldOnRequestedItem: true } } } });
    expect(crossed.status).toBe(400);
    expect(crossed.body.error.details).toEqual([{ path: 'settings.lending.placeHoldOnRequestedItem', message: expect.any(String) }]);
    const connection = await h.request('PATCH', '/v1/libraries/TULSA', { key: h.adminKey, body: { connection: { protocol: 'carrier-pigeon' } } });
    expect(connection.status).toBe(400);
    expect(connection.body.error.details[0].path).toBe('connection.protocol');
    const unknownField = await h.request('PATCH', '/v1/libraries/TULSA', { key: h.adminKey, body: { symbol: 'RENAMED' } });
    expect(unknownField.status).toBe(400);
    // a typo in a nested setting is named where it is, never accepted as a no-op
    const typo = await h.request('PATCH', '/v1/libraries/TULSA', {
      key: h.adminKey,
      body: { settings: { borrowing: { localLoanDayz: 21 } }, connection: { credentials: { apikey: 'x' } } },
    });
    expect(typo.status).toBe(400);
    expect(typo.body.error.details).toEqual([
      { path: 'connection.credentials.apikey', message: 'unknown field "apikey"' },
      { path: 'settings.borrowing.localLoanDayz', message: 'unknown field "localLoanDayz"' },
    ]);
    expect(await snapshot(h)).toBe(before);
  });

  it('answers 404 for an unknown library', async () => {
    const h = await useHarness();
    const response = await h.request('PATCH', '/v1/libraries/NOSUCH', { key: h.adminKey, body: { name: 'x' } });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('NOT_FOUND');
  });
});
