import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { almaDesk, historyOf } from '../testutil/alma-desk.ts';
import { almaHost, type Harness, useHarness } from '../testutil/harness.ts';

/**
 * Never touch what isn't yours (SPEC §5), against the simulated Alma, asserted through the Alma
 * API: after one step fails, later steps must leave another patron's item, loan and due date
 * exactly as they were. These are the three cascades a new user reproduced on the demo.
 */
const patron = demo.alma.patrons.good.primaryId;
const otherPatron = demo.alma.otherPatrons[0]!.primaryId;
const theirs = demo.alma.checkedOutItem; // on loan to otherPatrons[0] in the seed
const lendable = demo.alma.lendableItems.filter((i) => i.library === 'MAIN')[0]!;
const partnerAccount = demo.alma.institutionalPatrons.PARTNR.primaryId;

async function receivedWithBarcode(h: Harness, barcode: string): Promise<string> {
  const { id } = await h.ok(201, 'POST', '/v1/requests', {
    body: { role: 'borrowing', title: 'Emma', patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] },
  });
  await h.ok(200, 'POST', `/v1/requests/${id}/send`);
  await h.ok(200, 'POST', `/v1/requests/${id}/supplier-shipped`, { body: { lenderDueDate: '2025-04-30' } });
  await h.ok(200, 'POST', `/v1/requests/${id}/receive`, { body: { temporaryBarcode: barcode } });
  await h.drain();
  return id;
}

const stepOf = (request: { steps: { name: string }[] }, name: string, nth = 0) => request.steps.filter((s) => s.name === name)[nth] as any;

describe('a temporary barcode that belongs to another item (collision)', () => {
  it('renewal and return never touch the other patron’s loan, due date or item', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const before = await desk.loan(theirs.barcode);
    expect(before?.patronId).toBe(otherPatron);

    const id = await receivedWithBarcode(h, theirs.barcode);
    await h.ok(200, 'POST', `/v1/requests/${id}/renewal-approved`, { body: { newDueDate: '2025-06-30' } });
    await h.drain();
    await h.ok(200, 'POST', `/v1/requests/${id}/mark-returned`);
    await h.drain();

    // The other patron's loan is exactly as it was: same patron, same due date; the item is still there.
    expect(await desk.loan(theirs.barcode)).toEqual(before);
    expect(await desk.countItems(theirs.barcode)).toBe(1);
    expect(await desk.holds(theirs.barcode)).toEqual([]);

    const request = await h.ok(200, 'GET', `/v1/requests/${id}`);
    // Returned: the temporary item that was never made is moot now, and leaves the queue.
    expect(stepOf(request, 'create-temporary-item')).toMatchObject({
      state: 'skipped',
      lastOutcome: { reason: 'the request is returned, so it is no longer needed' },
    });
    expect(request.needsAttention).toBe(false);
    for (const name of ['place-hold', 'update-due-date', 'check-in', 'delete-temporary-item']) {
      expect(stepOf(request, name), name).toMatchObject({
        state: 'skipped',
        lastOutcome: { kind: 'skipped', reason: expect.stringContaining('never created') },
      });
    }
    const history = await historyOf(h, id);
    expect(history).toContain(
      `Not run: Checking in item ${theirs.barcode}: the temporary item was never created (step ${id}:create-temporary-item:${theirs.barcode} did not succeed), so nothing in the ILS under barcode ${theirs.barcode} was touched: any record there is not this request's.`,
    );
  });

  it('while on loan only the create step asks for staff; the skipped ones are consequences, not more work', async () => {
    const h = await useHarness();
    const id = await receivedWithBarcode(h, theirs.barcode);
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(request.attention).toMatchObject({ step: 'create-temporary-item', reason: 'barcode-in-use' });
    expect(request.steps.filter((s: { nextAction?: string }) => s.nextAction).map((s: { name: string }) => s.name)).toEqual(['create-temporary-item']);
  });

  it('a create that stopped for staff and is retried to success reopens the skipped hold', async () => {
    const h = await useHarness({ maxAttempts: 1 });
    const desk = almaDesk(h);
    const faults = (body: unknown) =>
      h.sim.app.request(`${almaHost}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const free = '39999000000001';
    await faults({ down: true });
    const id = await receivedWithBarcode(h, free);
    const stopped = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(stepOf(stopped, 'create-temporary-item').state).toBe('needs-staff');
    expect(stepOf(stopped, 'place-hold').state).toBe('skipped');

    await faults({});
    await h.ok(202, 'POST', `/v1/requests/${id}/steps/${encodeURIComponent(stepOf(stopped, 'create-temporary-item').key)}/retry`);
    await h.drain();
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(stepOf(request, 'create-temporary-item').state).toBe('succeeded');
    expect(stepOf(request, 'place-hold').state).toBe('succeeded');
    expect(await desk.countItems(free)).toBe(1);
    expect(await desk.holds(free)).toEqual([expect.objectContaining({ patronId: patron })]);
  });
});

describe('lending: ship of an item already on loan to someone else fails', () => {
  it('check-in later leaves that patron’s loan alone', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const before = await desk.loan(theirs.barcode);
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'lending', borrowingLibrary: 'PARTNR', title: theirs.title, itemBarcode: theirs.barcode },
    });
    await h.ok(200, 'POST', `/v1/requests/${id}/ship`, { body: { dueDate: '2025-04-16' } });
    await h.drain();
    await h.ok(200, 'POST', `/v1/requests/${id}/borrower-returned`);
    await h.ok(200, 'POST', `/v1/requests/${id}/check-in`);
    await h.drain();

    expect(await desk.loan(theirs.barcode)).toEqual(before);
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`);
    // The refusal is in the history; once the request is complete the check-out is moot.
    expect(await historyOf(h, id)).toEqual(expect.arrayContaining([expect.stringContaining('already on loan to another patron')]));
    expect(stepOf(request, 'check-out-to-borrowing-library')).toMatchObject({
      state: 'skipped',
      lastOutcome: { reason: 'the request is returned, so it is no longer needed' },
    });
    expect(stepOf(request, 'check-in')).toMatchObject({ state: 'skipped', lastOutcome: { reason: expect.stringContaining('never checked the item out') } });
  });
});

