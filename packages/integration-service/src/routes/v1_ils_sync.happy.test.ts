import { describe, expect, it } from 'vitest';
import { almaDesk } from '../testutil/alma-desk.ts';
import { useHarness } from '../testutil/harness.ts';
import { receivedLoan } from '../testutil/received.ts';

describe('POST /v1/ils-sync (happy)', () => {
  it("reads the library's own live requests and reports what it noticed", async () => {
    const h = await useHarness();
    const id = await receivedLoan(h);
    await almaDesk(h).checkIn(id, 'MAIN');
    const report = await h.ok(200, 'POST', '/v1/ils-sync');
    expect(report).toEqual({ library: 'TULSA', read: 1, noticed: 1, queued: 0, failed: [], nextRunAt: '2025-03-12T10:15:00.000Z' });
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(request.ilsCirculation).toMatchObject({ itemBarcode: id, state: 'hold-ready', lastFindingKind: 'hold-ready', needsIllStaff: false });
    expect(request.history.at(-1)).toMatchObject({ kind: 'ils', text: expect.stringContaining('checked in at the pickup location') });
  });

  it('says why nothing was read when the library turned its sync off', async () => {
    const h = await useHarness();
    await h.ok(200, 'PATCH', '/v1/libraries/TULSA?check=false', { key: h.adminKey, body: { settings: { ilsSync: { enabled: false } } } });
    expect(await h.ok(200, 'POST', '/v1/ils-sync')).toMatchObject({ read: 0, skipped: 'the ILS sync is off for this library' });
  });
});
