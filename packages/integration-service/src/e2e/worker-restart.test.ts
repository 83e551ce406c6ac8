import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adjustableClock, createSimulator, demo, fixedClock } from '@bookstrap/ils-simulators';
import { describe, expect, it, onTestFinished } from 'vitest';
import { claimNextJob } from '../store/outbox.ts';
import { almaDesk } from '../testutil/alma-desk.ts';
import { createHarness, testNow } from '../testutil/harness.ts';

const patron = demo.alma.patrons.good.primaryId;

function sharedWorld() {
  const folder = mkdtempSync(join(tmpdir(), 'bookstrap-restart-'));
  const clock = adjustableClock(fixedClock(testNow));
  const sim = createSimulator({ vendor: 'alma', clock, limits: { perSecond: 100_000 } });
  onTestFinished(() => {
    sim.close();
    rmSync(folder, { recursive: true, force: true });
  });
  return { dbPath: join(folder, 'bookstrap.sqlite'), clock, sim };
}

async function receivedRequest(h: Awaited<ReturnType<typeof createHarness>>): Promise<string> {
  const { id } = await h.ok(201, 'POST', '/v1/requests', {
    body: { role: 'borrowing', title: 'Dracula', patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] },
  });
  for (const action of ['send', 'supplier-shipped', 'receive']) await h.ok(200, 'POST', `/v1/requests/${id}/${action}`);
  return id;
}

describe('the worker dies between "temporary item created" and "hold placed"', () => {
  it('a new worker on the same database file places the hold: one temporary item, one hold', async () => {
    const world = sharedWorld();
    const first = await createHarness(world);
    const id = await receivedRequest(first);
    // Patron lookup, then the temporary item; the process ends before the hold.
    expect(await first.service.worker.runUntilIdle({ maxJobs: 2 })).toBe(2);
    await first.close();

    const second = await createHarness(world);
    onTestFinished(() => second.close());
    const before = await second.ok(200, 'GET', `/v1/requests/${id}`);
    expect(before.steps.map((s: { name: string; state: string }) => [s.name, s.state])).toEqual([
      ['lookup-patron', 'succeeded'],
      ['create-temporary-item', 'succeeded'],
      ['place-hold', 'pending'],
    ]);
    expect(await second.drain()).toBe(1);

    const desk = almaDesk(second);
    expect(await desk.countItems(id)).toBe(1);
    expect(await desk.holds(id)).toHaveLength(1);
    expect(await second.ok(200, 'GET', `/v1/requests/${id}`)).toMatchObject({ needsAttention: false, pendingSteps: 0 });
  });

  it('a worker that died holding the hold step (its call had reached the ILS) is taken over after its lease, without a second hold', async () => {
    const world = sharedWorld();
    const first = await createHarness(world);
    const id = await receivedRequest(first);
    await first.service.worker.runUntilIdle({ maxJobs: 2 });
    // The dying worker claims the hold, places it in Alma, and never records the outcome.
    const claimed = await claimNextJob(first.service.database.db, { owner: 'dying-worker', now: world.clock.now(), leaseMs: 5 * 60_000 });
    expect(claimed?.step.name).toBe('place-hold');
    const item = await almaDesk(first).item(id);
    // The call the adapter makes, comment and all: the comment is how the retry knows the hold is its own.
    const placed = await first.alma('POST', `/users/${patron}/requests?item_pid=${item.item_data.pid}`, {
      request_type: 'HOLD',
      pickup_location_type: 'LIBRARY',
      pickup_location_library: 'MAIN',
      comment: `ILL request ${id}`,
    });
    expect(placed.status).toBe(200);
    await first.close();

    const second = await createHarness(world);
    onTestFinished(() => second.close());
    expect(await second.drain()).toBe(0); // the lease is still live: never two workers on one job
    world.clock.advance(5 * 60_000 + 1);
    expect(await second.drain()).toBe(1);

    const request = await second.ok(200, 'GET', `/v1/requests/${id}`);
    expect(request.steps.find((s: { name: string }) => s.name === 'place-hold')).toMatchObject({ state: 'succeeded', lastOutcome: { kind: 'already-done' } });
    expect(request.history.at(-1).text).toBe(`Hold placed for patron ${patron} on ${id}, pickup at MAIN (the patron already has this hold).`);
    expect(await almaDesk(second).holds(id)).toHaveLength(1);
    expect(await almaDesk(second).countItems(id)).toBe(1);
  });
});