/** A lending request from PARTNR for the lendable item, shipped due `dueDate`, its check-out run. */
async function shippedToPartner(h: Harness, dueDate: string): Promise<string> {
  const { id } = await h.ok(201, 'POST', '/v1/requests', {
    body: { role: 'lending', borrowingLibrary: 'PARTNR', title: lendable.title, itemBarcode: lendable.barcode },
  });
  await h.ok(200, 'POST', `/v1/requests/${id}/ship`, { body: { dueDate } });
  await h.drain();
  return id as string;
}

describe('lending: the same item shipped to the same library for a second request', () => {
  it('the loan is the first request’s: not "already done" for the second, its due date and check-in left alone', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const first = await shippedToPartner(h, '2025-04-16');
    const firstLoan = await desk.loan(lendable.barcode);
    expect(firstLoan).toMatchObject({ patronId: partnerAccount, dueDate: '2025-04-16' });

    // A second request for the same copy (a duplicate the partner sent): its ship finds the first loan.
    const second = await shippedToPartner(h, '2025-05-20');
    expect(await desk.loan(lendable.barcode)).toEqual(firstLoan);
    const request = await h.ok(200, 'GET', `/v1/requests/${second}`);
    expect(stepOf(request, 'check-out-to-borrowing-library')).toMatchObject({
      state: 'needs-staff',
      lastOutcome: { reason: expect.stringContaining(`that loan is request ${first}'s, not this request's`) },
    });

    // Once the first request checks its item in, a retry of the second's check-out makes its own loan.
    await h.ok(200, 'POST', `/v1/requests/${first}/borrower-returned`);
    await h.ok(200, 'POST', `/v1/requests/${first}/check-in`);
    await h.drain();
    expect(await desk.loan(lendable.barcode)).toBeNull();
    await h.ok(202, 'POST', `/v1/requests/${second}/steps/${stepOf(request, 'check-out-to-borrowing-library').key}/retry`);
    await h.drain();
    const retried = await h.ok(200, 'GET', `/v1/requests/${second}`);
    expect(stepOf(retried, 'check-out-to-borrowing-library')).toMatchObject({ state: 'succeeded', lastOutcome: { kind: 'done' } });
    expect(await desk.loan(lendable.barcode)).toMatchObject({ patronId: partnerAccount, dueDate: '2025-05-20' });
  });

  it("returned while its check-out waits for staff: the first request's loan keeps its due date and is not checked in", async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const first = await shippedToPartner(h, '2025-04-16');
    const firstLoan = await desk.loan(lendable.barcode);
    const second = await shippedToPartner(h, '2025-05-20');
    await h.ok(200, 'POST', `/v1/requests/${second}/borrower-returned`);
    await h.ok(200, 'POST', `/v1/requests/${second}/check-in`);
    await h.drain();

    expect(await desk.loan(lendable.barcode)).toEqual(firstLoan);
    const request = await h.ok(200, 'GET', `/v1/requests/${second}`);
    expect(await historyOf(h, second)).toEqual(expect.arrayContaining([expect.stringContaining(`that loan is request ${first}'s, not this request's`)]));
    // The request is over, so its check-out is moot (out of the queue); its check-in never had a loan of its own.
    expect(stepOf(request, 'check-out-to-borrowing-library')).toMatchObject({ state: 'skipped' });
    expect(stepOf(request, 'check-in')).toMatchObject({ state: 'skipped' });
  });
});

