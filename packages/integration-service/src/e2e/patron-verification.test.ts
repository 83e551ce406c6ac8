import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { historyOf } from '../testutil/alma-desk.ts';
import { useHarness } from '../testutil/harness.ts';

/**
 * Patron verification at review (issue 13 §3; seed 000: "patron name and barcode verification"):
 * the ILS patron's name, status, expiry and blocks, as the adapter's lookup showed them, on the
 * request and in its history — for a blocked or expired patron too, whose request waits for staff.
 */
const { good, blocked, expired } = demo.alma.patrons;
const today = '2025-03-12';

async function requestFor(h: Awaited<ReturnType<typeof useHarness>>, patronId: string) {
  const { id } = await h.ok(201, 'POST', '/v1/requests', {
    body: { role: 'borrowing', title: 'Middlemarch', patronId, pickupLocation: 'MAIN', lenders: ['LENDA'] },
  });
  return id as string;
}

describe('patron verification at review, against the simulated Alma', () => {
  it('shows a patron in good standing: name, active, expiry, no blocks', async () => {
    const h = await useHarness();
    const id = await requestFor(h, good.primaryId);
    expect((await h.ok(200, 'GET', `/v1/requests/${id}`)).patronVerification).toBeUndefined(); // the ILS has not answered yet
    await h.drain();
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(request.patronVerification).toMatchObject({ patronId: good.primaryId, name: good.name, status: 'active', blocks: [] });
    expect(request.patronVerification.expiryDate > today).toBe(true);
    expect(request.needsAttention).toBe(false);
    expect(await historyOf(h, id)).toContain(
      `Patron ${good.primaryId} verified in the circulation system: ${good.name}, active, expires ${request.patronVerification.expiryDate}.`,
    );
  });

  it('shows a blocked patron with the block, and the request waits for staff', async () => {
    const h = await useHarness();
    const id = await requestFor(h, blocked.primaryId);
    await h.drain();
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(request.patronVerification).toMatchObject({ patronId: blocked.primaryId, name: blocked.name, status: 'blocked' });
    expect(request.patronVerification.blocks.length).toBeGreaterThan(0);
    expect(request.needsAttention).toBe(true);
    const history = (await historyOf(h, id)).join('\n');
    expect(history).toContain(`could not be verified (patron ${blocked.primaryId} is blocked`);
    expect(history).toContain(`The circulation system shows: ${blocked.name}, blocked`);
  });

  it('shows an expired patron with the date the registration ran out', async () => {
    const h = await useHarness();
    const id = await requestFor(h, expired.primaryId);
    await h.drain();
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(request.patronVerification).toMatchObject({ patronId: expired.primaryId, name: expired.name, status: 'expired' });
    expect(request.patronVerification.expiryDate < today).toBe(true);
    expect(request.needsAttention).toBe(true);
    expect((await historyOf(h, id)).join('\n')).toContain(`is expired (registration expired ${request.patronVerification.expiryDate})`);
  });

  it('an unknown patron shows no verification, and a corrected patron ID shows only the new lookup', async () => {
    const h = await useHarness();
    const id = await requestFor(h, 'no.such.patron');
    await h.drain();
    expect((await h.ok(200, 'GET', `/v1/requests/${id}`)).patronVerification).toBeUndefined();
    await h.ok(200, 'PATCH', `/v1/requests/${id}`, { body: { patronId: blocked.primaryId, note: 'typo at the desk' } });
    await h.drain();
    expect((await h.ok(200, 'GET', `/v1/requests/${id}`)).patronVerification).toMatchObject({ patronId: blocked.primaryId, status: 'blocked' });
    await h.ok(200, 'PATCH', `/v1/requests/${id}`, { body: { patronId: good.primaryId, note: 'wrong card' } });
    // the blocked patron's answer is not shown for the good patron while the new lookup is pending
    expect((await h.ok(200, 'GET', `/v1/requests/${id}`)).patronVerification).toBeUndefined();
    await h.drain();
    expect((await h.ok(200, 'GET', `/v1/requests/${id}`)).patronVerification).toMatchObject({ patronId: good.primaryId, status: 'active' });
  });
});
