import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/temporary-items (errors)', () => {
  it.each(['', '?title=', '?title=a', '?patronId='])('rejects %s with 400', async (query) => {
    const h = await useHarness();
    const response = await h.request('GET', `/v1/temporary-items${query}`);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_INPUT');
  });
});
