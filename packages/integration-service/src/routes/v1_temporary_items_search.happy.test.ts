import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { almaDesk } from '../testutil/alma-desk.ts';
import { type Harness, useHarness } from '../testutil/harness.ts';

const patron = demo.alma.patrons.good.primaryId;

async function borrow(h: Harness, title: string, actions: string[]): Promise<string> {
  const { id } = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title, patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] } });
  for (const action of actions) await h.ok(200, 'POST', `/v1/requests/${id}/${action}`);
  return id as string;
}

describe('GET /v1/temporary-items (happy)', () => {
  it("finds a temporary item's barcode by title (recovery without the strap)", async () => {
    const h = await useHarness();
    const id = await borrow(h, 'The Name of the Rose', ['send', 'supplier-shipped', 'receive']);
    await h.drain();
    const found = await h.ok(200, 'GET', '/v1/temporary-items?title=name%20of%20the');
    expect(found.items).toEqual([{ barcode: id, title: 'The Name of the Rose', requestId: id, status: 'received', source: 'service' }]);
    expect(found.source).toBe('bookstrap-only');
    expect(found.reason).toMatch(/cannot search temporary items by title/);
    expect((await h.ok(200, 'GET', '/v1/temporary-items?title=Moby')).items).toEqual([]);
  });

  it("asks Alma for the patron's current loans and returns only this library's ILL temporary items, with due dates", async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const onLoan = await borrow(h, 'Dracula', ['send', 'supplier-shipped', 'receive']);
    const onHoldShelf = await borrow(h, 'Emma', ['send', 'supplier-shipped', 'receive']);
    await h.drain();
    // circulation: the pickup check-in, then the patron takes Dracula home; Emma waits on the shelf
    await desk.checkIn(onLoan);
    await desk.checkOut(onLoan, patron);
    await desk.checkIn(onHoldShelf);
    // and the patron also has a normal library book on their card
    const libraryBook = demo.alma.lendableItems[2]!;
    await desk.checkOut(libraryBook.barcode, patron);
    const dueDate = (await desk.loan(onLoan))?.dueDate;

    const found = await h.ok(200, 'GET', `/v1/temporary-items?patronId=${encodeURIComponent(patron)}`);
    expect(found).toEqual({
      items: [{ barcode: onLoan, title: 'Dracula', requestId: onLoan, status: 'received', dueDate, source: 'ils' }],
      ilsSearched: true,
      source: 'ils',
    });
    expect(JSON.stringify(found)).not.toContain(libraryBook.barcode);
    // the look-up only read: the library book is still on the patron's card, untouched
    expect(await desk.loan(libraryBook.barcode)).toMatchObject({ patronId: patron });
    // and a title narrows the patron's loans
    expect((await h.ok(200, 'GET', `/v1/temporary-items?patronId=${encodeURIComponent(patron)}&title=Emma`)).items).toEqual([]);
  });
});
