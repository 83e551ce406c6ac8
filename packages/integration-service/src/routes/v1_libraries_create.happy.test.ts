import { sql } from 'drizzle-orm';
import { rawAll, rawGet } from '../store/dialect.ts';
import { describe, expect, it } from 'vitest';
import { libraryBody, useHarness } from '../testutil/harness.ts';

describe('POST /v1/libraries (happy)', () => {
  it('configures a library with safe defaults and returns its API key once', async () => {
    const h = await useHarness();
    const created = await h.ok(201, 'POST', '/v1/libraries', {
      key: h.adminKey,
      body: libraryBody('okla', {
        pickupLocations: [{ code: 'MAIN', name: 'Main Library', ilsLocationCode: 'MAIN' }],
        borrowerIdentifiers: { map: { TULSA: 'ILL-TULSA' }, defaultId: 'ILL-DEFAULT' },
      }),
    });
    expect(created).toMatchObject({
      symbol: 'OKLA',
      adapter: 'alma:rest',
      connection: { ils: 'alma', protocol: 'rest', credentials: { apiKey: '********' } },
      settings: { enabled: true, borrowing: { createItemOnReceived: true, temporaryBarcodeSource: 'request-id' } },
      borrowerIdentifiers: { map: { TULSA: 'ILL-TULSA' }, defaultId: 'ILL-DEFAULT' },
      pickupLocations: [{ code: 'MAIN', ilsLocationCode: 'MAIN', active: true }],
      capabilities: { feesOnShipped: true, lendingHold: false },
    });
    expect(created.apiKey).toMatch(/^bks_[A-Za-z0-9_-]{40,}$/);

    // The key works for the library's own requests, and only its hash is stored.
    expect((await h.request('GET', '/v1/requests', { key: created.apiKey })).status).toBe(200);
    const stored = await rawAll<{ key_hash: string }>(h.service.database.db, sql`select key_hash from api_keys where prefix = ${created.apiKey.slice(0, 8)}`);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.key_hash).not.toContain(created.apiKey);

    // Shown once: reading the library again never shows a key or a credential.
    const read = await h.ok(200, 'GET', '/v1/libraries/OKLA', { key: h.adminKey });
    expect(read.apiKey).toBeUndefined();
    expect(JSON.stringify(read)).not.toContain('alma-demo-key');
  });
});
