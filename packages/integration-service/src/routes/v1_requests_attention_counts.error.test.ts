import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/requests/attention-counts (errors)', () => {
  it('is a GET only; an unknown path next to it is not taken for a request ID', async () => {
    const h = await useHarness();
    expect((await h.request('POST', '/v1/requests/attention-counts')).status).toBe(404);
    const other = await h.request('GET', '/v1/requests/attention-count');
    expect(other.status).toBe(400);
    expect(other.body.error.code).toBe('INVALID_INPUT');
  });
});
