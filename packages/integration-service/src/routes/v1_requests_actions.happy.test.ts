import { borrowingActions, lendingActions } from '@bookstrap/core';
import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';

const patron = demo.alma.patrons.good.primaryId;

describe('POST /v1/requests/{id}/{action} (happy)', () => {
  it('documents every workflow action of the core as its own endpoint with its own body', async () => {
    const h = await useHarness();
    const doc = await h.ok(200, 'GET', '/openapi.json', { key: null });
    for (const action of new Set([...Object.keys(borrowingActions), ...Object.keys(lendingActions)])) {
      const operation = doc.paths[`/v1/requests/{id}/${action}`]?.post;
      expect(operation, action).toBeDefined();
      expect(operation.requestBody.content['application/json'].schema.$ref, action).toMatch(/^#\/components\/schemas\/\w+Body$/);
    }
    expect(doc.components.schemas.ReceiveBody.properties).toHaveProperty('temporaryBarcode');
    expect(doc.components.schemas.ShipBody.properties).toHaveProperty('dueDate');
    expect(doc.components.schemas.RenewalApprovedBody.required).toEqual(['newDueDate']);
  });

  it('takes an action with or without a body, and answers with the request after it', async () => {
    const h = await useHarness();
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'borrowing', title: 'Dracula', patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] },
    });
    const reviewed = await h.ok(200, 'POST', `/v1/requests/${id}/review`);
    expect(reviewed).toMatchObject({ status: 'reviewed', allowedActions: ['send', 'cancel'] });
    await h.ok(200, 'POST', `/v1/requests/${id}/send`, { body: { note: 'rush' } });
    await h.ok(200, 'POST', `/v1/requests/${id}/supplier-shipped`, { body: { lenderDueDate: '2025-04-30' } });
    const received = await h.ok(200, 'POST', `/v1/requests/${id}/receive`, { body: { temporaryBarcode: 'OVR-1' } });
    // the strap date: the lender's 2025-04-30 less the 7-day return offset, longer than local policy
    expect(received).toMatchObject({ status: 'received', temporaryBarcode: 'OVR-1', patronDueDate: '2025-04-23' });
    expect(received.steps.map((s: { key: string }) => s.key)).toContain(`${id}:create-temporary-item:OVR-1`);
    expect(received.history.map((e: { text: string }) => e.text)).toContain('Sent to lender (note: rush).');
    const renewed = await h.ok(200, 'POST', `/v1/requests/${id}/renewal-approved`, { body: { newDueDate: '2025-05-30' } });
    expect(renewed).toMatchObject({ status: 'received', renewals: 1, lenderDueDate: '2025-05-30' });
  });

  it('acts on lending requests with the same endpoints', async () => {
    const h = await useHarness();
    const { id } = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'lending', borrowingLibrary: 'OKLA', title: 'Opticks', serviceType: 'copy' } });
    expect(await h.ok(200, 'POST', `/v1/requests/${id}/ship`)).toMatchObject({ status: 'complete', steps: [] });
  });
});
