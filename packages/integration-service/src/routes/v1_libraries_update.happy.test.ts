import { sql } from 'drizzle-orm';
import { rawAll, rawGet } from '../store/dialect.ts';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('PATCH /v1/libraries/{symbol} (happy)', () => {
  it('merges a partial settings change into the current settings', async () => {
    const h = await useHarness();
    const updated = await h.ok(200, 'PATCH', '/v1/libraries/TULSA', {
      key: h.adminKey,
      body: { name: 'Tulsa Library', settings: { borrowing: { temporaryBarcodeSource: 'supplier-barcode' } } },
    });
    expect(updated).toMatchObject({
      name: 'Tulsa Library',
      settings: {
        borrowing: { temporaryBarcodeSource: 'supplier-barcode', illLocation: 'ILL', temporaryItemPolicy: 'ILL' },
        lending: { borrowerIdentifiers: { map: { PARTNR: expect.any(String) } } },
      },
    });
  });

  it('keeps credentials that are left out or sent back masked, and replaces the borrower map', async () => {
    const h = await useHarness();
    const current = await h.ok(200, 'GET', '/v1/libraries/TULSA', { key: h.adminKey });
    await h.ok(200, 'PATCH', '/v1/libraries/TULSA', {
      key: h.adminKey,
      body: { connection: { ...current.connection, circulationDesk: 'RS_DESK' }, borrowerIdentifiers: { map: { OKLA: 'ILL-OKLA' } } },
    });
    const row = (await rawGet<{ connection: unknown; settings: unknown }>(
      h.service.database.db,
      sql`select connection, settings from libraries where symbol = 'TULSA'`,
    ))!;
    // SQLite keeps JSON as text, Postgres as jsonb (read back as an object)
    const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);
    expect(json(row.connection)).toMatchObject({ circulationDesk: 'RS_DESK', credentials: { apiKey: 'alma-demo-key' } });
    expect(json(row.settings).lending.borrowerIdentifiers).toEqual({ map: { OKLA: 'ILL-OKLA' } });

    // The stored key still works: a step runs against Alma.
    const { id } = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Dracula', patronId: 'no.such.patron' } });
    await h.drain();
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(request.attention.detail).toContain('invalid patron id');
  });
});
