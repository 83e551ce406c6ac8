import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decide, type RequestCommand } from './decide.ts';
import { type IlsStep, type PrerequisiteState, prerequisite, readiness } from './plan.ts';
import { otherRequestHolding } from './port.ts';
import { aRequest, context, settingsWith } from './test-fixtures.ts';
import type { IllRequest } from './workflow.ts';

/** Never touch what isn't yours: every modifying step names the steps whose records it acts on. */
function planOf(request: IllRequest, command: RequestCommand, settings = settingsWith({})) {
  const result = decide(request, command, context('alma', settings));
  if (!result.ok) throw new Error(result.error.message);
  return result.decision.plan;
}
const byName = (plan: IlsStep[], name: IlsStep['name']) => plan.find((s) => s.name === name);

describe('borrowing steps act only on the temporary item the request created', () => {
  const received = aRequest('borrowing', 'received', { temporaryBarcode: 'T-77', patronId: 'P-1001' });
  const created = prerequisite.temporaryItem(received.id, 'T-77');

  it('the hold needs the temporary item of the same barcode', () => {
    const plan = planOf(aRequest('borrowing', 'in-transit', { patronId: 'P-1001' }), { action: 'receive', temporaryBarcode: 'T-77' });
    expect(byName(plan, 'create-temporary-item')?.key).toBe(created);
    expect(byName(plan, 'place-hold')?.requires).toEqual([created]);
  });

  it('check-in and delete on return need the temporary item; delete also needs the check-in', () => {
    const plan = planOf(received, { action: 'mark-returned' });
    const checkIn = byName(plan, 'check-in');
    expect(checkIn?.requires).toEqual([created]);
    expect(checkIn?.input).toMatchObject({ owner: { kind: 'temporary-item', requestId: received.id, patronId: 'P-1001' } });
    expect(byName(plan, 'delete-temporary-item')?.requires).toEqual([created, checkIn?.key]);
    // the patron whose holds the delete looks among for the request's own (never everyone's)
    expect(byName(plan, 'delete-temporary-item')?.input).toEqual({ requestId: received.id, itemBarcode: 'T-77', patronId: 'P-1001' });
  });

  it('a renewal due date change needs the temporary item and names its patron', () => {
    const plan = planOf(received, { action: 'renewal-approved', newDueDate: '2027-01-20' });
    const update = byName(plan, 'update-due-date');
    expect(update?.requires).toEqual([created]);
    expect(update?.input).toMatchObject({ owner: { kind: 'temporary-item', patronId: 'P-1001' } });
  });
});

describe('lending steps act only on the loan Bookstrap made at ship', () => {
  const settings = settingsWith({ lending: { illTemporaryLocation: 'ILLOUT' } });
  const shipped = aRequest('lending', 'shipped', { itemBarcode: 'I-9', borrowingLibrary: 'BORRB' });
  const loan = prerequisite.lendingLoan(shipped.id, 'I-9');

  it('moving to the ILL location needs the check-out', () => {
    const plan = planOf(aRequest('lending', 'can-you-supply', { borrowingLibrary: 'BORRB' }), { action: 'ship', itemBarcode: 'I-9' }, settings);
    expect(byName(plan, 'check-out-to-borrowing-library')?.key).toBe(loan);
    expect(byName(plan, 'move-to-temporary-location')?.requires).toEqual([loan]);
  });

  it('check-in needs the loan and names the borrowing account; restore needs the move', () => {
    const plan = planOf(aRequest('lending', 'returned', { itemBarcode: 'I-9', borrowingLibrary: 'BORRB' }), { action: 'check-in' }, settings);
    const checkIn = byName(plan, 'check-in');
    expect(checkIn?.requires).toEqual([loan]);
    expect(checkIn?.input).toMatchObject({ owner: { kind: 'lent-item', borrowerPatronId: expect.any(String) } });
    expect(byName(plan, 'restore-permanent-location')?.requires).toEqual([prerequisite.temporaryLocation(shipped.id, 'I-9')]);
  });

  it('the Horizon/Symphony lending hold waits for the item barcode: planned at ship when the request named none', () => {
    const holds = settingsWith({ lending: { placeHoldOnRequestedItem: true } });
    const untitled = aRequest('lending', 'can-you-supply', { borrowingLibrary: 'BORRB', itemBarcode: undefined });
    const ctx = context('symphony', holds);
    const shipped = decide(untitled, { action: 'ship', itemBarcode: 'I-9' }, ctx);
    if (!shipped.ok) throw new Error(shipped.error.message);
    expect(shipped.decision.plan.map((s) => s.name)).toEqual(['place-lending-hold', 'check-out-to-borrowing-library']);
    expect(shipped.decision.plan[0]?.input).toMatchObject({ itemBarcode: 'I-9' });
  });

  it('a lending renewal needs the loan', () => {
    const plan = planOf(aRequest('lending', 'shipped', { itemBarcode: 'I-9', borrowingLibrary: 'BORRB' }), {
      action: 'approve-renewal',
      newDueDate: '2027-02-01',
    });
    expect(byName(plan, 'update-due-date')?.requires).toEqual([loan]);
  });
});

