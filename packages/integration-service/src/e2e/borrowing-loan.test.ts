import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { almaDesk, historyOf } from '../testutil/alma-desk.ts';
import { useHarness } from '../testutil/harness.ts';

const patron = demo.alma.patrons.good.primaryId;

describe('a borrowing loan from request to complete, against the simulated Alma, through the HTTP API', () => {
  it('creates the temporary item and hold on receipt, cleans up on return, and the history tells the story', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);

    const created = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'borrowing', title: 'The Name of the Rose', author: 'Eco, Umberto', patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] },
    });
    const id: string = created.id;
    expect(id).toMatch(/^\d{7}$/);
    await h.drain(); // B1: the patron is verified

    await h.ok(200, 'POST', `/v1/requests/${id}/send`);
    const shipped = await h.ok(200, 'POST', `/v1/requests/${id}/supplier-shipped`, { body: { supplierItemBarcode: 'LENDA-555', lenderDueDate: '2025-05-14' } });
    expect(shipped).toMatchObject({ status: 'in-transit', supplierItemBarcode: 'LENDA-555', lenderDueDate: '2025-05-14' });

    const received = await h.ok(200, 'POST', `/v1/requests/${id}/receive`);
    expect(received).toMatchObject({ status: 'received', temporaryBarcode: id, pendingSteps: 2 });
    await h.drain();

    // The ILS now has the temporary item (request ID as barcode) and the patron's hold at MAIN.
    const item = await desk.item(id);
    expect(item.item_data.location.value).toBe('ILL');
    expect(item.item_data.internal_note_1).toBe(`ILL request ${id} from LENDA`);
    expect(await desk.holds(id)).toEqual([{ patronId: patron, status: expect.any(String), pickup: 'MAIN' }]);

    // Circulation: check in at the pickup desk (hold shelf), then check out to the patron.
    await desk.checkIn(id, 'MAIN');
    await desk.checkOut(id, patron, 'MAIN');
    expect((await desk.loan(id))?.patronId).toBe(patron);

    // The patron returns it at the desk; ILL staff mark it returned: checked in (already) and deleted.
    await desk.checkIn(id, 'MAIN');
    const returned = await h.ok(200, 'POST', `/v1/requests/${id}/mark-returned`);
    expect(returned.status).toBe('returned');
    await h.drain();
    expect(await desk.countItems(id)).toBe(0);

    const complete = await h.ok(200, 'POST', `/v1/requests/${id}/complete`);
    expect(complete).toMatchObject({ status: 'complete', needsAttention: false, pendingSteps: 0, allowedActions: [] });

    expect(await historyOf(h, id)).toEqual([
      `Borrowing loan request created for patron ${patron}: "The Name of the Rose", lenders LENDA.`,
      `Looking up patron ${patron} in the circulation system.`,
      expect.stringMatching(new RegExp(`^Patron ${patron} verified in the circulation system: .+, active, expires \\d{4}-\\d{2}-\\d{2}\\.$`)),
      'Sent to lender.',
      'LENDA is not a Bookstrap library: its answers are entered through the API.',
      'Lender shipped (In Transit) (supplier item barcode LENDA-555, lender due date 2025-05-14).',
      'Received.',
      // The book strap's date (seed 004): the lender's 2025-05-14 less 7 days, though Alma's ILL policy is shorter.
      "Patron due date 2025-05-07 (set by the lender's due date).",
      `Creating temporary item record ${id}.`,
      `Placing hold on ${id} for patron ${patron} at MAIN.`,
      `Temporary item record ${id} successfully created.`,
      `Hold placed for patron ${patron} on ${id}, pickup at MAIN.`,
      'Returned to lender.',
      `Checking in item ${id}.`,
      `Deleting temporary item record ${id}.`,
      `Item ${id} was already checked in (not on loan).`,
      `Temporary item record ${id} deleted.`,
      'Complete (lender checked the item in).',
    ]);
  });

  it('checks the temporary item in when ILL marks it returned while still on loan', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'borrowing', title: 'Dracula', patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] },
    });
    for (const action of ['send', 'supplier-shipped', 'receive']) await h.ok(200, 'POST', `/v1/requests/${id}/${action}`);
    await h.drain();
    await desk.checkIn(id);
    await desk.checkOut(id, patron);
    await h.ok(200, 'POST', `/v1/requests/${id}/mark-returned`);
    await h.drain();
    const history = await historyOf(h, id);
    expect(history).toContain(`Item ${id} checked in.`);
    expect(history).toContain(`Temporary item record ${id} deleted.`);
    expect(await desk.countItems(id)).toBe(0);
  });
});
