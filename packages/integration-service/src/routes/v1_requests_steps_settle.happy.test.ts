import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('POST /v1/requests/{id}/steps/{stepKey}/resolve and /skip (happy)', () => {
  it('resolve: a patron checked by hand leaves the queue, with the note in the history', async () => {
    const h = await useHarness();
    const { id } = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Emma', patronId: 'no.such.patron', lenders: ['LENDA'] } });
    await h.drain();
    const key = `${id}:lookup-patron:no.such.patron`;
    const view = await h.ok(200, 'POST', `/v1/requests/${id}/steps/${encodeURIComponent(key)}/resolve`, {
      body: { note: 'patron has a new card, checked in the ILS', staff: 'RS' },
    });
    expect(view).toEqual(await h.ok(200, 'GET', `/v1/requests/${id}`));
    expect(view).toMatchObject({ needsAttention: false });
    expect(view.steps.find((s: { key: string }) => s.key === key)).toMatchObject({
      state: 'resolved',
      retryable: false,
      lastOutcome: { kind: 'resolved', by: 'RS' },
    });
    expect(view.history.at(-1)).toMatchObject({
      kind: 'staff',
      stepKey: key,
      text: 'Resolved by hand by RS: Looking up patron no.such.patron in the circulation system was done in the ILS. Note: patron has a new card, checked in the ILS',
    });
    expect(await h.drain()).toBe(0); // nothing is run for a step done by hand
  });

  it('skip: the step is skipped by staff and the request leaves the queue', async () => {
    const h = await useHarness();
    const { id } = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Emma', patronId: 'no.such.patron', lenders: ['LENDA'] } });
    await h.drain();
    const key = `${id}:lookup-patron:no.such.patron`;
    const view = await h.ok(200, 'POST', `/v1/requests/${id}/steps/${encodeURIComponent(key)}/skip`, {
      body: { note: 'walk-in patron, verified at the desk' },
    });
    expect(view.needsAttention).toBe(false);
    expect(view.steps.find((s: { key: string }) => s.key === key)).toMatchObject({
      state: 'skipped',
      lastOutcome: { kind: 'skipped', by: 'staff', reason: 'skipped by staff: walk-in patron, verified at the desk' },
    });
    expect(view.history.at(-1).text).toBe(
      'Skipped by staff: Looking up patron no.such.patron in the circulation system is not needed. Note: walk-in patron, verified at the desk',
    );
  });
});
