import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/requests/{id}/protocol-log (errors)', () => {
  it('answers 404 for an unknown request and 400 for a malformed ID', async () => {
    const h = await useHarness();
    expect((await h.request('GET', '/v1/requests/9999999/protocol-log')).status).toBe(404);
    expect((await h.request('GET', '/v1/requests/abc/protocol-log')).status).toBe(400);
  });
});
