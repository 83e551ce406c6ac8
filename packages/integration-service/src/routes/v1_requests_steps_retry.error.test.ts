import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { snapshot, useHarness } from '../testutil/harness.ts';

describe('POST /v1/requests/{id}/steps/{stepKey}/retry (errors)', () => {
  it('never re-runs a succeeded step (409) and answers 404 for an unknown step; nothing changes', async () => {
    const h = await useHarness();
    const patron = demo.alma.patrons.good.primaryId;
    const { id } = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Emma', patronId: patron } });
    await h.drain();
    const before = await snapshot(h);
    const done = await h.request('POST', `/v1/requests/${id}/steps/${encodeURIComponent(`${id}:lookup-patron:${patron}`)}/retry`);
    expect(done.status).toBe(409);
    expect(done.body.error.code).toBe('STEP_NOT_RETRYABLE');
    const unknown = await h.request('POST', `/v1/requests/${id}/steps/nope/retry`);
    expect(unknown.status).toBe(404);
    expect(await snapshot(h)).toBe(before);
  });

  it("does not reach another request's step through this request", async () => {
    const h = await useHarness();
    const a = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Emma', patronId: 'no.such.patron' } });
    const b = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Emma' } });
    await h.drain();
    const response = await h.request('POST', `/v1/requests/${b.id}/steps/${encodeURIComponent(`${a.id}:lookup-patron:no.such.patron`)}/retry`);
    expect(response.status).toBe(404);
  });
});
