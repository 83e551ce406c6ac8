import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { almaDesk, historyOf } from '../testutil/alma-desk.ts';
import { useHarness } from '../testutil/harness.ts';

const item = demo.alma.lendableItems.filter((i) => i.library === 'MAIN')[0]!;
const partnerAccount = demo.alma.institutionalPatrons.PARTNR.primaryId;

describe('a lending loan from ship to check-in, against the simulated Alma, through the HTTP API', () => {
  it("checks the item out to the borrowing library's account with the due date, and back in", async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    // The library moves lent items to its ILL temporary location while they are away.
    await h.ok(200, 'PATCH', '/v1/libraries/TULSA', { key: h.adminKey, body: { settings: { lending: { illTemporaryLocation: 'ILL' } } } });

    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'lending', borrowingLibrary: 'PARTNR', title: item.title, itemBarcode: item.barcode },
    });
    const shipped = await h.ok(200, 'POST', `/v1/requests/${id}/ship`, { body: { dueDate: '2025-04-16' } });
    expect(shipped).toMatchObject({ status: 'shipped', itemBarcode: item.barcode, dueDate: '2025-04-16', pendingSteps: 2 });
    await h.drain();

    expect(await desk.loan(item.barcode)).toEqual({ patronId: partnerAccount, dueDate: '2025-04-16' });
    expect((await desk.item(item.barcode)).holding_data).toMatchObject({ in_temp_location: true, temp_location: { value: 'ILL' } });

    await h.ok(200, 'POST', `/v1/requests/${id}/borrower-returned`);
    const checkedIn = await h.ok(200, 'POST', `/v1/requests/${id}/check-in`);
    expect(checkedIn.status).toBe('complete');
    await h.drain();

    expect(await desk.loan(item.barcode)).toBeNull();
    expect((await desk.item(item.barcode)).holding_data.in_temp_location).toBe(false);
    expect(await historyOf(h, id)).toEqual([
      `Lending loan request from PARTNR: can you supply "${item.title}" (item ${item.barcode})?`,
      'Shipped (due 2025-04-16).',
      `Checking out item ${item.barcode} to ${partnerAccount}.`,
      `Moving item ${item.barcode} to temporary location ILL.`,
      `Item ${item.barcode} checked out of the circulation system to ${partnerAccount}, due 2025-04-16.`,
      `Item ${item.barcode} moved to temporary location ILL.`,
      'Returned by borrower (In Transit).',
      'Checked in (Complete).',
      `Checking in item ${item.barcode}.`,
      `Restoring item ${item.barcode} to its permanent location.`,
      `Item ${item.barcode} checked in.`,
      `Item ${item.barcode} restored to its permanent location.`,
    ]);
  });

  it('uses the default account for an unmapped borrowing library, and the loan policy without a due date', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const { id } = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'lending', borrowingLibrary: 'ELSEWH', title: item.title } });
    const shipped = await h.ok(200, 'POST', `/v1/requests/${id}/ship`, { body: { itemBarcode: item.barcode } });
    await h.drain();
    const loan = await desk.loan(item.barcode);
    expect(loan?.patronId).toBe(demo.alma.institutionalPatrons.default.primaryId);
    expect(shipped.history.map((e: { text: string }) => e.text)).toContain(
      `No ILS account is mapped for ELSEWH; using the default account (${demo.alma.institutionalPatrons.default.primaryId}).`,
    );
  });

  it('completes when circulation already checked the item in, and says so', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'lending', borrowingLibrary: 'PARTNR', title: item.title, itemBarcode: item.barcode },
    });
    await h.ok(200, 'POST', `/v1/requests/${id}/ship`, { body: { dueDate: '2025-04-16' } });
    await h.drain();
    await desk.checkIn(item.barcode, 'MAIN');
    await h.ok(200, 'POST', `/v1/requests/${id}/check-in`);
    await h.drain();
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(request).toMatchObject({ status: 'complete', needsAttention: false });
    expect(request.history.map((e: { text: string }) => e.text)).toContain(`Item ${item.barcode} was already checked in (not on loan).`);
  });
});
