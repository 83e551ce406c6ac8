import { sql } from 'drizzle-orm';
import { rawAll, rawGet } from '../store/dialect.ts';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('POST /v1/libraries/{symbol}/keys/rotate (security)', () => {
  it("needs a key; a library key rotates only its own library's key", async () => {
    const h = await useHarness();
    expect((await h.request('POST', '/v1/libraries/TULSA/keys/rotate', { key: null })).status).toBe(401);
    expect((await h.request('POST', '/v1/libraries/TULSA/keys/rotate', { key: 'bks_not-a-key' })).status).toBe(401);
    const other = await h.request('POST', '/v1/libraries/TULSA/keys/rotate', { key: h.keys.PARTNR });
    expect(other.body).toEqual({ error: { code: 'FORBIDDEN', message: "A library key manages only its own library's keys" } });
    expect((await h.ok(200, 'GET', '/v1/libraries/TULSA/keys', { key: h.adminKey })).keys).toHaveLength(1);
    // a key the library rotated away and that ran out cannot rotate again
    await h.ok(201, 'POST', '/v1/libraries/TULSA/keys/rotate', { key: h.keys.TULSA, body: { graceHours: 0 } });
    expect((await h.request('POST', '/v1/libraries/TULSA/keys/rotate', { key: h.keys.TULSA })).status).toBe(401);
  });

  it('never shows a stored key or its hash afterwards', async () => {
    const h = await useHarness();
    const rotated = await h.ok(201, 'POST', '/v1/libraries/TULSA/keys/rotate', { key: h.adminKey });
    const listed = JSON.stringify(await h.ok(200, 'GET', '/v1/libraries/TULSA/keys', { key: h.adminKey }));
    const hashes = await rawAll<{ key_hash: string }>(h.service.database.db, sql`select key_hash from api_keys`);
    for (const secret of [rotated.apiKey, h.keys.TULSA, ...hashes.map((r) => r.key_hash)]) expect(listed).not.toContain(secret);
  });
});
