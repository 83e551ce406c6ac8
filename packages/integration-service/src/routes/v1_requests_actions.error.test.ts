import { describe, expect, it } from 'vitest';
import { snapshot, useHarness } from '../testutil/harness.ts';

describe('POST /v1/requests/{id}/{action} (errors)', () => {
  it('refuses an action the state does not allow with 409, the allowed actions, and no change', async () => {
    const h = await useHarness();
    const { id } = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Dracula', lenders: ['LENDA'], patronId: 'p1' } });
    const before = await snapshot(h);
    const response = await h.request('POST', `/v1/requests/${id}/receive`);
    expect(response.status).toBe(409);
    expect(response.body.error).toEqual({
      code: 'ACTION_NOT_ALLOWED',
      message: 'a borrowing loan request in status "new-for-review" cannot take action "receive"',
      details: { currentStatus: 'new-for-review', allowedActions: ['review', 'send', 'cancel'] },
    });
    const lendingOnly = await h.request('POST', `/v1/requests/${id}/ship`);
    expect(lendingOnly.status).toBe(409);
    expect(lendingOnly.body.error.message).toContain('not a borrowing action');
    expect(await snapshot(h)).toBe(before);
  });

  it('refuses to send a loan without the patron ID (422), nothing changed', async () => {
    const h = await useHarness();
    const { id } = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Dracula', lenders: ['LENDA'] } });
    const before = await snapshot(h);
    const response = await h.request('POST', `/v1/requests/${id}/send`);
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('PATRON_ID_REQUIRED');
    expect(await snapshot(h)).toBe(before);
  });

  it.each([
    ['supplier-shipped', { lenderDueDate: '30/04/2025' }, 'lenderDueDate'],
    ['supplier-shipped', { lenderDueDate: '2025-02-30' }, 'lenderDueDate'],
    ['supplier-shipped', { carrier: 'pigeon' }, 'carrier'],
    ['renewal-approved', {}, 'newDueDate'],
    ['mark-lost', { replacementCost: -5 }, 'replacementCost'],
  ])('rejects bad input for %s with 400 and changes nothing', async (action, body, path) => {
    const h = await useHarness();
    const { id } = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Dracula', lenders: ['LENDA'], patronId: 'p1' } });
    await h.ok(200, 'POST', `/v1/requests/${id}/send`);
    const before = await snapshot(h);
    const response = await h.request('POST', `/v1/requests/${id}/${action}`, { body });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_INPUT');
    expect(response.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(await snapshot(h)).toBe(before);
  });

  it('refuses a ship date in the past (422) and an unknown request (404)', async () => {
    const h = await useHarness();
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'lending', borrowingLibrary: 'OKLA', title: 'Opticks', itemBarcode: '31000000010001' },
    });
    const before = await snapshot(h);
    const past = await h.request('POST', `/v1/requests/${id}/ship`, { body: { dueDate: '2020-01-01' } });
    expect(past.status).toBe(422);
    expect(past.body.error.message).toBe('dueDate 2020-01-01 is in the past');
    expect((await h.request('POST', '/v1/requests/9999999/ship')).status).toBe(404);
    expect(await snapshot(h)).toBe(before);
  });
});
