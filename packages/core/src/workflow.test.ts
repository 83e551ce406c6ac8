import { describe, expect, it } from 'vitest';
import { type RequestCommand, decide, partnerEffects } from './decide.ts';
import { context } from './test-fixtures.ts';
import { aRequest } from './test-fixtures.ts';
import {
  allowedActions,
  borrowingActions,
  borrowingStatuses,
  type IllRequest,
  lendingActions,
  lendingStatuses,
  type RequestAction,
  type RequestRole,
  type ServiceType,
} from './workflow.ts';

/**
 * The expected transitions, written out by hand from SPEC §2–§3 rather than derived from the
 * table under test: `from → to` for every allowed (action, status, service type).
 */
const expectedBorrowing: Record<string, Record<string, string>> = {
  review: { 'new-for-review': 'reviewed' },
  send: { 'new-for-review': 'sent', reviewed: 'sent' },
  cancel: { 'new-for-review': 'cancelled', reviewed: 'cancelled', sent: 'cancelled' },
  'supplier-shipped': { sent: 'in-transit' },
  'supplier-unfilled': { sent: 'sent' }, // two lenders in the fixture: goes to the next one
  receive: { 'in-transit': 'received' },
  'request-renewal': { received: 'renewal-requested', overdue: 'renewal-requested' },
  'renewal-approved': { received: 'received', 'renewal-requested': 'received', overdue: 'received' },
  'renewal-denied': { 'renewal-requested': 'received' },
  recall: { received: 'recalled', 'renewal-requested': 'recalled', overdue: 'recalled' },
  overdue: { received: 'overdue', 'renewal-requested': 'overdue' },
  'mark-returned': { received: 'returned', 'renewal-requested': 'returned', recalled: 'returned', overdue: 'returned' },
  'mark-lost': { received: 'lost', 'renewal-requested': 'lost', recalled: 'lost', overdue: 'lost' },
  'lost-item-returned': { lost: 'returned' },
  complete: { returned: 'complete' },
};
const copyBorrowing = new Set(['review', 'send', 'cancel', 'supplier-shipped', 'supplier-unfilled', 'receive']);

const expectedLending: Record<string, Record<string, string>> = {
  ship: { 'can-you-supply': 'shipped' },
  'respond-unfilled': { 'can-you-supply': 'unfilled' },
  cancel: { 'can-you-supply': 'cancelled' },
  'renewal-requested': { shipped: 'renewal-requested', overdue: 'renewal-requested' },
  'approve-renewal': { shipped: 'shipped', overdue: 'shipped', 'renewal-requested': 'shipped' },
  'deny-renewal': { 'renewal-requested': 'shipped' },
  recall: { shipped: 'recalled', 'renewal-requested': 'recalled', overdue: 'recalled' },
  overdue: { shipped: 'overdue', 'renewal-requested': 'overdue' },
  'borrower-returned': { shipped: 'returned', 'renewal-requested': 'returned', recalled: 'returned', overdue: 'returned' },
  'check-in': {
    shipped: 'complete',
    'renewal-requested': 'complete',
    recalled: 'complete',
    overdue: 'complete',
    returned: 'complete',
    'returned-but-missing': 'complete',
  },
  'not-returned': { returned: 'returned-but-missing' },
  'age-out': { 'returned-but-missing': 'closed-missing' },
};
const copyLending = new Set(['ship', 'respond-unfilled', 'cancel']);

function commandFor(action: string): RequestCommand {
  switch (action) {
    case 'supplier-shipped':
      return { action, supplierItemBarcode: 'LEND-555', lenderDueDate: '2027-01-20' };
    case 'renewal-approved':
    case 'approve-renewal':
      return { action, newDueDate: '2027-02-20' };
    case 'ship':
      return { action, itemBarcode: '39000000001', dueDate: '2027-01-20' };
    default:
      return { action } as RequestCommand;
  }
}

function matrix(
  role: RequestRole,
  statuses: readonly string[],
  actions: readonly string[],
  expected: Record<string, Record<string, string>>,
  copyActions: Set<string>,
) {
  const cases: Array<{ serviceType: ServiceType; status: string; action: string; to: string | undefined }> = [];
  for (const serviceType of ['loan', 'copy'] as const) {
    for (const status of statuses) {
      for (const action of actions) {
        const allowedForType = serviceType === 'loan' || copyActions.has(action);
        let to = allowedForType ? expected[action]?.[status] : undefined;
        // copies are finished once received/sent: nothing comes back
        if (to && serviceType === 'copy' && ((role === 'borrowing' && action === 'receive') || (role === 'lending' && action === 'ship'))) to = 'complete';
        cases.push({ serviceType, status, action, to });
      }
    }
  }
  return cases;
}

