import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('POST /v1/libraries/{symbol}/keys/rotate (errors)', () => {
  it('refuses a bad grace period or an unknown field with a 400 naming it, and issues no key', async () => {
    const h = await useHarness();
    const bad = await h.request('POST', '/v1/libraries/TULSA/keys/rotate', { key: h.adminKey, body: { graceHours: -1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ path: 'graceHours', message: expect.any(String) }]);
    const typo = await h.request('POST', '/v1/libraries/TULSA/keys/rotate', { key: h.adminKey, body: { graceHour: 1 } });
    expect(typo.status).toBe(400);
    expect(typo.body.error.details).toEqual([{ path: 'graceHour', message: 'unknown field "graceHour"' }]);
    expect((await h.ok(200, 'GET', '/v1/libraries/TULSA/keys', { key: h.adminKey })).keys).toHaveLength(1);
  });

  it('answers 404 for an unknown library', async () => {
    const h = await useHarness();
    expect((await h.request('POST', '/v1/libraries/NOSUCH/keys/rotate', { key: h.adminKey })).body).toEqual({
      error: { code: 'NOT_FOUND', message: 'No library NOSUCH' },
    });
  });
});
