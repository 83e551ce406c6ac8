import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { almaDesk, historyOf } from '../testutil/alma-desk.ts';
import { useHarness } from '../testutil/harness.ts';

const patron = demo.alma.patrons.good.primaryId;
const sciItem = demo.alma.lendableItems.find((i) => i.library === 'SCI')!;

describe('partner libraries: both sides in the service', () => {
  it('TULSA borrows from PARTNR end to end: each side’s actions reach the other', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const tulsa = { key: h.keys.TULSA };
    const partnr = { key: h.keys.PARTNR };

    const borrowing = await h.ok(201, 'POST', '/v1/requests', {
      ...tulsa,
      body: { role: 'borrowing', title: sciItem.title, author: sciItem.author, patronId: patron, pickupLocation: 'MAIN', lenders: ['PARTNR'] },
    });
    const sent = await h.ok(200, 'POST', `/v1/requests/${borrowing.id}/send`, tulsa);
    expect(sent.partnerRequestId).toBeDefined();

    // "Can you supply?" arrived at PARTNR.
    const inbox = await h.ok(200, 'GET', '/v1/requests?role=lending&status=can-you-supply', partnr);
    expect(inbox.requests).toHaveLength(1);
    const lending = inbox.requests[0];
    expect(lending).toMatchObject({ id: sent.partnerRequestId, borrowingLibrary: 'TULSA', partnerRequestId: borrowing.id, title: sciItem.title });
    // ...and TULSA cannot see it.
    expect((await h.request('GET', `/v1/requests/${lending.id}`, tulsa)).status).toBe(404);

    // PARTNR ships: its Alma library lends to TULSA's account; TULSA's request is in transit with the barcode and date.
    await h.ok(200, 'POST', `/v1/requests/${lending.id}/ship`, { ...partnr, body: { itemBarcode: sciItem.barcode, dueDate: '2025-04-30' } });
    expect(await h.ok(200, 'GET', `/v1/requests/${borrowing.id}`, tulsa)).toMatchObject({
      status: 'in-transit',
      supplierItemBarcode: sciItem.barcode,
      lenderDueDate: '2025-04-30',
    });
    await h.drain();
    expect(await desk.loan(sciItem.barcode)).toEqual({ patronId: demo.alma.institutionalPatrons.TULSA.primaryId, dueDate: '2025-04-30' });

    // TULSA receives: temporary item and hold; the patron borrows it and brings it back.
    await h.ok(200, 'POST', `/v1/requests/${borrowing.id}/receive`, tulsa);
    await h.drain();
    expect(await desk.holds(borrowing.id)).toEqual([{ patronId: patron, status: expect.any(String), pickup: 'MAIN' }]);
    await desk.checkIn(borrowing.id, 'MAIN');
    await desk.checkOut(borrowing.id, patron, 'MAIN');
    await desk.checkIn(borrowing.id, 'MAIN');

    // TULSA marks it returned → PARTNR sees "returned by borrower"; PARTNR checks in → TULSA complete.
    await h.ok(200, 'POST', `/v1/requests/${borrowing.id}/mark-returned`, tulsa);
    expect((await h.ok(200, 'GET', `/v1/requests/${lending.id}`, partnr)).status).toBe('returned');
    await h.ok(200, 'POST', `/v1/requests/${lending.id}/check-in`, partnr);
    await h.drain();

    const done = await h.ok(200, 'GET', `/v1/requests/${borrowing.id}`, tulsa);
    expect(done).toMatchObject({ status: 'complete', needsAttention: false });
    expect(await desk.countItems(borrowing.id)).toBe(0);
    expect(await desk.loan(sciItem.barcode)).toBeNull();

    const borrowingHistory = await historyOf(h, borrowing.id, h.keys.TULSA);
    expect(borrowingHistory).toEqual(
      expect.arrayContaining([
        `Sent to PARTNR: lending request ${lending.id} created there.`,
        `From PARTNR (request ${lending.id}): Lender shipped (In Transit) (supplier item barcode ${sciItem.barcode}, lender due date 2025-04-30).`,
        `Temporary item record ${borrowing.id} successfully created.`,
        `Temporary item record ${borrowing.id} deleted.`,
        `From PARTNR (request ${lending.id}): Complete (lender checked the item in).`,
      ]),
    );
    const lendingHistory = await historyOf(h, lending.id, h.keys.PARTNR);
    expect(lendingHistory).toEqual(
      expect.arrayContaining([
        `Lending loan request from TULSA (borrowing request ${borrowing.id}): can you supply "${sciItem.title}"?`,
        `Item ${sciItem.barcode} checked out of the circulation system to ${demo.alma.institutionalPatrons.TULSA.primaryId}, due 2025-04-30.`,
        `From TULSA (request ${borrowing.id}): Returned by borrower (In Transit).`,
        `Item ${sciItem.barcode} checked in.`,
      ]),
    );
  });

  it('moves on to the next lender when a partner cannot supply, and asks that one if it is in the service', async () => {
    const h = await useHarness();
    const tulsa = { key: h.keys.TULSA };
    const partnr = { key: h.keys.PARTNR };
    const borrowing = await h.ok(201, 'POST', '/v1/requests', {
      ...tulsa,
      body: { role: 'borrowing', title: 'Opticks', patronId: patron, lenders: ['PARTNR', 'LENDB'] },
    });
    const sent = await h.ok(200, 'POST', `/v1/requests/${borrowing.id}/send`, tulsa);
    await h.ok(200, 'POST', `/v1/requests/${sent.partnerRequestId}/respond-unfilled`, { ...partnr, body: { reason: 'on loan' } });
    const moved = await h.ok(200, 'GET', `/v1/requests/${borrowing.id}`, tulsa);
    expect(moved).toMatchObject({ status: 'sent', currentLender: 'LENDB' });
    expect(moved.partnerRequestId).toBeUndefined();
    expect(moved.history.map((e: { text: string }) => e.text)).toContain('PARTNR could not supply; sent to the next lender, LENDB.');
  });

  it("keeps a side's action when the partner's state refuses the message, and notes it on both", async () => {
    const h = await useHarness();
    const tulsa = { key: h.keys.TULSA };
    const partnr = { key: h.keys.PARTNR };
    const borrowing = await h.ok(201, 'POST', '/v1/requests', {
      ...tulsa,
      body: { role: 'borrowing', title: 'Opticks', patronId: patron, lenders: ['PARTNR'] },
    });
    const sent = await h.ok(200, 'POST', `/v1/requests/${borrowing.id}/send`, tulsa);
    await h.ok(200, 'POST', `/v1/requests/${sent.partnerRequestId}/ship`, { ...partnr, body: { itemBarcode: sciItem.barcode, dueDate: '2025-04-30' } });
    // The lender checks the item in before the borrower has even received it: "complete" cannot apply.
    const checkedIn = await h.ok(200, 'POST', `/v1/requests/${sent.partnerRequestId}/check-in`, partnr);
    expect(checkedIn.status).toBe('complete');
    expect((await h.ok(200, 'GET', `/v1/requests/${borrowing.id}`, tulsa)).status).toBe('in-transit');
    expect((await historyOf(h, borrowing.id, h.keys.TULSA)).some((t) => t.includes('"complete" not applied'))).toBe(true);
    expect((await historyOf(h, sent.partnerRequestId, h.keys.PARTNR)).some((t) => t.includes('did not take "complete"'))).toBe(true);
  });
});
