import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, type LostChargeStep } from './decide.ts';
import { ilsKinds } from './ils.ts';
import { aRequest, context, settingsWith } from './test-fixtures.ts';
import { allowedActions, borrowingStatuses, lendingStatuses, type RequestAction, terminalStatuses } from './workflow.ts';

/**
 * Lost is not the end (seed 004: the lost charges are "removable when the item comes back"): a lost
 * item that turns up is received as returned, its own lost charges are taken back (each once, and
 * only those whose charge step succeeded), and the request completes as any return does.
 */
const seed = { seed: 13_005, numRuns: 200 };
const money = fc.integer({ min: 0, max: 20_000 }).map((cents) => cents / 100);

describe('lost is not terminal', () => {
  it('terminal statuses are exactly those no action leaves, for both roles', () => {
    for (const status of terminalStatuses) {
      for (const role of ['borrowing', 'lending'] as const) {
        const statuses: readonly string[] = role === 'borrowing' ? borrowingStatuses : lendingStatuses;
        if (statuses.includes(status)) expect(allowedActions(aRequest(role, status))).toEqual([]);
      }
    }
    expect(terminalStatuses).not.toContain('lost');
    expect(allowedActions(aRequest('borrowing', 'lost'))).toEqual(['lost-item-returned']);
  });

  it('mark lost, then the item comes back: returned with its own charges taken back, then completes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ilsKinds),
        money,
        money,
        fc.option(money, { nil: undefined }),
        fc.boolean(),
        fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
        fc.constantFrom('received', 'renewal-requested', 'recalled', 'overdue' as const),
        (ils, replacementCost, processingFee, givenCost, removeWhenReturned, succeeded, from) => {
          const settings = settingsWith({
            borrowing: { lostItemCharges: { replacementCost, processingFee, replacementFeeType: 'LOST', processingFeeType: 'PROC', removeWhenReturned } },
          });
          const ctx = context(ils, settings);
          const onLoan = aRequest('borrowing', from, { temporaryBarcode: '1000009' });
          const lost = decide(onLoan, { action: 'mark-lost', replacementCost: givenCost }, ctx);
          if (!lost.ok) throw new Error(JSON.stringify(lost.error));
          expect(lost.decision.request.status).toBe('lost');
          const charges = lost.decision.plan.filter((s) => s.name === 'charge-fee');
          // the store passes the charges whose own step succeeded; a failed or skipped one left nothing
          const made: LostChargeStep[] = charges
            .filter((_, i) => succeeded[i])
            .map((s) => {
              const input = s.input as { patronId: string; feeType: string; comment: string };
              return { key: s.key, patronId: input.patronId, feeType: input.feeType, comment: input.comment };
            });
          const back = decide(lost.decision.request, { action: 'lost-item-returned' }, { ...ctx, lostCharges: made });
          if (!back.ok) throw new Error(JSON.stringify(back.error));
          const { request, plan, notes } = back.decision;
          expect(request.status).toBe('returned');
          // the temporary item is checked in, as on any return
          expect(plan.some((s) => s.name === 'check-in' && (s.input as { itemBarcode: string }).itemBarcode === '1000009')).toBe(true);
          const removals = plan.filter((s) => s.name === 'remove-fee');
          if (removeWhenReturned && ctx.capabilities.feeRemoval) {
            expect(removals.map((s) => s.requires)).toEqual(made.map((c) => [c.key]));
            expect(new Set(removals.map((s) => s.key)).size).toBe(removals.length);
          } else {
            expect(removals).toEqual([]);
            const byHand = notes.some((n) => n.includes('remove its charges'));
            expect(byHand).toBe(removeWhenReturned && made.length > 0);
          }
          // nothing is charged again on the way back
          expect(plan.filter((s) => s.name === 'charge-fee')).toEqual([]);
          expect(allowedActions(request)).toContain('complete');
          const done = decide(request, { action: 'complete' }, ctx);
          expect(done.ok && done.decision.request.status).toBe('complete');
        },
      ),
      seed,
    );
  });

  it('a lost request takes no action but the item coming back; the same return twice is refused', () => {
    const actions: RequestAction[] = ['mark-returned', 'mark-lost', 'receive', 'complete', 'overdue', 'request-renewal', 'cancel', 'recall'];
    fc.assert(
      fc.property(fc.constantFrom(...actions), fc.constantFrom(...ilsKinds), (action, ils) => {
        const result = decide(aRequest('borrowing', 'lost'), { action } as never, context(ils));
        expect(result.ok).toBe(false);
      }),
      seed,
    );
    const back = decide(aRequest('borrowing', 'lost'), { action: 'lost-item-returned' }, context());
    expect(back.ok).toBe(true);
    if (back.ok) expect(decide(back.decision.request, { action: 'lost-item-returned' }, context()).ok).toBe(false);
  });
});
