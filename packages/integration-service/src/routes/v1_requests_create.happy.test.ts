import { demo } from '@bookstrap/ils-simulators';
import { isValidRequestId } from '@bookstrap/core';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

const patron = demo.alma.patrons.good.primaryId;

describe('POST /v1/requests (happy)', () => {
  it('creates a borrowing request with a barcode-safe ID and queues the patron check', async () => {
    const h = await useHarness();
    const created = await h.ok(201, 'POST', '/v1/requests', {
      body: {
        role: 'borrowing',
        title: 'Dracula',
        author: 'Stoker, Bram',
        isbn: '978-0-00-000011-4',
        patronId: patron,
        pickupLocation: 'main',
        lenders: ['lenda', 'LENDB'],
      },
    });
    expect(isValidRequestId(created.id)).toBe(true);
    expect(created).toMatchObject({
      library: 'TULSA',
      role: 'borrowing',
      serviceType: 'loan',
      status: 'new-for-review',
      pickupLocation: 'MAIN',
      lenders: ['LENDA', 'LENDB'],
      currentLender: 'LENDA',
      allowedActions: ['review', 'send', 'cancel'],
      needsAttention: false,
      pendingSteps: 1,
      steps: [{ name: 'lookup-patron', state: 'pending', key: `${created.id}:lookup-patron:${patron}` }],
    });
    const next = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Emma', serviceType: 'copy' } });
    expect(Number(next.id.slice(0, -1))).toBe(Number(created.id.slice(0, -1)) + 1);
    expect(next).toMatchObject({ serviceType: 'copy', steps: [], pendingSteps: 0 });
  });

  it('creates a lending request ("Can you supply?")', async () => {
    const h = await useHarness();
    const created = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'lending', borrowingLibrary: 'okla', title: 'Opticks', itemBarcode: '31000000010001' },
    });
    expect(created).toMatchObject({
      role: 'lending',
      status: 'can-you-supply',
      borrowingLibrary: 'OKLA',
      itemBarcode: '31000000010001',
      allowedActions: ['ship', 'respond-unfilled', 'cancel'],
    });
    expect(created.history[0].text).toBe('Lending loan request from OKLA: can you supply "Opticks" (item 31000000010001)?');
  });
});
