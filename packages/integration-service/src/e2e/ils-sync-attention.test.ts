import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { almaDesk } from '../testutil/alma-desk.ts';
import { consoleSession } from '../testutil/console-session.ts';
import { almaHost, type Harness, useHarness } from '../testutil/harness.ts';
import { receivedLoan } from '../testutil/received.ts';

/**
 * What the ILS sync saw at the desk and ILL staff must deal with is in the needs-attention queue
 * (issue 12's queue): a renewal done in circulation (seed 004), an expired hold, a lent item
 * checked in before ILL completed it. It leaves when staff resolve it, or when the request moves on.
 */
const patron = demo.alma.patrons.good.primaryId;
const sync = (h: Harness) => h.ok(200, 'POST', '/v1/ils-sync');
const queue = async (h: Harness) =>
  (await h.ok(200, 'GET', '/v1/requests?needsAttention=true')).requests.map((r: { id: string; attention?: { reason: string } }) => [r.id, r.attention?.reason]);
const counts = (h: Harness) => h.ok(200, 'GET', '/v1/requests/attention-counts');

async function renewAtDesk(h: Harness, id: string, dueDate: string) {
  const desk = almaDesk(h);
  const found = await desk.item(id);
  const loans = await h.alma('GET', `/bibs/${found.bib_data.mms_id}/holdings/${found.holding_data.holding_id}/items/${found.item_data.pid}/loans`);
  expect((await h.alma('PUT', `/users/${patron}/loans/${loans.body.item_loan[0].loan_id}`, { due_date: `${dueDate}T23:59:00Z` })).status).toBe(200);
}

describe('ILS sync findings in the needs-attention queue', () => {
  it('a circulation-side renewal is queued with its reason, shown in the console, and leaves when staff resolve it', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const id = await receivedLoan(h);
    const other = await receivedLoan(h, 'Emma');
    await desk.checkIn(id, 'MAIN');
    await desk.checkOut(id, patron, 'MAIN');
    await sync(h);
    await h.drain();
    expect(await queue(h)).toEqual([]); // a pickup and the strap date put back need nobody

    await renewAtDesk(h, id, '2025-06-20');
    await sync(h);
    expect(await queue(h)).toEqual([[id, 'circulation-renewal']]);
    const detail = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(detail).toMatchObject({
      needsAttention: true,
      attention: { reason: 'circulation-renewal', finding: 'circulation-renewal', nextAction: expect.stringContaining('Ask the lender for a renewal') },
    });
    expect(detail.attention.detail).toContain('renewed in circulation to 2025-06-20');
    expect(detail.attention.stepKey).toBeUndefined();
    expect(await counts(h)).toEqual({ total: 1, byReason: { 'circulation-renewal': 1 } });
    // the other request is untouched
    expect((await h.ok(200, 'GET', `/v1/requests/${other}`)).needsAttention).toBe(false);

    // The console's needs-attention queue shows it with the reason, and the request page offers to resolve it.
    const console = await consoleSession(h, h.keys.TULSA);
    const page = await console.get('/console/queues?queue=borrowing-attention');
    expect(page.text).toContain(`/console/requests/${id}"`);
    expect(page.text).not.toContain(`/console/requests/${other}"`);
    expect(page.text).toContain('circulation-renewal');
    const requestPage = await console.get(`/console/requests/${id}`);
    expect(requestPage.text).toContain('What circulation did');
    expect(requestPage.text).toContain(`/console/requests/${id}/ils-finding/resolve`);

    // A sync that sees the same loan again does not re-open or duplicate anything.
    await sync(h);
    expect(await queue(h)).toEqual([[id, 'circulation-renewal']]);

    const resolved = await console.post(`/console/requests/${id}/ils-finding/resolve`, { note: 'Asked LENDA for the renewal', staff: 'JD' });
    expect(resolved.status).toBe(303);
    expect(await queue(h)).toEqual([]);
    expect(await counts(h)).toEqual({ total: 0, byReason: {} });
    const after = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(after).toMatchObject({ needsAttention: false, ilsCirculation: { lastFindingKind: 'circulation-renewal', needsIllStaff: false } });
    expect(after.attention).toBeUndefined();
    expect(after.history.map((e: { text: string }) => e.text)).toContainEqual(
      expect.stringMatching(/^Resolved by JD: the loan of .* renewed in circulation.* Note: Asked LENDA for the renewal$/),
    );
    expect((await desk.loan(id))?.dueDate).toBe('2025-06-20'); // resolving writes nothing to the ILS
    expect((await console.get('/console/queues?queue=borrowing-attention')).text).not.toContain(`/console/requests/${id}"`);
  });

  it('an expired hold is queued and leaves when ILL moves the request on (marked returned)', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const id = await receivedLoan(h);
    await desk.checkIn(id, 'MAIN');
    await sync(h);
    await h.sim.app.request(`${almaHost}/_sim/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceDays: 30 }),
    });
    await sync(h);
    expect(await queue(h)).toEqual([[id, 'hold-expired']]);
    await h.ok(200, 'POST', `/v1/requests/${id}/mark-returned`);
    expect(await queue(h)).toEqual([]);
    const after = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(after.ilsCirculation).toMatchObject({ lastFindingKind: 'hold-expired', needsIllStaff: false });
    expect(after.history.map((e: { text: string }) => e.text)).toContain('The ILS finding no longer needs staff: the request is now returned.');
  });

  it('a desk check-in of the temporary item first is queued; a lent item checked in before ILL completed it too', async () => {
    const h = await useHarness();
    const desk = almaDesk(h);
    const id = await receivedLoan(h);
    await desk.checkIn(id, 'MAIN');
    await desk.checkOut(id, patron, 'MAIN');
    await sync(h);
    await h.drain();
    await desk.checkIn(id, 'MAIN');
    await sync(h);
    expect(await queue(h)).toEqual([[id, 'checked-in-at-desk']]);

    const item = demo.alma.lendableItems.filter((i) => i.library === 'MAIN')[2]!;
    const lent = await h.ok(201, 'POST', '/v1/requests', {
      body: { role: 'lending', borrowingLibrary: 'PARTNR', title: item.title, itemBarcode: item.barcode },
    });
    await h.ok(200, 'POST', `/v1/requests/${lent.id}/ship`, { body: { dueDate: '2029-06-01' } });
    await h.drain();
    await sync(h);
    await desk.checkIn(item.barcode, 'MAIN');
    await sync(h);
    expect((await queue(h)).sort()).toEqual(
      [
        [id, 'checked-in-at-desk'],
        [lent.id, 'lent-item-checked-in'],
      ].sort(),
    );
    expect(await counts(h)).toMatchObject({ total: 2, byReason: { 'checked-in-at-desk': 1, 'lent-item-checked-in': 1 } });
    const actions = (await h.ok(200, 'GET', `/v1/requests/${lent.id}`)).allowedActions as string[];
    const complete = actions.find((a) => a === 'check-in' || a === 'complete')!;
    await h.ok(200, 'POST', `/v1/requests/${lent.id}/${complete}`);
    await h.drain();
    expect(await queue(h)).toEqual([[id, 'checked-in-at-desk']]);
  });
});
