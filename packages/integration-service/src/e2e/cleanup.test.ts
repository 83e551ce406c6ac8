import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { almaDesk } from '../testutil/alma-desk.ts';
import { useHarness } from '../testutil/harness.ts';
import { createWorker } from '../worker/worker.ts';

/**
 * Cleanup is complete or visible: a deleted temporary item leaves nothing behind in Alma (item,
 * holding, bib), and when Alma refuses part of the cleanup the step says so and retries,
 * instead of reporting done over an orphaned bib.
 */
const patron = demo.alma.patrons.good.primaryId;

describe('deleting the temporary item on return (Alma REST)', () => {
  it('a bib DELETE that fails once is retried; done only when no bib of the temporary item is left', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'borrowing', title: 'Emma', patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] },
    });
    for (const action of ['send', 'supplier-shipped', 'receive']) await h.ok(200, 'POST', `/v1/requests/${id}/${action}`);
    await h.drain();
    const marker = encodeURIComponent(`(BOOKSTRAP)${id}-${id}`);
    const bibsLeft = async () => ((await h.alma('GET', `/bibs?other_system_id=${marker}`)).body.bib ?? []).length;
    expect(await bibsLeft()).toBe(1);

    await h.ok(200, 'POST', `/v1/requests/${id}/mark-returned`);
    let failed = 0;
    const flaky = createWorker({
      db: h.service.database.db,
      clock: h.clock,
      registry: h.service.registry,
      fetch: async (input, init) => {
        if (init?.method === 'DELETE' && /\/bibs\/\d+(\?|$)/.test(new URL(input).pathname + new URL(input).search) && failed === 0) {
          failed += 1;
          return new Response('Bad Gateway', { status: 502 });
        }
        return h.fetch(input, init);
      },
    });
    await flaky.runUntilIdle();
    expect(failed).toBe(1);
    expect(await desk.countItems(id)).toBe(0);
    expect(await bibsLeft()).toBe(1); // the orphan exists, and the step knows it
    const waiting = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(waiting.steps.find((s: { name: string }) => s.name === 'delete-temporary-item')).toMatchObject({ state: 'failed-retryable' });

    h.clock.advance(10 * 60_000);
    await h.drain();
    expect(await bibsLeft()).toBe(0);
    const settled = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(settled.steps.find((s: { name: string }) => s.name === 'delete-temporary-item')).toMatchObject({ state: 'succeeded' });
    expect(settled).toMatchObject({ needsAttention: false, pendingSteps: 0 });
  });

  it('a plain delete removes item, holding and bib in one step', async () => {
    const h = await useHarness();
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'borrowing', title: 'Emma', patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] },
    });
    for (const action of ['send', 'supplier-shipped', 'receive']) await h.ok(200, 'POST', `/v1/requests/${id}/${action}`);
    await h.drain();
    await h.ok(200, 'POST', `/v1/requests/${id}/mark-returned`);
    await h.drain();
    const marker = encodeURIComponent(`(BOOKSTRAP)${id}-${id}`);
    expect((await h.alma('GET', `/bibs?other_system_id=${marker}`)).body.bib ?? []).toEqual([]);
    expect(await almaDesk(h).countItems(id)).toBe(0);
  });
});
