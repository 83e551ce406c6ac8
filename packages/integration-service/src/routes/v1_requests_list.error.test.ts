import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/requests (errors)', () => {
  it.each(['status=lost-in-space', 'status=sent,bogus', 'role=both', 'limit=500', 'needsAttention=maybe'])('rejects %s with 400', async (query) => {
    const h = await useHarness();
    const response = await h.request('GET', `/v1/requests?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_INPUT');
  });
});
