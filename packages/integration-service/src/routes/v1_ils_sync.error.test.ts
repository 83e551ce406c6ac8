import { describe, expect, it } from 'vitest';
import { almaHost, useHarness } from '../testutil/harness.ts';
import { receivedLoan } from '../testutil/received.ts';

describe('POST /v1/ils-sync (errors)', () => {
  it('an ILS that is down fails the reads, writes no finding, and the next run reads again', async () => {
    const h = await useHarness();
    const id = await receivedLoan(h);
    const before = (await h.ok(200, 'GET', `/v1/requests/${id}`)).history.length;
    await h.sim.app.request(`${almaHost}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ down: true }),
    });
    const report = await h.ok(200, 'POST', '/v1/ils-sync');
    expect(report).toMatchObject({ read: 0, noticed: 0, failed: [{ requestId: id, reason: expect.any(String) }] });
    const after = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(after.history.length).toBe(before);
    expect(after.ilsCirculation).toBeUndefined();
    await h.sim.app.request(`${almaHost}/_sim/faults`, { method: 'DELETE' });
    expect(await h.ok(200, 'POST', '/v1/ils-sync')).toMatchObject({ read: 1, failed: [] });
  });

  it('refuses other methods', async () => {
    const h = await useHarness();
    expect([404, 405]).toContain((await h.request('GET', '/v1/ils-sync')).status);
  });
});
