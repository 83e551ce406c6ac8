import { sqliteOnly } from '../testutil/store.ts';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';
import { failStorage } from '../testutil/storage-fault.ts';

describe('GET /v1/requests (errors)', () => {
  it.each(['status=lost-in-space', 'status=sent,bogus', 'role=both', 'limit=500', 'needsAttention=maybe'])('rejects %s with 400', async (query) => {
    const h = await useHarness();
    const response = await h.request('GET', `/v1/requests?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_INPUT');
  });

  sqliteOnly.each([
    ['SQLITE_IOERR_READ', 'I/O error'],
    ['SQLITE_BUSY', 'locked'],
    ['SQLITE_CORRUPT', 'corrupt'],
    ['SQLITE_READONLY', 'read-only'],
    ['SQLITE_CANTOPEN', 'cannot be opened'],
  ])('answers %s with 503 STORAGE_UNAVAILABLE, not 500', async (code, cause) => {
    const h = await useHarness();
    const restore = failStorage(h.service.database.sqlite, code);
    const response = await h.request('GET', '/v1/requests');
    restore();
    expect(response.status).toBe(503);
    expect(response.body.error).toEqual({ code: 'STORAGE_UNAVAILABLE', message: expect.stringContaining(cause) });
  });

  it('refuses a cursor it never gave out, naming the parameter', async () => {
    const h = await useHarness();
    const response = await h.request('GET', '/v1/requests?cursor=not-a-cursor');
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('cursor');
  });

  it.each([
    ['prevCursor=not-a-cursor', 'prevCursor', 'not a cursor'],
    ['cursor=czU&prevCursor=czU', 'prevCursor', 'not both'],
    ['title=ab', 'title', 'at least 3 characters'],
    ['title=dracula&search=R1', 'search', 'not both'],
    [`search=${'x'.repeat(201)}`, 'search', ''],
  ])('refuses %s, naming %s, and changes nothing', async (query, field, message) => {
    const h = await useHarness();
    await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Dracula' } });
    const response = await h.request('GET', `/v1/requests?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_INPUT');
    expect(response.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: field, message: expect.stringContaining(message) })]));
    expect((await h.ok(200, 'GET', '/v1/requests')).total).toBe(1);
  });

  it('ignores a query parameter it does not know, as every route does', async () => {
    const h = await useHarness();
    await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Dracula' } });
    expect(await h.ok(200, 'GET', '/v1/requests?sort=title&q=zzz')).toMatchObject({ total: 1 });
  });
});