describe('readiness: no cascades after a failure', () => {
  const planned: IlsStep = {
    name: 'check-in',
    key: 'R:check-in:T:returned',
    input: { requestId: 'R', itemBarcode: 'T' },
    requires: ['R:create-temporary-item:T'],
  };
  it('runs when the prerequisite succeeded', () => {
    expect(readiness(planned, new Map([['R:create-temporary-item:T', 'succeeded']]))).toEqual({ kind: 'run' });
  });
  it('waits while the prerequisite is in flight', () => {
    expect(readiness(planned, new Map([['R:create-temporary-item:T', 'waiting']]))).toEqual({ kind: 'wait' });
  });
  it.each(['failed', 'missing'] as const)('skips, in words a librarian reads, when the prerequisite is %s', (state) => {
    const verdict = readiness(planned, state === 'missing' ? new Map() : new Map([['R:create-temporary-item:T', state]]));
    expect(verdict).toMatchObject({ kind: 'skip', blockedBy: 'R:create-temporary-item:T' });
    expect(verdict.kind === 'skip' && verdict.reason).toMatch(/temporary item was never created.*nothing in the ILS under barcode T was touched/);
  });
  it('a step with no prerequisites always runs', () => {
    expect(readiness({ ...planned, requires: undefined }, new Map())).toEqual({ kind: 'run' });
  });
  it('property: runs only if every prerequisite succeeded; skips if any failed or is missing', () => {
    const state = fc.constantFrom<PrerequisiteState | undefined>('succeeded', 'waiting', 'failed', 'missing', undefined);
    fc.assert(
      fc.property(fc.array(state, { minLength: 1, maxLength: 5 }), (states) => {
        const keys = states.map((_, i) => `R:create-temporary-item:T${i}`);
        const map = new Map<string, PrerequisiteState>();
        states.forEach((s, i) => {
          if (s && s !== 'missing') map.set(keys[i] as string, s);
        });
        const verdict = readiness({ ...planned, requires: keys }, map);
        const bad = states.some((s) => s === 'failed' || s === 'missing' || s === undefined);
        const all = states.every((s) => s === 'succeeded');
        if (bad) return verdict.kind === 'skip';
        return verdict.kind === (all ? 'run' : 'wait');
      }),
      { seed: 11, numRuns: 500 },
    );
  });
});

describe('otherRequestHolding: whose loan a check-out finds on the same account', () => {
  it('names the request that recorded this loan, or one that recorded no loan ID; ignores a different loan ID', () => {
    expect(otherRequestHolding({}, 'L1')).toBeUndefined();
    expect(otherRequestHolding({ heldForOtherRequests: [{ requestId: 'R1', loanId: 'L1' }] }, 'L1')).toBe('R1');
    expect(otherRequestHolding({ heldForOtherRequests: [{ requestId: 'R1', loanId: 'L9' }] }, 'L1')).toBeUndefined();
    expect(otherRequestHolding({ heldForOtherRequests: [{ requestId: 'R2' }] }, 'L1')).toBe('R2');
    // an ILS that names no loan (NCIP, SirsiDynix charges): any loan held for another request is that request's
    expect(otherRequestHolding({ heldForOtherRequests: [{ requestId: 'R1', loanId: 'L1' }] }, undefined)).toBe('R1');
  });
});
