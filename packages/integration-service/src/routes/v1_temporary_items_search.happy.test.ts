import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('GET /v1/temporary-items?title= (happy)', () => {
  it("finds a temporary item's barcode by title (recovery without the strap)", async () => {
    const h = await useHarness();
    const patron = demo.alma.patrons.good.primaryId;
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'borrowing', title: 'The Name of the Rose', patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] },
    });
    for (const action of ['send', 'supplier-shipped', 'receive']) await h.ok(200, 'POST', `/v1/requests/${id}/${action}`);
    await h.drain();
    const found = await h.ok(200, 'GET', '/v1/temporary-items?title=name%20of%20the');
    expect(found.items).toEqual([{ barcode: id, title: 'The Name of the Rose', requestId: id, status: 'received', source: 'service' }]);
    expect((await h.ok(200, 'GET', '/v1/temporary-items?title=Moby')).items).toEqual([]);
  });

  it("lists the temporary items of a patron's current ILL loans (recovery from the patron's loans)", async () => {
    const h = await useHarness();
    const patron = demo.alma.patrons.good.primaryId;
    const borrow = async (title: string, actions: string[]) => {
      const { id } = await h.ok(201, 'POST', '/v1/requests', {
        body: { role: 'borrowing', title, patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] },
      });
      for (const action of actions) await h.ok(200, 'POST', `/v1/requests/${id}/${action}`);
      return id as string;
    };
    const onLoan = await borrow('Dracula', ['send', 'supplier-shipped', 'receive']);
    await borrow('Emma', ['send', 'supplier-shipped', 'receive', 'mark-returned']);
    await h.drain();
    const found = await h.ok(200, 'GET', `/v1/temporary-items?patronId=${encodeURIComponent(patron)}`);
    expect(found.items).toEqual([{ barcode: onLoan, title: 'Dracula', requestId: onLoan, status: 'received', source: 'service' }]);
    expect((await h.ok(200, 'GET', '/v1/temporary-items?patronId=nobody')).items).toEqual([]);
  });
});
