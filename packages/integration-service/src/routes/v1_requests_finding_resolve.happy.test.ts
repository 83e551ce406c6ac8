import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';
import { expiredHoldLoan } from '../testutil/open-finding.ts';

describe('POST /v1/requests/{id}/ils-finding/resolve', () => {
  it('takes the ILS finding out of the needs-attention queue, with who and why in the history', async () => {
    const h = await useHarness();
    const id = await expiredHoldLoan(h);
    expect(await h.ok(200, 'GET', `/v1/requests/${id}`)).toMatchObject({
      needsAttention: true,
      attention: { reason: 'hold-expired', finding: 'hold-expired' },
    });
    const resolved = await h.ok(200, 'POST', `/v1/requests/${id}/ils-finding/resolve`, { body: { note: 'Patron called; picks it up Friday', staff: 'MK' } });
    expect(resolved).toMatchObject({ needsAttention: false, status: 'received', ilsCirculation: { state: 'hold-expired', needsIllStaff: false } });
    expect(resolved.attention).toBeUndefined();
    expect(resolved.history.at(-1)).toMatchObject({
      kind: 'staff',
      text: expect.stringMatching(/^Resolved by MK: the hold on .* expired.* Note: Patron called; picks it up Friday$/),
    });
    expect((await h.ok(200, 'GET', '/v1/requests?needsAttention=true')).total).toBe(0);
    // the same state read again is not a new finding: it stays out of the queue
    await h.ok(200, 'POST', '/v1/ils-sync');
    expect((await h.ok(200, 'GET', `/v1/requests/${id}`)).needsAttention).toBe(false);
  });
});
