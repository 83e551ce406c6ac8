import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

describe('POST /v1/requests/{id}/steps/{stepKey}/retry (happy)', () => {
  it('runs a step that needed staff again once staff fixed the cause', async () => {
    const h = await useHarness();
    const taken = demo.alma.lendableItems[0]!.barcode;
    const patron = demo.alma.patrons.good.primaryId;
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'borrowing', title: 'Emma', patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] },
    });
    for (const action of ['send', 'supplier-shipped']) await h.ok(200, 'POST', `/v1/requests/${id}/${action}`);
    await h.ok(200, 'POST', `/v1/requests/${id}/receive`, { body: { temporaryBarcode: taken } });
    await h.drain();
    const stepKey = `${id}:create-temporary-item:${taken}`;
    expect((await h.ok(200, 'GET', `/v1/requests/${id}`)).attention).toMatchObject({ stepKey, reason: 'barcode-in-use' });

    // Staff relabel the real item, then retry: the temporary item is created and the hold follows.
    const item = (await h.alma('GET', `/items?item_barcode=${taken}`)).body;
    item.item_data.barcode = `${taken}-OLD`;
    await h.alma('PUT', `/bibs/${item.bib_data.mms_id}/holdings/${item.holding_data.holding_id}/items/${item.item_data.pid}`, item);
    const retried = await h.ok(202, 'POST', `/v1/requests/${id}/steps/${encodeURIComponent(stepKey)}/retry`);
    expect(retried).toMatchObject({ key: stepKey, state: 'pending', attempts: 0 });
    await h.drain();
    const after = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(after).toMatchObject({ needsAttention: false, pendingSteps: 0 });
    expect(after.history.map((e: { text: string }) => e.text)).toEqual(
      expect.arrayContaining([`Staff asked to retry: Creating temporary item record ${taken}.`, `Temporary item record ${taken} successfully created.`]),
    );
  });
});
