import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { almaDesk, historyOf } from '../testutil/alma-desk.ts';
import { type Harness, useHarness } from '../testutil/harness.ts';

/**
 * Staff can repair everything (SPEC §5), end to end against the simulated Alma, asserted through
 * the Alma API: the barcode collision repaired with the suggested barcode, a mistyped patron ID
 * corrected before the hold, a step done by hand, and a queue that empties.
 */
const patron = demo.alma.patrons.good.primaryId;
const otherPatron = demo.alma.otherPatrons[0]!.primaryId;
const theirs = demo.alma.checkedOutItem; // on loan to otherPatrons[0] in the seed

async function inTransit(h: Harness, patronId: string = patron): Promise<string> {
  const { id } = await h.ok(201, 'POST', '/v1/requests', {
    body: { role: 'borrowing', title: 'Emma', patronId, pickupLocation: 'MAIN', lenders: ['LENDA'] },
  });
  await h.ok(200, 'POST', `/v1/requests/${id}/send`);
  await h.ok(200, 'POST', `/v1/requests/${id}/supplier-shipped`, { body: { lenderDueDate: '2025-04-30' } });
  await h.drain();
  return id;
}

const stepOf = (request: { steps: { key: string }[] }, key: string) => request.steps.find((s) => s.key === key) as any;

describe('repairing a barcode collision with the suggested barcode', () => {
  it('makes the temporary item and the hold under the new barcode, leaves nothing under the old, and never touches the colliding item', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const theirItem = await desk.item(theirs.barcode);
    const theirLoan = await desk.loan(theirs.barcode);
    expect(theirLoan?.patronId).toBe(otherPatron);

    const id = await inTransit(h);
    await h.ok(200, 'POST', `/v1/requests/${id}/receive`, { body: { temporaryBarcode: theirs.barcode } });
    await h.drain();
    const collided = await h.ok(200, 'GET', `/v1/requests/${id}`);
    const suggested = `${theirs.barcode}A`;
    expect(collided.attention).toMatchObject({ reason: 'barcode-in-use', nextAction: expect.stringContaining(`apply the suggested ${suggested}`) });
    expect((await h.ok(200, 'GET', '/v1/requests?needsAttention=true')).requests.map((r: { id: string }) => r.id)).toEqual([id]);

    const repaired = await h.ok(200, 'PATCH', `/v1/requests/${id}`, { body: { useSuggestedBarcode: true, note: 'barcode on a branch copy', staff: 'JD' } });
    expect(repaired).toMatchObject({ temporaryBarcode: suggested, needsAttention: false });
    expect(repaired.attention).toBeUndefined();
    await h.drain();

    const after = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(after).toMatchObject({ temporaryBarcode: suggested, needsAttention: false, pendingSteps: 0 });
    expect(stepOf(after, `${id}:create-temporary-item:${theirs.barcode}`)).toMatchObject({
      state: 'skipped',
      lastOutcome: { by: 'JD', reason: `the temporary barcode was corrected from ${theirs.barcode} to ${suggested}` },
    });
    expect(stepOf(after, `${id}:create-temporary-item:${suggested}`).state).toBe('succeeded');
    expect(stepOf(after, `${id}:place-hold:${suggested}`).state).toBe('succeeded');

    // Alma: the new temporary item, this request's, with the hold for our patron …
    const created = await desk.item(suggested);
    expect(created.item_data.internal_note_1).toContain(`ILL request ${id}`);
    expect(await desk.holds(suggested)).toEqual([expect.objectContaining({ patronId: patron, pickup: 'MAIN' })]);
    // … and the colliding item exactly as it was: same record, same loan, no hold of ours.
    expect(await desk.item(theirs.barcode)).toEqual(theirItem);
    expect(await desk.loan(theirs.barcode)).toEqual(theirLoan);
    expect(await desk.holds(theirs.barcode)).toEqual([]);
    expect(await desk.countItems(theirs.barcode)).toBe(1);

    const history = await historyOf(h, id);
    expect(history).toContain(`Corrected by JD: temporary barcode ${theirs.barcode} → ${suggested} (the suggested one). Note: barcode on a branch copy`);
    expect(history.filter((t) => t === `Temporary item record ${suggested} successfully created.`)).toHaveLength(1);
    expect((await h.ok(200, 'GET', '/v1/requests?needsAttention=true')).total).toBe(0);

    // The rest of the loan acts on the new barcode: the return checks in and deletes the new item.
    await h.ok(200, 'POST', `/v1/requests/${id}/mark-returned`);
    await h.drain();
    expect(await desk.countItems(suggested)).toBe(0);
    expect(await desk.item(theirs.barcode)).toEqual(theirItem);
  });
});