describe.each([
  ['borrowing', borrowingStatuses, Object.keys(borrowingActions), expectedBorrowing, copyBorrowing],
  ['lending', lendingStatuses, Object.keys(lendingActions), expectedLending, copyLending],
] as const)('%s transitions', (role, statuses, actions, expected, copyActions) => {
  const cases = matrix(role, statuses, actions, expected, copyActions);
  it('covers every status × action × service type', () => {
    expect(cases.length).toBe(statuses.length * actions.length * 2);
  });
  it.each(cases.filter((c) => c.to))('$serviceType: $status --$action--> $to', ({ serviceType, status, action, to }) => {
    const request = aRequest(role, status as IllRequest['status'], { serviceType });
    const result = decide(request, commandFor(action), context());
    expect(result.ok, JSON.stringify(result)).toBe(true);
    if (result.ok) expect(result.decision.request.status).toBe(to);
    expect(allowedActions(request)).toContain(action);
  });
  it.each(cases.filter((c) => !c.to))('$serviceType: $status refuses $action', ({ serviceType, status, action }) => {
    const request = aRequest(role, status as IllRequest['status'], { serviceType });
    const result = decide(request, commandFor(action), context());
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('ACTION_NOT_ALLOWED');
      expect(result.error.currentStatus).toBe(status);
      expect(result.error.allowedActions).not.toContain(action);
      expect(result.error.message).toContain(status);
    }
  });
});

describe('guards beyond the state table', () => {
  it('refuses to send a loan without a patron ID when integration is on', () => {
    const result = decide(aRequest('borrowing', 'new-for-review', { patronId: undefined }), { action: 'send' }, context());
    expect(result).toMatchObject({ ok: false, error: { code: 'PATRON_ID_REQUIRED', allowedActions: expect.arrayContaining(['send', 'review', 'cancel']) } });
  });
  it('sends a copy request without a patron ID', () => {
    const result = decide(aRequest('borrowing', 'new-for-review', { patronId: undefined, serviceType: 'copy' }), { action: 'send' }, context());
    expect(result.ok).toBe(true);
  });
  it('goes Unfilled when the last lender in the rota says no', () => {
    const result = decide(aRequest('borrowing', 'sent', { lenderIndex: 1 }), { action: 'supplier-unfilled' }, context());
    expect(result.ok && result.decision.request.status).toBe('unfilled');
  });
  it('moves to the next lender and says so', () => {
    const result = decide(aRequest('borrowing', 'sent'), { action: 'supplier-unfilled' }, context());
    expect(result.ok && result.decision.request.lenderIndex).toBe(1);
    expect(result.ok && result.decision.notes[0]).toContain('LENDB');
  });
  it('refuses a lending loan shipment without an item barcode', () => {
    const result = decide(aRequest('lending', 'can-you-supply', { itemBarcode: undefined }), { action: 'ship' }, context());
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
  it('refuses a malformed or past due date', () => {
    expect(decide(aRequest('lending', 'can-you-supply'), { action: 'ship', dueDate: '2027-13-01' }, context()).ok).toBe(false);
    expect(decide(aRequest('lending', 'can-you-supply'), { action: 'ship', dueDate: '2026-01-01' }, context()).ok).toBe(false);
    expect(decide(aRequest('borrowing', 'received'), { action: 'renewal-approved', newDueDate: 'soon' }, context()).ok).toBe(false);
  });
  it('ages out a returned-but-missing request only after 180 days', () => {
    const request = aRequest('lending', 'returned-but-missing', { missingSince: '2026-06-01' });
    expect(decide(request, { action: 'age-out' }, context('alma', undefined, '2026-11-27'))).toMatchObject({ ok: false, error: { code: 'NOT_YET_AGED_OUT' } });
    expect(decide(request, { action: 'age-out' }, context('alma', undefined, '2026-11-28')).ok).toBe(true);
  });
  it('records when a lending item went missing', () => {
    const result = decide(aRequest('lending', 'returned'), { action: 'not-returned' }, context('alma', undefined, '2026-11-22'));
    expect(result.ok && result.decision.request.missingSince).toBe('2026-11-22');
  });
  it('keeps the supplier barcode and lender due date from the shipment', () => {
    const result = decide(aRequest('borrowing', 'sent'), commandFor('supplier-shipped'), context());
    expect(result.ok && result.decision.request).toMatchObject({ supplierItemBarcode: 'LEND-555', lenderDueDate: '2027-01-20' });
  });
  it('counts renewals', () => {
    const result = decide(aRequest('borrowing', 'received'), commandFor('renewal-approved'), context());
    expect(result.ok && result.decision.request.renewals).toBe(1);
  });
});

describe('partner effects', () => {
  it('map every partner action onto an action the other side has', () => {
    for (const [source, target] of Object.entries(partnerEffects)) {
      const [role] = source.split(':') as [RequestRole];
      const other = role === 'lending' ? borrowingActions : lendingActions;
      expect(Object.keys(other), source).toContain(target as RequestAction);
    }
  });
});
