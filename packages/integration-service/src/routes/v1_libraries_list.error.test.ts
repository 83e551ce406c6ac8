import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/libraries (errors)', () => {
  it.each(['limit=0', 'limit=1000', 'offset=-1', 'limit=ten'])('rejects %s with 400', async (query) => {
    const h = await useHarness();
    const response = await h.request('GET', `/v1/libraries?${query}`, { key: h.adminKey });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_INPUT');
  });
});