describe('ownership is verified through the ILS before a change', () => {
  it('a lent item checked in at the desk and loaned to another patron is not checked in, nor its due date moved', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'lending', borrowingLibrary: 'PARTNR', title: lendable.title, itemBarcode: lendable.barcode },
    });
    await h.ok(200, 'POST', `/v1/requests/${id}/ship`, { body: { dueDate: '2025-04-16' } });
    await h.drain();
    expect((await desk.loan(lendable.barcode))?.patronId).toBe(partnerAccount);

    // Circulation checks the item in first, then lends it to a local patron.
    await desk.checkIn(lendable.barcode);
    await desk.checkOut(lendable.barcode, otherPatron);
    const theirLoan = await desk.loan(lendable.barcode);

    await h.ok(200, 'POST', `/v1/requests/${id}/renewal-requested`);
    await h.ok(200, 'POST', `/v1/requests/${id}/approve-renewal`, { body: { newDueDate: '2025-05-30' } });
    await h.drain();
    await h.ok(200, 'POST', `/v1/requests/${id}/borrower-returned`);
    await h.ok(200, 'POST', `/v1/requests/${id}/check-in`);
    await h.drain();

    expect(await desk.loan(lendable.barcode)).toEqual(theirLoan);
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(stepOf(request, 'check-in')).toMatchObject({
      state: 'needs-staff',
      lastOutcome: { reason: expect.stringContaining('Bookstrap did not make that loan, so it was left alone') },
    });
    // The due date of a loan that is over is moot; the check-in (clean-up) still waits for staff.
    expect(stepOf(request, 'update-due-date')).toMatchObject({ state: 'skipped', lastOutcome: { reason: expect.stringContaining('no longer needed') } });
    expect(await historyOf(h, id)).toEqual(expect.arrayContaining([expect.stringContaining('Due date failed to update (')]));
    expect(request.attention).toMatchObject({ step: 'check-in', reason: 'not-ours' });
  });

  it('a lent item already checked in at the desk (and on the shelf) counts as checked in: the ILS has it back', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'lending', borrowingLibrary: 'PARTNR', title: lendable.title, itemBarcode: lendable.barcode },
    });
    await h.ok(200, 'POST', `/v1/requests/${id}/ship`);
    await h.drain();
    await desk.checkIn(lendable.barcode);
    await h.ok(200, 'POST', `/v1/requests/${id}/borrower-returned`);
    await h.ok(200, 'POST', `/v1/requests/${id}/check-in`);
    await h.drain();
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(stepOf(request, 'check-in')).toMatchObject({ state: 'succeeded', lastOutcome: { kind: 'already-done' } });
    expect(await desk.loan(lendable.barcode)).toBeNull();
  });
});

describe('the records a request owns are on the request', () => {
  it('after receive: the temporary item and the hold, with the IDs Alma gave them; after return the item is released', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const barcode = '39000000099001';
    const id = await receivedWithBarcode(h, barcode);
    const item = await desk.item(barcode);
    const holds = await h.alma('GET', `/bibs/${item.bib_data.mms_id}/holdings/${item.holding_data.holding_id}/items/${item.item_data.pid}/requests`);
    const holdId = holds.body.user_request[0].request_id;

    const received = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(received.ilsRecords).toEqual([
      { kind: 'temporary-item', stepKey: `${id}:create-temporary-item:${barcode}`, barcode, ilsId: item.item_data.pid, released: false },
      expect.objectContaining({ kind: 'hold', barcode, patronId: patron, ilsId: holdId, released: false }),
    ]);

    await h.ok(200, 'POST', `/v1/requests/${id}/mark-returned`);
    await h.drain();
    const returned = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(returned.ilsRecords.find((r: any) => r.kind === 'temporary-item')).toMatchObject({ released: true });
    expect(await desk.countItems(barcode)).toBe(0);
  });

  it('a collision owns nothing: the other item is not listed as the request’s', async () => {
    const h = await useHarness();
    const id = await receivedWithBarcode(h, theirs.barcode);
    expect((await h.ok(200, 'GET', `/v1/requests/${id}`)).ilsRecords).toEqual([]);
  });
});
