import { onPostgresStore, sqliteOnly } from './testutil/store.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { silentLogger } from './logger.ts';
import { openDatabase } from './store/database.ts';
import { snapshot, useHarness } from './testutil/harness.ts';
import { failStorage } from './testutil/storage-fault.ts';

describe('the app', () => {
  it('publishes its OpenAPI document with every route and the bearer scheme', async () => {
    const h = await useHarness();
    const doc = await h.ok(200, 'GET', '/openapi.json', { key: null });
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/libraries',
        '/v1/libraries/{symbol}',
        '/v1/requests',
        '/v1/requests/{id}',
        '/v1/requests/{id}/receive',
        '/v1/requests/{id}/steps/{stepKey}/retry',
        '/v1/requests/{id}/protocol-log',
        '/v1/temporary-items',
      ]),
    );
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/v1/requests/{id}'].get.responses['404'].content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
  });

  it('points a newcomer at the console, the API reference and the OpenAPI document from /', async () => {
    const h = await useHarness();
    const root = await h.ok(200, 'GET', '/', { key: null });
    expect(root).toMatchObject({ console: '/console', docs: '/docs', openapi: '/openapi.json' });
    // without a session the console sends the newcomer to its sign-in page
    const entry = await h.service.app.request('/console');
    expect(entry.status).toBe(303);
    expect(entry.headers.get('location')).toMatch(/^\/console\/sign-in/);
  });

  it('serves the API reference page and its assets from the installed swagger-ui-dist (no CDN)', async () => {
    const h = await useHarness();
    const page = await h.service.app.request('/docs');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('/docs/assets/swagger-ui-bundle.js');
    expect(html).not.toMatch(/https?:\/\//);
    const bundle = await h.service.app.request('/docs/assets/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('javascript');
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
    expect((await h.service.app.request('/docs/assets/..%2Fpackage.json')).status).toBe(404);
  });

  it('answers unknown routes with the JSON error shape', async () => {
    const h = await useHarness();
    const response = await h.request('GET', '/v2/anything', { key: null });
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: { code: 'NOT_FOUND', message: 'No route GET /v2/anything' } });
  });

  it('turns an unexpected failure into 500 INTERNAL without leaking a stack trace', async () => {
    const database = openDatabase(':memory:');
    const app = createApp({ db: database.db, clock: { now: () => new Date() }, registry: {}, logger: silentLogger, adminKey: 'admin-key-for-this-test' });
    database.close(); // every query now throws
    const response = await app.request('/v1/libraries', { headers: { authorization: 'Bearer admin-key-for-this-test' } });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' } });
    expect(text).not.toMatch(/at .*\.ts|database connection/i);
  });
});

describe('/health', () => {
  it('answers 200 when the database takes a write lock and a read, and changes nothing', async () => {
    const h = await useHarness();
    const before = await snapshot(h);
    expect(await h.ok(200, 'GET', '/health', { key: null })).toEqual({ status: 'ok' });
    expect(await snapshot(h)).toBe(before);
    if (!onPostgresStore) expect(h.service.database.sqlite.inTransaction).toBe(false);
  });

  sqliteOnly.each([
    ['SQLITE_FULL', 'the database disk is full'],
    ['SQLITE_IOERR_WRITE', 'I/O error'],
    ['SQLITE_BUSY', 'locked'],
  ])('answers 503 STORAGE_UNAVAILABLE on %s, then 200 once the database recovers', async (code, cause) => {
    const h = await useHarness();
    const restore = failStorage(h.service.database.sqlite, code);
    const response = await h.request('GET', '/health', { key: null });
    restore();
    expect(response.status).toBe(503);
    expect(response.body.error).toEqual({ code: 'STORAGE_UNAVAILABLE', message: expect.stringContaining(cause) });
    expect(h.service.database.sqlite.inTransaction).toBe(false);
    await h.ok(200, 'GET', '/health', { key: null });
  });

  it('answers 503 when the database is locked by another connection', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'bookstrap-health-'));
    try {
      const path = join(folder, 'db.sqlite');
      const h = await useHarness({ dbPath: path });
      h.service.database.sqlite.pragma('busy_timeout = 0');
      const other = openDatabase(path);
      other.sqlite.exec('BEGIN IMMEDIATE');
      const response = await h.request('GET', '/health', { key: null });
      other.sqlite.exec('ROLLBACK');
      other.close();
      expect(response.status).toBe(503);
      expect(response.body.error.code).toBe('STORAGE_UNAVAILABLE');
      await h.ok(200, 'GET', '/health', { key: null });
      await h.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('request size', () => {
  it('refuses a body over 1 MB with 413 in the JSON error shape', async () => {
    const h = await useHarness();
    const response = await h.request('POST', '/v1/requests', {
      raw: JSON.stringify({ role: 'borrowing', title: 'x'.repeat(1_100_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
