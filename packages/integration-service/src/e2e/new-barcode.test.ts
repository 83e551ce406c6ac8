import { afterEach, describe, expect, it } from 'vitest';
import { createTargetHarness, type TargetHarness } from '../testutil/ils-target.ts';

/**
 * A responder that makes the temporary item under a new barcode when the sent one is taken (Koha's
 * AcceptItem does: ILS-DI/NCIP answers the ItemId it really used; modelled by the simulators'
 * `duplicateBarcode: new-barcode` personality). The item under the sent barcode is another
 * patron's: every later step (hold, check-in, delete), the ILS sync's reads and the strap must act
 * on the barcode the ILS gave — asserted through the vendor's API, the other item included.
 */
const ncipTargets = ['alma-ncip', 'wms', 'symphony', 'horizon', 'sierra', 'millennium'];
/** the targets whose "Duplicate Request" names the item the RequestId was accepted as */
const namesTheItem = ['alma-ncip', 'wms', 'sierra', 'millennium'];

let open: TargetHarness | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

async function withNewBarcodePersonality(target: string, options: Parameters<typeof createTargetHarness>[2] = {}): Promise<TargetHarness> {
  const t = await createTargetHarness(target, 'KOHAISH', options);
  open = t;
  const response = await t.fetch(`${t.origin}/_sim/personality`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ duplicateBarcode: 'new-barcode' }),
  });
  if (response.status !== 200) throw new Error(`personality → ${response.status} ${await response.text()}`);
  return t;
}

describe.each(ncipTargets)('%s: the ILS made the temporary item under another barcode', (target) => {
  it('hold, return, check-in and delete act on the ILS’s barcode; the other patron’s item is untouched', async () => {
    const t = await withNewBarcodePersonality(target);
    const { h, driver, key } = t;
    const { desk, probe, fixture } = driver;
    const theirs = t.theirs.barcode;
    const theirLoanBefore = await probe.loan(theirs);
    const theirHoldsBefore = await probe.holds(theirs);
    const theirItemBefore = await probe.item(theirs);
    expect(theirLoanBefore).not.toBeNull();

    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      key,
      body: { role: 'borrowing', title: 'The Mill on the Floss', patronId: fixture.patrons.good, pickupLocation: fixture.pickupLocation, lenders: ['LENDA'] },
    });
    await h.drain();
    await h.ok(200, 'POST', `/v1/requests/${id}/send`, { key });
    await h.ok(200, 'POST', `/v1/requests/${id}/supplier-shipped`, { key, body: { lenderDueDate: '2025-04-30' } });
    await h.ok(200, 'POST', `/v1/requests/${id}/receive`, { key, body: { temporaryBarcode: theirs } });
    await h.drain();

    const received = await h.ok(200, 'GET', `/v1/requests/${id}`, { key });
    const given: string = received.temporaryBarcodeInIls;
    expect(received.temporaryBarcode).toBe(theirs);
    expect(given).toBeTruthy();
    expect(given).not.toBe(theirs);
    expect(received.ilsRecords).toContainEqual(expect.objectContaining({ kind: 'temporary-item', barcode: theirs, ilsBarcode: given }));
    for (const step of received.steps as { name: string; state: string }[]) expect(step.state, step.name).toBe('succeeded');
    // The request's own item, with the patron's hold on it…
    expect((await probe.item(given))?.notes).toContain(id);
    expect((await probe.holds(given)).map((hold) => hold.patronId)).toContain(fixture.patrons.good);
    // …and the other patron's item exactly as it was.
    expect(await probe.loan(theirs)).toEqual(theirLoanBefore);
    expect(await probe.holds(theirs)).toEqual(theirHoldsBefore);
    expect(await probe.item(theirs)).toEqual(theirItemBefore);
    const history = ((await h.ok(200, 'GET', `/v1/requests/${id}`, { key })).history as { text: string }[]).map((e) => e.text);
    expect(history).toContain(
      `Temporary item record ${given} successfully created (the ILS gave it barcode ${given}: ${theirs} is another item's; the strap and later steps use ${given}).`,
    );

    // The patron picks it up and brings it back; ILL marks it returned.
    await desk.checkIn(given, 'pickup');
    await desk.checkOut(given, fixture.patrons.good);
    // The ILS sync reads the request's own item, under the ILS's barcode (the other is on loan elsewhere).
    await h.ok(200, 'POST', '/v1/ils-sync', { key });
    const synced = await h.ok(200, 'GET', `/v1/requests/${id}`, { key });
    if (synced.ilsCirculation) expect(synced.ilsCirculation).toMatchObject({ itemBarcode: given, state: 'on-loan' });
    await h.ok(200, 'POST', `/v1/requests/${id}/mark-returned`, { key });
    await h.drain();

    const returned = await h.ok(200, 'GET', `/v1/requests/${id}`, { key });
    const checkIn = (returned.steps as { name: string; state: string }[]).find((s) => s.name === 'check-in');
    expect(checkIn?.state).toBe('succeeded');
    expect(await probe.loan(given)).toBeNull();
    expect(await probe.loan(theirs)).toEqual(theirLoanBefore);
    expect(await probe.holds(theirs)).toEqual(theirHoldsBefore);
    expect(await probe.countItems(theirs)).toBe(1);
    const after = ((await h.ok(200, 'GET', `/v1/requests/${id}`, { key })).history as { text: string }[]).map((e) => e.text);
    expect(after).toContain(`Item ${given} checked in.`);
    expect(after.join('\n')).not.toContain(`Item ${theirs} checked in`);
  });
});

