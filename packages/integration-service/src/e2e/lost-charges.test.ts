import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { demoAdminKey } from '../demo-libraries.ts';
import { almaDesk, historyOf } from '../testutil/alma-desk.ts';
import { type Harness, useHarness } from '../testutil/harness.ts';

/**
 * Overdue and lost charges (issue 13 §3; seed 004: "2 charges for the same item… $30 processing
 * charge", and the office "will remove the charges" when the item comes back): charged in Alma
 * on Lost, waived when the lost item comes back — those two fees, and no other fee of the patron.
 */
const patron = demo.alma.patrons.good.primaryId;
const feeTypes = demo.alma.feeTypes as Record<string, string>;

async function activeFees(h: Harness) {
  const list = await h.alma('GET', `/users/${encodeURIComponent(patron)}/fees?status=ACTIVE`);
  return ((list.body.fee ?? []) as { id: string; original_amount: number; type: { value: string }; comment: string }[]).map((f) => ({
    id: f.id,
    amount: Number(f.original_amount),
    type: f.type.value,
    comment: f.comment,
  }));
}

async function lostRequest(h: Harness, title: string, body: Record<string, unknown> = {}) {
  const desk = almaDesk(h);
  const { id } = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title, patronId: patron, pickupLocation: 'MAIN', lenders: ['LENDA'] } });
  for (const action of ['send', 'supplier-shipped', 'receive']) await h.ok(200, 'POST', `/v1/requests/${id}/${action}`);
  await h.drain();
  await desk.checkIn(id);
  await desk.checkOut(id, patron);
  await h.ok(200, 'POST', `/v1/requests/${id}/overdue`);
  await h.ok(200, 'POST', `/v1/requests/${id}/mark-lost`, { body });
  await h.drain();
  return id as string;
}

describe('lost charges against the simulated Alma', () => {
  const replacement = feeTypes.lostItemReplacement ?? 'LOSTITEMREPLACEMENTFEE';
  const processing = feeTypes.lostItemProcessing ?? 'LOSTITEMPROCESSFEE';

  async function harness() {
    const h = await useHarness();
    await h.ok(200, 'PATCH', '/v1/libraries/TULSA', {
      key: demoAdminKey,
      body: {
        settings: {
          borrowing: {
            lostItemCharges: { replacementCost: 45, processingFee: 30, replacementFeeType: replacement, processingFeeType: processing },
          },
        },
      },
    });
    return h;
  }

  it('charges the replacement cost and the $30 processing fee on Lost, and records the ILS fee ids', async () => {
    const h = await harness();
    const id = await lostRequest(h, 'Lost in the mail', { replacementCost: 62.5 });
    const fees = (await activeFees(h)).filter((f) => f.comment.includes(id));
    expect(fees.map(({ amount, type }) => ({ amount, type }))).toEqual([
      { amount: 62.5, type: replacement },
      { amount: 30, type: processing },
    ]);
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(request.status).toBe('lost');
    const charges = request.steps.filter((s: { name: string }) => s.name === 'charge-fee');
    expect(charges.map((s: { lastOutcome: { reference?: string } }) => s.lastOutcome.reference).sort()).toEqual(fees.map((f) => f.id).sort());
    expect(request.allowedActions).toEqual(['lost-item-returned']);
  });

  it('the lost item comes back: checked in, deleted, and only its own two charges waived', async () => {
    const h = await harness();
    const desk = almaDesk(h);
    const id = await lostRequest(h, 'Found under a seat');
    const other = await lostRequest(h, 'Still lost'); // same patron, same types and amounts: not this request's
    expect((await activeFees(h)).filter((f) => f.comment.includes(other))).toHaveLength(2);

    const returned = await h.ok(200, 'POST', `/v1/requests/${id}/lost-item-returned`);
    expect(returned.status).toBe('returned');
    await h.drain();

    expect(await desk.countItems(id)).toBe(0);
    const left = await activeFees(h);
    expect(left.filter((f) => f.comment.includes(id))).toEqual([]);
    expect(left.filter((f) => f.comment.includes(other)).map((f) => f.amount)).toEqual([45, 30]);
    expect(await desk.loan(other)).toMatchObject({ patronId: patron });

    const history = await historyOf(h, id);
    expect(history).toContain(`Item ${id} checked in.`);
    expect(history.filter((line) => /charge fee-\d+ of patron .* removed\.$|charge \S+ of patron .* removed\.$/.test(line))).toHaveLength(2);
    const after = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(after).toMatchObject({ needsAttention: false, pendingSteps: 0 });
    expect(after.steps.filter((s: { name: string; state: string }) => s.name === 'remove-fee').map((s: { state: string }) => s.state)).toEqual([
      'succeeded',
      'succeeded',
    ]);
  });

  it('a charge that failed leaves nothing to take back: its removal is skipped, touching nothing', async () => {
    const h = await harness();
    // the processing fee type is one Alma does not know: that charge fails, the replacement is charged
    await h.ok(200, 'PATCH', '/v1/libraries/TULSA', {
      key: demoAdminKey,
      body: {
        settings: {
          borrowing: { lostItemCharges: { replacementCost: 45, processingFee: 30, replacementFeeType: replacement, processingFeeType: 'NO_SUCH_FEE' } },
        },
      },
    });
    const id = await lostRequest(h, 'Half charged');
    expect((await activeFees(h)).filter((f) => f.comment.includes(id)).map((f) => f.type)).toEqual([replacement]);
    await h.ok(200, 'POST', `/v1/requests/${id}/lost-item-returned`);
    await h.drain();
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`);
    const removals = request.steps.filter((s: { name: string }) => s.name === 'remove-fee');
    expect(removals.map((s: { key: string; state: string }) => [s.key.split(':').pop(), s.state])).toEqual([
      ['lost-replacement', 'succeeded'],
      ['lost-processing', 'skipped'],
    ]);
    expect((await activeFees(h)).filter((f) => f.comment.includes(id))).toEqual([]);
  });

  it('keeps the charges when the library says so', async () => {
    const h = await harness();
    await h.ok(200, 'PATCH', '/v1/libraries/TULSA', {
      key: demoAdminKey,
      body: { settings: { borrowing: { lostItemCharges: { replacementCost: 45, processingFee: 30, removeWhenReturned: false } } } },
    });
    const id = await lostRequest(h, 'Kept charges');
    await h.ok(200, 'POST', `/v1/requests/${id}/lost-item-returned`);
    await h.drain();
    expect((await activeFees(h)).filter((f) => f.comment.includes(id))).toHaveLength(2);
  });
});
