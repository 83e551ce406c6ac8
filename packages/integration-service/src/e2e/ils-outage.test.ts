import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { almaDesk, historyOf } from '../testutil/alma-desk.ts';
import { almaHost, useHarness } from '../testutil/harness.ts';

const patron = demo.alma.patrons.good.primaryId;

describe('an ILS outage during receive', () => {
  it('still receives, retries after recovery, succeeds once and duplicates nothing', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const faults = (body: unknown) =>
      h.sim.app.request(`${almaHost}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'borrowing', title: 'Dracula', patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] },
    });
    for (const action of ['send', 'supplier-shipped']) await h.ok(200, 'POST', `/v1/requests/${id}/${action}`);
    await h.drain();

    await faults({ down: true });
    const received = await h.ok(200, 'POST', `/v1/requests/${id}/receive`);
    expect(received.status).toBe('received'); // the ILL transaction is never blocked
    await h.drain();

    const during = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(during.status).toBe('received');
    // Waiting for its next automatic retry: nobody has to act, so it is not in the queue.
    expect(during.needsAttention).toBe(false);
    expect(during.steps.find((s: { name: string }) => s.name === 'create-temporary-item')).toMatchObject({
      state: 'failed-retryable',
      lastOutcome: { reason: expect.stringContaining('Alma is unavailable') },
    });
    expect(during.steps.find((s: { name: string }) => s.name === 'place-hold')).toMatchObject({
      state: 'pending',
      waitingFor: `${id}:create-temporary-item:${id}`,
    });
    expect(during.history.map((e: { text: string }) => e.text)).toContain(
      'Temporary item record failed to create (Alma is unavailable while creating temporary item ' +
        id +
        ' (HTTP 503: <html><body><h1>503 Service Unavailable</h1></body></html>)). Will retry.',
    );

    // Not due yet: nothing runs, nothing is hammered.
    expect(await h.drain()).toBe(0);

    await faults({});
    h.clock.advance(60_000);
    expect(await h.drain()).toBe(2);

    const after = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(after).toMatchObject({ status: 'received', needsAttention: false, pendingSteps: 0 });
    expect(after.steps.map((s: { name: string; state: string; attempts: number }) => [s.name, s.state, s.attempts])).toEqual([
      ['lookup-patron', 'succeeded', 1],
      ['create-temporary-item', 'succeeded', 2],
      ['place-hold', 'succeeded', 1],
    ]);
    const history = await historyOf(h, id);
    expect(history.filter((t) => t === `Temporary item record ${id} successfully created.`)).toHaveLength(1);
    expect(history.filter((t) => t.startsWith('Hold placed'))).toHaveLength(1);

    expect(await desk.countItems(id)).toBe(1);
    expect(await desk.holds(id)).toHaveLength(1);
    // Only one bib was made for it, too (the 035 marker finds it).
    const bibs = await h.alma('GET', `/bibs?other_system_id=${encodeURIComponent(`(BOOKSTRAP)${id}-${id}`)}`);
    expect(bibs.body.total_record_count).toBe(1);

    // A succeeded step is never run again.
    h.clock.advance(60 * 60_000);
    expect(await h.drain()).toBe(0);
  });

  it('stops retrying after the attempt budget and asks staff, who can retry once the ILS is back', async () => {
    const h = await useHarness({ maxAttempts: 3 });
    const faults = (body: unknown) =>
      h.sim.app.request(`${almaHost}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'borrowing', title: 'Dracula', patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] },
    });
    await faults({ down: true });
    for (let i = 0; i < 5; i += 1) {
      await h.drain();
      h.clock.advance(10 * 60_000);
    }
    const stuck = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(stuck).toMatchObject({ needsAttention: true });
    expect(stuck.attention).toMatchObject({
      step: 'lookup-patron',
      reason: 'ils-unreachable',
      detail: expect.stringContaining('gave up after 3 attempts'),
      nextAction: expect.stringContaining('Retry the step once the ILS is back'),
    });

    await faults({});
    const retried = await h.ok(202, 'POST', `/v1/requests/${id}/steps/${encodeURIComponent(stuck.attention.stepKey)}/retry`);
    expect(retried).toMatchObject({ state: 'pending', attempts: 0 });
    await h.drain();
    expect(await h.ok(200, 'GET', `/v1/requests/${id}`)).toMatchObject({ needsAttention: false });
  });
});
