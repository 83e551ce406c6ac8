import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/requests/{id} (errors)', () => {
  it('answers 400 for an ID that cannot be a request ID and 404 for an unknown one', async () => {
    const h = await useHarness();
    const bad = await h.request('GET', '/v1/requests/DROP%20TABLE');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_INPUT');
    expect(await h.request('GET', '/v1/requests/9999999').then((r) => r.body)).toEqual({ error: { code: 'NOT_FOUND', message: 'No request 9999999' } });
  });
});
