import { describe, expect, it } from 'vitest';
import { snapshot, useHarness } from '../testutil/harness.ts';
import { expiredHoldLoan } from '../testutil/open-finding.ts';
import { receivedLoan } from '../testutil/received.ts';

describe('POST /v1/requests/{id}/ils-finding/resolve (errors)', () => {
  it('refuses bad bodies and unknown fields by name, and a request with no open finding with 409; changes nothing', async () => {
    const h = await useHarness();
    const id = await expiredHoldLoan(h);
    const before = await snapshot(h);
    const unknown = await h.request('POST', `/v1/requests/${id}/ils-finding/resolve`, { body: { note: 'x', stamp: 1 } });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('stamp');
    for (const body of [{}, { note: '   ' }, { note: 'x'.repeat(1001) }, { note: 'x', staff: '' }])
      expect((await h.request('POST', `/v1/requests/${id}/ils-finding/resolve`, { body })).status).toBe(400);
    expect(
      (await h.request('POST', `/v1/requests/${id}/ils-finding/resolve`, { raw: 'not json', headers: { 'content-type': 'application/json' } })).status,
    ).toBe(400);
    expect((await h.request('POST', '/v1/requests/9999999/ils-finding/resolve', { body: { note: 'x' } })).status).toBe(404);
    expect(await snapshot(h)).toBe(before);

    const quiet = await receivedLoan(h, 'Emma');
    const calm = await snapshot(h);
    const none = await h.request('POST', `/v1/requests/${quiet}/ils-finding/resolve`, { body: { note: 'x' } });
    expect(none.status).toBe(409);
    expect(none.body.error).toMatchObject({ code: 'FINDING_NOT_OPEN', message: expect.stringContaining('no ILS finding waiting for staff') });
    expect(await snapshot(h)).toBe(calm);
    await h.ok(200, 'POST', `/v1/requests/${id}/ils-finding/resolve`, { body: { note: 'done' } });
    expect((await h.request('POST', `/v1/requests/${id}/ils-finding/resolve`, { body: { note: 'twice' } })).status).toBe(409);
  });
});
