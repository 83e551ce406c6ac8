import { describe, expect, it } from 'vitest';
import { libraryBody, snapshot, useHarness } from '../testutil/harness.ts';

describe('POST /v1/libraries (errors)', () => {
  it('rejects malformed input with 400 INVALID_INPUT, every problem listed, nothing stored', async () => {
    const h = await useHarness();
    const before = await snapshot(h);
    const response = await h.request('POST', '/v1/libraries', {
      key: h.adminKey,
      body: { symbol: 'x', name: '', connection: { ils: 'koha', protocol: 'rest', baseUrl: 'ftp://nope' } },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_INPUT');
    expect(response.body.error.details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(['symbol', 'name', 'connection.ils', 'connection.baseUrl']),
    );
    expect(await snapshot(h)).toBe(before);
  });

  it('rejects unknown fields at any depth with 400 naming each one, nothing stored', async () => {
    const h = await useHarness();
    const before = await snapshot(h);
    const body = libraryBody('OKLA', { settings: { borrowing: { localLoanDayz: 21 }, calendar: { closedDays: [0] } } });
    const response = await h.request('POST', '/v1/libraries', { key: h.adminKey, body: { ...body, pickupLocation: [] } });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual(
      expect.arrayContaining([
        { path: 'pickupLocation', message: 'unknown field "pickupLocation"' },
        { path: 'settings.borrowing.localLoanDayz', message: 'unknown field "localLoanDayz"' },
        { path: 'settings.calendar.closedDays', message: 'unknown field "closedDays"' },
      ]),
    );
    expect(await snapshot(h)).toBe(before);
  });

  it('cross-checks settings against the ILS and the adapter, listing every problem in one 400', async () => {
    const h = await useHarness();
    const before = await snapshot(h);
    const response = await h.request('POST', '/v1/libraries', {
      key: h.adminKey,
      body: libraryBody('OKLA', {
        connection: { ils: 'alma', protocol: 'rest', baseUrl: 'http://alma.sim.test' },
        settings: { borrowing: { chargePatronOnShipped: true, checkInItemOnReturned: false }, lending: { placeHoldOnRequestedItem: true } },
      }),
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual(
      expect.arrayContaining([
        { path: 'settings.borrowing.illFee.amount', message: expect.stringContaining('greater than 0') },
        { path: 'settings.lending.placeHoldOnRequestedItem', message: expect.stringContaining('only Horizon and Symphony') },
        { path: 'settings.borrowing.deleteTemporaryItemOnReturn', message: expect.any(String) },
        { path: 'connection.credentials.apiKey', message: 'Alma needs an API key' },
        { path: 'connection.library', message: expect.stringContaining('library code') },
      ]),
    );
    expect(await snapshot(h)).toBe(before);
  });

  it('refuses an ILS and protocol no adapter speaks yet (unless integration is off)', async () => {
    const h = await useHarness();
    // WMS is spoken to over NCIP only: no adapter speaks wms:rest.
    const wms = { ils: 'wms', protocol: 'rest', baseUrl: 'http://wms.example.org', credentials: { clientKey: 'k', clientSecret: 's' } };
    const refused = await h.request('POST', '/v1/libraries', {
      key: h.adminKey,
      body: libraryBody('WMSR', { connection: wms }),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([{ path: 'connection', message: expect.stringContaining('no adapter speaks wms:rest') }]);
    const off = await h.request('POST', '/v1/libraries', {
      key: h.adminKey,
      body: libraryBody('WMSR', { connection: wms, settings: { enabled: false } }),
    });
    expect(off.status).toBe(201);
  });

  it('answers 409 for a symbol already taken, 400 for malformed JSON, 415 without a JSON content type', async () => {
    const h = await useHarness();
    const before = await snapshot(h);
    const taken = await h.request('POST', '/v1/libraries', { key: h.adminKey, body: libraryBody('tulsa') });
    expect(taken.status).toBe(409);
    expect(taken.body).toEqual({ error: { code: 'CONFLICT', message: 'A library with symbol TULSA already exists' } });
    const malformed = await h.request('POST', '/v1/libraries', { key: h.adminKey, raw: '{"symbol":', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('INVALID_INPUT');
    const noType = await h.request('POST', '/v1/libraries', { key: h.adminKey, raw: JSON.stringify(libraryBody('NEWL')) });
    expect(noType.status).toBe(415);
    expect(noType.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await snapshot(h)).toBe(before);
  });
});
