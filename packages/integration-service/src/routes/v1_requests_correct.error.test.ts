import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { snapshot, useHarness } from '../testutil/harness.ts';

const patron = demo.alma.patrons.good.primaryId;

describe('PATCH /v1/requests/{id} (errors)', () => {
  it('unknown fields, a missing note, bad values and an empty correction are 400 naming the field; nothing changes', async () => {
    const h = await useHarness();
    const { id } = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Emma', patronId: patron, lenders: ['LENDA'] } });
    await h.drain();
    const before = await snapshot(h);
    const unknown = await h.request('PATCH', `/v1/requests/${id}`, { body: { patronID: 'x', note: 'n' } });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body.error)).toContain('patronID');
    const noNote = await h.request('PATCH', `/v1/requests/${id}`, { body: { patronId: 'x' } });
    expect(noNote.status).toBe(400);
    expect(noNote.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'note' })]));
    const badDate = await h.request('PATCH', `/v1/requests/${id}`, { body: { lenderDueDate: '2025-02-30', note: 'n' } });
    expect(badDate.status).toBe(400);
    const empty = await h.request('PATCH', `/v1/requests/${id}`, { body: { note: 'n' } });
    expect(empty.status).toBe(400);
    const same = await h.request('PATCH', `/v1/requests/${id}`, { body: { patronId: patron, note: 'n' } });
    expect(same.status).toBe(400);
    expect(same.body.error.message).toContain('patronId');
    const pickup = await h.request('PATCH', `/v1/requests/${id}`, { body: { pickupLocation: 'NOWHERE', note: 'n' } });
    expect(pickup.status).toBe(400);
    expect(pickup.body.error.message).toContain('pickupLocation');
    const malformed = await h.request('PATCH', `/v1/requests/${id}`, { raw: '{', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(await snapshot(h)).toBe(before);
  });

  it('409 CORRECTION_NOT_ALLOWED when the field can no longer change, saying why; 404 for an unknown request', async () => {
    const h = await useHarness();
    const { id } = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Emma', patronId: patron, lenders: ['LENDA'] } });
    await h.ok(200, 'POST', `/v1/requests/${id}/cancel`);
    const before = await snapshot(h);
    const late = await h.request('PATCH', `/v1/requests/${id}`, { body: { patronId: 'P-2', note: 'n' } });
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'CORRECTION_NOT_ALLOWED', message: expect.stringContaining('cancelled') });
    const early = await h.request('PATCH', `/v1/requests/${id}`, { body: { useSuggestedBarcode: true, note: 'n' } });
    expect(early.status).toBe(409);
    expect((await h.request('PATCH', '/v1/requests/9999999', { body: { patronId: 'x', note: 'n' } })).status).toBe(404);
    expect(await snapshot(h)).toBe(before);
  });
});