describe('correcting the patron ID', () => {
  it('a mistyped patron: the lookup that failed is dropped, the right patron is verified, and the hold is placed for them', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'borrowing', title: 'Emma', patronId: 'no.such.patron', pickupLocation: 'MAIN', lenders: ['LENDA'] },
    });
    await h.drain();
    expect(await h.ok(200, 'GET', `/v1/requests/${id}`)).toMatchObject({ needsAttention: true, attention: { reason: 'patron-problem' } });

    const corrected = await h.ok(200, 'PATCH', `/v1/requests/${id}`, { body: { patronId: patron, note: 'typo at the desk' } });
    expect(corrected).toMatchObject({ patronId: patron, needsAttention: false });
    await h.drain();
    for (const action of ['send', 'supplier-shipped', 'receive']) await h.ok(200, 'POST', `/v1/requests/${id}/${action}`);
    await h.drain();
    const after = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(after).toMatchObject({ needsAttention: false, pendingSteps: 0 });
    expect(stepOf(after, `${id}:lookup-patron:${patron}`).state).toBe('succeeded');
    expect(await desk.holds(id)).toEqual([expect.objectContaining({ patronId: patron })]);
    expect(await historyOf(h, id)).toContain(`Corrected by staff: patron ID no.such.patron → ${patron}. Note: typo at the desk`);
  });

  it('a wrong patron whose hold failed: the same item gets the hold for the right patron, and the item is not made twice', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    // Verification off, so the wrong ID reaches the ILS: Alma makes the item, and refuses the hold.
    await h.ok(200, 'PATCH', '/v1/libraries/TULSA', { key: h.adminKey, body: { settings: { borrowing: { verifyPatronOnRequest: false } } } });
    const id = await inTransit(h, 'no.such.patron');
    await h.ok(200, 'POST', `/v1/requests/${id}/receive`);
    await h.drain();
    const stuck = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(stepOf(stuck, `${id}:create-temporary-item:${id}`).state).toBe('succeeded');
    expect(stepOf(stuck, `${id}:place-hold:${id}`).state).toBe('needs-staff');
    expect(stuck.needsAttention).toBe(true);

    await h.ok(200, 'PATCH', `/v1/requests/${id}`, { body: { patronId: patron, note: 'wrong card' } });
    await h.drain();
    const after = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(after).toMatchObject({ patronId: patron, needsAttention: false, pendingSteps: 0 });
    expect(stepOf(after, `${id}:place-hold:${id}`).state).toBe('succeeded');
    expect(await desk.countItems(id)).toBe(1);
    expect(await desk.holds(id)).toEqual([expect.objectContaining({ patronId: patron })]);
    const history = await historyOf(h, id);
    expect(history.filter((t) => t === `Temporary item record ${id} successfully created.`)).toHaveLength(1);
  });

  it("after the hold is placed: the old patron's hold is cancelled, the right patron gets one, other patrons' holds are untouched", async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const id = await inTransit(h);
    await h.ok(200, 'POST', `/v1/requests/${id}/receive`);
    await h.drain();
    // Another patron queues for the same item at the desk: that hold is theirs, never Bookstrap's.
    const third = demo.alma.otherPatrons[1]!.primaryId;
    const item = await desk.item(id);
    const queued = await h.alma('POST', `/users/${encodeURIComponent(third)}/requests?item_pid=${item.item_data.pid}`, {
      request_type: 'HOLD',
      pickup_location_type: 'LIBRARY',
      pickup_location_library: 'MAIN',
      comment: 'placed at the desk',
    });
    expect(queued.status, JSON.stringify(queued.body)).toBe(200);
    expect(await desk.holds(id)).toEqual([expect.objectContaining({ patronId: patron }), expect.objectContaining({ patronId: third })]);

    const view = await h.ok(200, 'PATCH', `/v1/requests/${id}`, { body: { patronId: otherPatron, note: 'wrong card', staff: 'KM' } });
    expect(view.patronId).toBe(otherPatron);
    await h.drain();
    const after = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(after).toMatchObject({ patronId: otherPatron, needsAttention: false, pendingSteps: 0 });
    expect(stepOf(after, `${id}:cancel-hold:${id}:c1`)).toMatchObject({ state: 'succeeded' });
    expect(stepOf(after, `${id}:place-hold:${id}:c1`)).toMatchObject({ state: 'succeeded' });
    expect(stepOf(after, `${id}:place-hold:${id}`).state).toBe('succeeded'); // the first hold's step is history, never re-run
    // Alma: the old patron's hold is gone, the right patron's exists, the third patron's is as it was.
    const holds = await desk.holds(id);
    expect(holds.map((x) => x.patronId).sort()).toEqual([otherPatron, third].sort());
    expect(holds.find((x) => x.patronId === third)).toMatchObject({ pickup: 'MAIN' });
    const history = await historyOf(h, id);
    expect(history).toContain(`Hold on ${id} for ${patron} cancelled.`);
    expect(history).toContain(`Hold placed for patron ${otherPatron} on ${id}, pickup at MAIN.`);
    // The request's ILS records: the first hold given back, the corrected one held.
    const holdsOwned = after.ilsRecords.filter((r: { kind: string }) => r.kind === 'hold');
    expect(holdsOwned.map((r: { patronId: string; released: boolean }) => [r.patronId, r.released])).toEqual([
      [patron, true],
      [otherPatron, false],
    ]);
  });

  it("a hold the desk already moved is left alone: the request's own hold is gone, so only the corrected hold is placed", async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const id = await inTransit(h);
    await h.ok(200, 'POST', `/v1/requests/${id}/receive`);
    await h.drain();
    // At the desk: our hold cancelled by hand, and a new hold placed for the old patron by hand.
    const [ours] = (await h.alma('GET', `/users/${encodeURIComponent(patron)}/requests?status=active`)).body.user_request;
    expect((await h.alma('DELETE', `/users/${encodeURIComponent(patron)}/requests/${ours.request_id}?reason=CancelledAtPatronRequest`)).status).toBe(204);
    const item = await desk.item(id);
    const planted = await h.alma('POST', `/users/${encodeURIComponent(patron)}/requests?item_pid=${item.item_data.pid}`, {
      request_type: 'HOLD',
      pickup_location_type: 'LIBRARY',
      pickup_location_library: 'MAIN',
      comment: 'placed at the desk',
    });
    expect(planted.status).toBe(200);

    await h.ok(200, 'PATCH', `/v1/requests/${id}`, { body: { patronId: otherPatron, note: 'wrong card' } });
    await h.drain();
    const after = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(stepOf(after, `${id}:cancel-hold:${id}:c1`)).toMatchObject({ state: 'succeeded', lastOutcome: { kind: 'already-done' } });
    // The desk's hold (another request ID, not the one Bookstrap recorded) is untouched.
    const holds = await desk.holds(id);
    expect(holds).toEqual(expect.arrayContaining([expect.objectContaining({ patronId: patron }), expect.objectContaining({ patronId: otherPatron })]));
    expect(holds).toHaveLength(2);
  });

  it('the pickup location after the hold: the hold moves to the new pickup, for the same patron, once', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    await h.ok(200, 'PATCH', '/v1/libraries/TULSA', {
      key: h.adminKey,
      body: {
        pickupLocations: [
          { code: 'MAIN', name: 'Main', ilsLocationCode: 'MAIN', active: true },
          { code: 'SCIENCE', name: 'Science Library', ilsLocationCode: 'SCI', active: true },
        ],
      },
    });
    const id = await inTransit(h);
    await h.ok(200, 'POST', `/v1/requests/${id}/receive`);
    await h.drain();
    expect(await desk.holds(id)).toEqual([expect.objectContaining({ patronId: patron, pickup: 'MAIN' })]);
    await h.ok(200, 'PATCH', `/v1/requests/${id}`, { body: { pickupLocation: 'SCIENCE', note: 'patron asked' } });
    await h.drain();
    expect(await desk.holds(id)).toEqual([expect.objectContaining({ patronId: patron, pickup: 'SCI' })]);
    const after = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(after).toMatchObject({ pickupLocation: 'SCI', needsAttention: false, pendingSteps: 0 });
    // a retry of the finished cancel is refused: it is never run twice
    expect((await h.request('POST', `/v1/requests/${id}/steps/${encodeURIComponent(`${id}:cancel-hold:${id}:c1`)}/retry`)).status).toBe(409);
  });

  it('while the corrected hold waits for the cancel, correcting again rewrites it; the ILS sees one cancel and one hold', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const id = await inTransit(h);
    await h.ok(200, 'POST', `/v1/requests/${id}/receive`);
    await h.drain();
    await h.ok(200, 'PATCH', `/v1/requests/${id}`, { body: { patronId: otherPatron, note: 'wrong card' } });
    const third = demo.alma.otherPatrons[1]!.primaryId;
    await h.ok(200, 'PATCH', `/v1/requests/${id}`, { body: { patronId: third, note: 'wrong again' } });
    await h.drain();
    expect((await desk.holds(id)).map((x) => x.patronId)).toEqual([third]);
    const after = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(after.steps.filter((s: { key: string }) => s.key.includes(':cancel-hold:')).map((s: { key: string }) => s.key)).toEqual([
      `${id}:cancel-hold:${id}:c1`,
    ]);
    // the hold for the patron corrected first was never placed: replaced by the one for the right patron
    expect(stepOf(after, `${id}:place-hold:${id}:c1`)).toMatchObject({ state: 'skipped' });
    expect(stepOf(after, `${id}:place-hold:${id}:c2`)).toMatchObject({ state: 'succeeded' });
    const history = await historyOf(h, id);
    expect(history).toContain(`Hold placed for patron ${third} on ${id}, pickup at MAIN.`);
    expect(history.some((t) => t.startsWith(`Hold placed for patron ${otherPatron}`))).toBe(false);
    expect(after).toMatchObject({ patronId: third, needsAttention: false, pendingSteps: 0 });
  });
});

