import { sql } from 'drizzle-orm';
import { rawAll, rawGet } from '../store/dialect.ts';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/libraries/{symbol}/keys (security)', () => {
  it("needs a key; a library key lists only its own library's keys, and never a key or hash", async () => {
    const h = await useHarness();
    expect((await h.request('GET', '/v1/libraries/TULSA/keys', { key: null })).status).toBe(401);
    expect((await h.request('GET', '/v1/libraries/TULSA/keys', { key: 'nope' })).status).toBe(401);
    expect((await h.request('GET', '/v1/libraries/TULSA/keys', { key: h.keys.PARTNR })).status).toBe(403);
    // unknown symbol with a library key: 403, not 404, so a key cannot probe which libraries exist
    expect((await h.request('GET', '/v1/libraries/NOSUCH/keys', { key: h.keys.PARTNR })).status).toBe(403);
    const body = JSON.stringify(await h.ok(200, 'GET', '/v1/libraries/TULSA/keys', { key: h.keys.TULSA }));
    const [row] = await rawAll<{ key_hash: string }>(h.service.database.db, sql`select key_hash from api_keys where prefix = ${h.keys.TULSA.slice(0, 8)}`);
    expect(body).not.toContain(h.keys.TULSA);
    expect(body).not.toContain(row!.key_hash);
    // a library key reads its own configuration (credentials masked), but not the list of libraries
    expect((await h.request('GET', '/v1/libraries/TULSA', { key: h.keys.TULSA })).status).toBe(200);
    expect((await h.request('GET', '/v1/libraries', { key: h.keys.TULSA })).status).toBe(403);
  });
});
