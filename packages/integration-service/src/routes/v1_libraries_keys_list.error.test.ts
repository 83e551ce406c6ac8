import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/libraries/{symbol}/keys (errors)', () => {
  it('answers 404 for an unknown library and 400 for something that is not a symbol', async () => {
    const h = await useHarness();
    expect((await h.request('GET', '/v1/libraries/NOSUCH/keys', { key: h.adminKey })).body).toEqual({
      error: { code: 'NOT_FOUND', message: 'No library NOSUCH' },
    });
    const bad = await h.request('GET', '/v1/libraries/a%20b/keys', { key: h.adminKey });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_INPUT');
  });
});