describe('resolving and skipping by hand', () => {
  it('a step done by hand lets the request proceed: the hold is placed on the item staff made', async () => {
    const h = await useHarness({ maxAttempts: 1 });
    const desk = almaDesk(h);
    const faults = (body: unknown) =>
      h.sim.app.request('http://alma.sim.test/_sim/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const id = await inTransit(h);
    await faults({ down: true });
    await h.ok(200, 'POST', `/v1/requests/${id}/receive`);
    await h.drain();
    await faults({});
    const createKey = `${id}:create-temporary-item:${id}`;
    expect(stepOf(await h.ok(200, 'GET', `/v1/requests/${id}`), `${id}:place-hold:${id}`).state).toBe('skipped');

    // Staff made the item at the desk, with the request's barcode …
    const made = await h.alma('GET', `/items?item_barcode=${demo.alma.lendableItems[0]!.barcode}`);
    const item = made.body;
    const copy = await h.alma('POST', `/bibs/${item.bib_data.mms_id}/holdings/${item.holding_data.holding_id}/items`, {
      item_data: {
        barcode: id,
        base_status: { value: '1' },
        library: { value: 'MAIN' },
        location: { value: 'ILL' },
        internal_note_1: `ILL request ${id} from LENDA`,
      },
    });
    expect(copy.status).toBeLessThan(300);
    // … and say so: the hold that was skipped runs now.
    const resolved = await h.ok(200, 'POST', `/v1/requests/${id}/steps/${encodeURIComponent(createKey)}/resolve`, {
      body: { note: 'made at the desk', staff: 'AB' },
    });
    expect(stepOf(resolved, createKey)).toMatchObject({ state: 'resolved', lastOutcome: { kind: 'resolved', by: 'AB' } });
    expect(resolved.needsAttention).toBe(false);
    await h.drain();
    const after = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(stepOf(after, `${id}:place-hold:${id}`).state).toBe('succeeded');
    expect(await desk.holds(id)).toEqual([expect.objectContaining({ patronId: patron })]);
    expect(await historyOf(h, id)).toEqual(
      expect.arrayContaining([`Resolved by hand by AB: Creating temporary item record ${id} was done in the ILS. Note: made at the desk`]),
    );
    // Resolved twice makes no sense.
    const again = await h.request('POST', `/v1/requests/${id}/steps/${encodeURIComponent(createKey)}/resolve`, { body: { note: 'again' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('STEP_NOT_RESOLVABLE');
  });

  it('a skipped step takes what depends on it along, touching nothing, and the queue empties', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const id = await inTransit(h);
    await h.ok(200, 'POST', `/v1/requests/${id}/receive`, { body: { temporaryBarcode: theirs.barcode } });
    await h.drain();
    const theirItem = await desk.item(theirs.barcode);
    const createKey = `${id}:create-temporary-item:${theirs.barcode}`;
    const skipped = await h.ok(200, 'POST', `/v1/requests/${id}/steps/${encodeURIComponent(createKey)}/skip`, {
      body: { note: 'patron collected it at the lender' },
    });
    expect(stepOf(skipped, createKey)).toMatchObject({ state: 'skipped', lastOutcome: { by: 'staff' } });
    expect(skipped.needsAttention).toBe(false);
    expect((await h.ok(200, 'GET', '/v1/requests/attention-counts')).total).toBe(0);
    await h.ok(200, 'POST', `/v1/requests/${id}/mark-returned`);
    await h.drain();
    const after = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(after.steps.filter((s: { name: string }) => s.name === 'check-in')[0]).toMatchObject({ state: 'skipped' });
    expect(await desk.item(theirs.barcode)).toEqual(theirItem);
  });
});

describe('the queue holds exactly what a person must act on', () => {
  it('a request that ends leaves the queue: its stopped step is moot, and retry or resolve refuse', async () => {
    const h = await useHarness();
    const { id } = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Emma', patronId: 'no.such.patron', lenders: ['LENDA'] } });
    await h.drain();
    expect((await h.ok(200, 'GET', '/v1/requests/attention-counts')).byReason).toEqual({ 'patron-problem': 1 });
    await h.ok(200, 'POST', `/v1/requests/${id}/cancel`);
    const cancelled = await h.ok(200, 'GET', `/v1/requests/${id}`);
    const key = `${id}:lookup-patron:no.such.patron`;
    expect(cancelled).toMatchObject({ status: 'cancelled', needsAttention: false });
    expect(stepOf(cancelled, key)).toMatchObject({
      state: 'skipped',
      retryable: false,
      lastOutcome: { reason: 'the request is cancelled, so it is no longer needed' },
    });
    expect(stepOf(cancelled, key).nextAction).toBeUndefined();
    expect((await h.ok(200, 'GET', '/v1/requests?needsAttention=true')).total).toBe(0);
    expect((await h.ok(200, 'GET', '/v1/requests/attention-counts')).total).toBe(0);
    const retry = await h.request('POST', `/v1/requests/${id}/steps/${encodeURIComponent(key)}/retry`);
    expect(retry.status).toBe(409);
    const resolve = await h.request('POST', `/v1/requests/${id}/steps/${encodeURIComponent(key)}/resolve`, { body: { note: 'x' } });
    expect(resolve.status).toBe(409);
    expect(resolve.body.error.code).toBe('STEP_NOT_RESOLVABLE');
  });

  it('send is not offered while a loan has no patron ID, and is once the patron ID is corrected', async () => {
    const h = await useHarness();
    const { id, allowedActions } = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Emma', lenders: ['LENDA'] } });
    expect(allowedActions).not.toContain('send');
    expect((await h.request('POST', `/v1/requests/${id}/send`)).status).toBe(422);
    const corrected = await h.ok(200, 'PATCH', `/v1/requests/${id}`, { body: { patronId: patron, note: 'patron called' } });
    expect(corrected.allowedActions).toContain('send');
    await h.ok(200, 'POST', `/v1/requests/${id}/send`);
  });
});
