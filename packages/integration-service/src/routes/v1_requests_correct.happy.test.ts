import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

const patron = demo.alma.patrons.good.primaryId;

describe('PATCH /v1/requests/{id} (happy)', () => {
  it('corrects the pickup location and lender due date, answers the request view, and writes who and why', async () => {
    const h = await useHarness();
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'borrowing', title: 'Emma', patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] },
    });
    await h.ok(200, 'POST', `/v1/requests/${id}/send`);
    await h.ok(200, 'POST', `/v1/requests/${id}/supplier-shipped`, { body: { lenderDueDate: '2025-04-30' } });
    await h.ok(200, 'PATCH', '/v1/libraries/TULSA', {
      key: h.adminKey,
      body: {
        pickupLocations: [
          { code: 'MAIN', name: 'Main', ilsLocationCode: 'MAIN', active: true },
          { code: 'SCIENCE', name: 'Science Library', ilsLocationCode: 'SCI', active: true },
        ],
      },
    });
    const body = { lenderDueDate: '2025-05-14', pickupLocation: 'science', note: 'lender sent the wrong date', staff: 'KM' };
    const view = await h.ok(200, 'PATCH', `/v1/requests/${id}`, { body });
    const detail = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(view).toEqual(detail); // the same view as GET
    expect(view.lenderDueDate).toBe('2025-05-14');
    expect(view.pickupLocation).toBe('SCI');
    const entry = view.history.find((e: { action?: string }) => e.action === 'correct');
    expect(entry).toMatchObject({
      kind: 'staff',
      text: expect.stringMatching(/^Corrected by KM: pickup location MAIN → SCI; lender due date 2025-04-30 → 2025-05-14.*Note: lender sent the wrong date$/),
    });
  });

  it('corrects a lending request’s mistyped item barcode before shipping', async () => {
    const h = await useHarness();
    const { id } = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'lending', borrowingLibrary: 'PARTNR', title: 'Emma', itemBarcode: 'TYPO-1' } });
    const item = demo.alma.lendableItems.filter((i) => i.library === 'MAIN')[0]!;
    const view = await h.ok(200, 'PATCH', `/v1/requests/${id}`, { body: { itemBarcode: item.barcode, note: 'typo' } });
    expect(view.itemBarcode).toBe(item.barcode);
    await h.ok(200, 'POST', `/v1/requests/${id}/ship`, { body: { dueDate: '2025-04-16' } });
    await h.drain();
    const shipped = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(shipped.steps.map((s: { key: string; state: string }) => [s.key, s.state])).toEqual(
      expect.arrayContaining([[`${id}:check-out-to-borrowing-library:${item.barcode}`, 'succeeded']]),
    );
  });
});