describe.each(ncipTargets)('%s: the answer to AcceptItem is lost after the ILS made the item under another barcode', (target) => {
  it('the retried step finds the ILS’s barcode (not the one it sent) and the other patron’s item stays untouched', async () => {
    // The connection drops after the responder committed (a timeout, a reset): the worker retries
    // the step, the responder answers "Duplicate Request" for the RequestId, and the request must
    // still end up owning the item the ILS made, never the other patron's under the sent barcode.
    let lost = 0;
    const t = await withNewBarcodePersonality(target, {
      interceptFetch: (fetch) => async (input, init) => {
        const response = await fetch(input, init);
        const body = typeof init?.body === 'string' ? init.body : '';
        if (lost === 0 && body.includes('AcceptItem')) {
          lost += 1;
          throw new TypeError('fetch failed');
        }
        return response;
      },
    });
    const { h, driver, key } = t;
    const { probe, fixture } = driver;
    const theirs = t.theirs.barcode;
    const theirLoanBefore = await probe.loan(theirs);
    const theirHoldsBefore = await probe.holds(theirs);
    const theirItemBefore = await probe.item(theirs);

    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      key,
      body: { role: 'borrowing', title: 'Silas Marner', patronId: fixture.patrons.good, pickupLocation: fixture.pickupLocation, lenders: ['LENDA'] },
    });
    await h.drain();
    await h.ok(200, 'POST', `/v1/requests/${id}/send`, { key });
    await h.ok(200, 'POST', `/v1/requests/${id}/supplier-shipped`, { key, body: { lenderDueDate: '2025-04-30' } });
    await h.ok(200, 'POST', `/v1/requests/${id}/receive`, { key, body: { temporaryBarcode: theirs } });
    await h.drain();
    expect(lost).toBe(1);
    for (let i = 0; i < 10; i += 1) {
      h.clock.advance(10 * 60_000);
      await h.drain();
    }

    const received = await h.ok(200, 'GET', `/v1/requests/${id}`, { key });
    const create = (received.steps as { name: string; state: string; lastOutcome?: { reason?: string } }[]).find((s) => s.name === 'create-temporary-item');
    if (namesTheItem.includes(target)) {
      // NCIP 2 responders say which item the RequestId was accepted as (ProblemDetail)
      const given: string = received.temporaryBarcodeInIls;
      expect(given).toBeTruthy();
      expect(given).not.toBe(theirs);
      expect(create?.state).toBe('succeeded');
      expect((await probe.item(given))?.notes).toContain(id);
      expect(received.ilsRecords).toContainEqual(expect.objectContaining({ kind: 'temporary-item', barcode: theirs, ilsBarcode: given }));
      expect(await probe.countItems(given)).toBe(1);
    } else {
      // NCIP 1's ProcessingError has no detail: LookupItem shows the sent barcode is another
      // patron's loan, so the step stops for staff instead of claiming it
      expect(create?.state).toBe('needs-staff');
      expect(create?.lastOutcome?.reason).toContain(`the item under barcode ${theirs} is not this request's`);
      expect(received.temporaryBarcodeInIls).toBeUndefined();
    }
    expect(await probe.loan(theirs)).toEqual(theirLoanBefore);
    expect(await probe.holds(theirs)).toEqual(theirHoldsBefore);
    expect(await probe.item(theirs)).toEqual(theirItemBefore);

    await h.ok(200, 'POST', `/v1/requests/${id}/mark-returned`, { key });
    await h.drain();
    expect(await probe.loan(theirs)).toEqual(theirLoanBefore);
    expect(await probe.countItems(theirs)).toBe(1);
  });
});
