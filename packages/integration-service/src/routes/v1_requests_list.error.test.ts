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

  it.each([
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
});
