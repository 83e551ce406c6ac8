import { describe, expect, it } from 'vitest';
import { decide, offeredActions } from './decide.ts';
import { idempotencyKey } from './plan.ts';
import {
  attentionOf,
  findingAttention,
  findingAttentionReasons,
  findingOutlives,
  mootSteps,
  nextActionFor,
  type ReplanContext,
  replan,
  resolveRefusal,
  type StepRecord,
  suggestedBarcodeOf,
} from './repair.ts';
import { aRequest, context, settingsWith } from './test-fixtures.ts';
import type { IllRequest } from './workflow.ts';

const rest: ReplanContext = { ...context(), acceptItemPlacesHold: false };
const ncip: ReplanContext = { ...context(), acceptItemPlacesHold: true };

/** A received request whose plan ran as far as `states` says (create-temporary-item, place-hold). */
function received(states: [StepRecord['state'], StepRecord['state']], outcome?: StepRecord['outcome'], overrides: Partial<IllRequest> = {}) {
  const inTransit = aRequest('borrowing', 'in-transit', { lenderDueDate: '2026-12-15', ...overrides });
  const result = decide(inTransit, { action: 'receive' }, context());
  if (!result.ok) throw new Error(result.error.message);
  const [create, hold] = result.decision.plan;
  const steps: StepRecord[] = [
    { key: create!.key, step: create!, state: states[0], outcome },
    { key: hold!.key, step: hold!, state: states[1] },
  ];
  return { request: result.decision.request, steps };
}

const collision = { kind: 'needs-staff', reason: 'barcode 1000009 is already used by another item in Alma', suggestion: 'use barcode 1000009A' };

describe('replan: temporary barcode', () => {
  it('applies the suggested barcode: the old item and hold are dropped, new ones planned under the new barcode', () => {
    const { request, steps } = received(['needs-staff', 'skipped'], collision);
    const result = replan(request, { useSuggestedBarcode: true }, steps, rest);
    if (!result.ok) throw new Error(result.message);
    expect(result.replan.request.temporaryBarcode).toBe('1000009A');
    expect(result.replan.corrected).toEqual(['temporary barcode 1000009 → 1000009A (the suggested one)']);
    expect(result.replan.changes).toEqual([
      { kind: 'supersede', key: '1000009:create-temporary-item:1000009', reason: expect.stringContaining('corrected from 1000009 to 1000009A') },
      expect.objectContaining({
        kind: 'add',
        step: expect.objectContaining({
          key: '1000009:create-temporary-item:1000009A',
          input: expect.objectContaining({ barcode: '1000009A', patronId: 'P-1001' }),
        }),
      }),
      expect.objectContaining({
        kind: 'add',
        step: expect.objectContaining({
          key: '1000009:place-hold:1000009A',
          requires: ['1000009:create-temporary-item:1000009A'],
          input: expect.objectContaining({ itemBarcode: '1000009A' }),
        }),
      }),
    ]);
  });

  it('refuses once the temporary item exists (no second item left behind), while it is being created, and before receipt', () => {
    const done = received(['succeeded', 'needs-staff']);
    expect(replan(done.request, { temporaryBarcode: 'NEW-1' }, done.steps, rest)).toMatchObject({
      ok: false,
      code: 'CORRECTION_NOT_ALLOWED',
      message: expect.stringContaining('relabel'),
    });
    const running = received(['running', 'pending']);
    expect(replan(running.request, { temporaryBarcode: 'NEW-1' }, running.steps, rest)).toMatchObject({
      ok: false,
      code: 'CORRECTION_NOT_ALLOWED',
      message: expect.stringContaining('right now'),
    });
    expect(replan(aRequest('borrowing', 'in-transit'), { temporaryBarcode: 'NEW-1' }, [], rest)).toMatchObject({
      ok: false,
      code: 'CORRECTION_NOT_ALLOWED',
      message: expect.stringContaining('marking the request received'),
    });
    expect(replan(aRequest('borrowing', 'complete'), { temporaryBarcode: 'NEW-1' }, [], rest)).toMatchObject({ ok: false, code: 'CORRECTION_NOT_ALLOWED' });
  });

  it('refuses "use the suggested one" when there was no collision, and an unusable or unchanged barcode', () => {
    const { request, steps } = received(['needs-staff', 'skipped'], { kind: 'needs-staff', reason: 'invalid patron id' });
    expect(replan(request, { useSuggestedBarcode: true }, steps, rest)).toMatchObject({
      ok: false,
      code: 'CORRECTION_NOT_ALLOWED',
      field: 'useSuggestedBarcode',
    });
    expect(replan(request, { temporaryBarcode: 'has space' }, steps, rest)).toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'temporaryBarcode' });
    expect(replan(request, { temporaryBarcode: '1000009' }, steps, rest)).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
  });

  it('going back to a barcode tried before brings its steps back instead of planning a duplicate key', () => {
    const { request, steps } = received(['needs-staff', 'skipped'], collision);
    const first = replan(request, { temporaryBarcode: 'B2' }, steps, rest);
    if (!first.ok) throw new Error(first.message);
    const after: StepRecord[] = [
      { ...steps[0]!, state: 'skipped' },
      steps[1]!,
      ...first.replan.changes.flatMap((c) => (c.kind === 'add' ? [{ key: c.step.key, step: c.step, state: 'needs-staff' as const }] : [])),
    ];
    const back = replan(first.replan.request, { temporaryBarcode: '1000009' }, after, rest);
    if (!back.ok) throw new Error(back.message);
    expect(back.replan.changes.map((c) => [c.kind, c.kind === 'add' ? c.step.key : c.key])).toEqual([
      ['supersede', '1000009:create-temporary-item:B2'],
      ['supersede', '1000009:place-hold:B2'],
      ['rewrite', '1000009:create-temporary-item:1000009'],
      ['rewrite', '1000009:place-hold:1000009'],
    ]);
  });
});

describe('replan: patron ID', () => {
  it('before the hold: the hold (and the item AcceptItem makes) are rewritten for the right patron, a new lookup is planned, the old dropped', () => {
    const { request, steps } = received(['succeeded', 'needs-staff'], undefined);
    steps.unshift({
      key: idempotencyKey('1000009', 'lookup-patron', 'P-1001'),
      step: { name: 'lookup-patron', key: '1000009:lookup-patron:P-1001', input: { requestId: '1000009', patronId: 'P-1001' } },
      state: 'needs-staff',
    });
    const result = replan(request, { patronId: 'P-2002' }, steps, rest);
    if (!result.ok) throw new Error(result.message);
    expect(result.replan.request.patronId).toBe('P-2002');
    expect(result.replan.changes).toEqual([
      { kind: 'supersede', key: '1000009:lookup-patron:P-1001', reason: expect.stringContaining('P-2002') },
      {
        kind: 'rewrite',
        key: '1000009:place-hold:1000009',
        reopen: true,
        step: expect.objectContaining({ input: expect.objectContaining({ patronId: 'P-2002' }) }),
      },
      { kind: 'add', step: expect.objectContaining({ key: '1000009:lookup-patron:P-2002' }) },
    ]);
  });

  it('after the hold exists: cancels exactly that hold (its recorded ID), then places one for the corrected patron once it is gone', () => {
    const placed = received(['succeeded', 'succeeded']);
    placed.steps[1]!.outcome = { kind: 'done', value: { holdId: 'H-77' } };
    const result = replan(placed.request, { patronId: 'P-2002' }, placed.steps, rest);
    if (!result.ok) throw new Error(result.message);
    expect(result.replan.request.patronId).toBe('P-2002');
    const added = result.replan.changes.flatMap((c) => (c.kind === 'add' ? [c.step] : []));
    expect(added.map((s) => [s.key, s.input, s.requires])).toEqual([
      ['1000009:lookup-patron:P-2002', { requestId: '1000009', patronId: 'P-2002' }, undefined],
      [
        '1000009:cancel-hold:1000009:c1',
        {
          requestId: '1000009',
          patronId: 'P-1001',
          itemBarcode: '1000009',
          holdId: 'H-77',
          placedBy: '1000009:place-hold:1000009',
          reason: 'patron-corrected',
        },
        undefined,
      ],
      [
        '1000009:place-hold:1000009:c1',
        { requestId: '1000009', patronId: 'P-2002', itemBarcode: '1000009', pickupLocation: 'MAIN', inLibraryUseOnly: false },
        ['1000009:cancel-hold:1000009:c1', '1000009:lookup-patron:P-2002'],
      ],
    ]);
    // The placed hold itself is never rewritten or re-run: it is the ILS's record of patron P-1001.
    expect(result.replan.changes.some((c) => c.kind !== 'add' && c.key === '1000009:place-hold:1000009')).toBe(false);
    expect(result.replan.notes.join(' ')).toContain('only if the ILS still shows it');
  });

  it('a second correction cancels the second hold, with new keys (never a repeat of the first cancel)', () => {
    const placed = received(['succeeded', 'succeeded']);
    const first = replan(placed.request, { patronId: 'P-2002' }, placed.steps, rest);
    if (!first.ok) throw new Error(first.message);
    const steps: StepRecord[] = [
      ...placed.steps,
      ...first.replan.changes.flatMap((c) =>
        c.kind === 'add' ? [{ key: c.step.key, step: c.step, state: 'succeeded' as const, outcome: { kind: 'done', value: { holdId: 'H-2' } } }] : [],
      ),
    ];
    const second = replan(first.replan.request, { patronId: 'P-3003' }, steps, rest);
    if (!second.ok) throw new Error(second.message);
    const cancel = second.replan.changes.flatMap((c) => (c.kind === 'add' && c.step.name === 'cancel-hold' ? [c.step] : []));
    expect(cancel.map((s) => [s.key, s.input])).toEqual([
      ['1000009:cancel-hold:1000009:c2', expect.objectContaining({ patronId: 'P-2002', holdId: 'H-2', placedBy: '1000009:place-hold:1000009:c1' })],
    ]);
  });

  it('refuses while a cancel is running, and where the ILS cannot cancel a hold (saying what to do by hand)', () => {
    const placed = received(['succeeded', 'succeeded']);
    const noCancel: ReplanContext = { ...rest, capabilities: { ...rest.capabilities, cancelHold: false } };
    expect(replan(placed.request, { patronId: 'P-2002' }, placed.steps, noCancel)).toMatchObject({
      ok: false,
      code: 'CORRECTION_NOT_ALLOWED',
      message: expect.stringMatching(/cancel that hold at the circulation desk.*cannot cancel a hold/),
    });
    const first = replan(placed.request, { patronId: 'P-2002' }, placed.steps, rest);
    if (!first.ok) throw new Error(first.message);
    const running: StepRecord[] = [
      ...placed.steps,
      ...first.replan.changes.flatMap((c) =>
        c.kind === 'add' ? [{ key: c.step.key, step: c.step, state: c.step.name === 'cancel-hold' ? ('running' as const) : ('pending' as const) }] : [],
      ),
    ];
    expect(replan(first.replan.request, { patronId: 'P-3003' }, running, rest)).toMatchObject({ ok: false, message: expect.stringContaining('running') });
  });

  it('NCIP: the hold AcceptItem made with the item is the one cancelled', () => {
    const accepted = received(['succeeded', 'pending']);
    expect(replan(accepted.request, { patronId: 'P-2002' }, accepted.steps, rest).ok).toBe(true);
    const result = replan(accepted.request, { patronId: 'P-2002' }, accepted.steps, ncip);
    if (!result.ok) throw new Error(result.message);
    const cancel = result.replan.changes.flatMap((c) => (c.kind === 'add' && c.step.name === 'cancel-hold' ? [c.step] : []));
    expect(cancel.map((s) => s.input)).toEqual([
      expect.objectContaining({ patronId: 'P-1001', placedBy: '1000009:create-temporary-item:1000009', holdId: undefined }),
    ]);
  });

  it('a request received without a patron ID gets its temporary item and hold once the patron ID is given', () => {
    const request = aRequest('borrowing', 'received', { patronId: undefined });
    const result = replan(request, { patronId: 'P-3' }, [], {
      ...context('alma', settingsWith({ borrowing: { verifyPatronOnRequest: false } })),
      acceptItemPlacesHold: false,
    });
    if (!result.ok) throw new Error(result.message);
    expect(result.replan.changes.map((c) => (c.kind === 'add' ? c.step.name : c.kind))).toEqual(['create-temporary-item', 'place-hold']);
  });

  it('is for borrowing requests only, and not once the loan is over', () => {
    expect(replan(aRequest('lending', 'shipped'), { patronId: 'X' }, [], rest)).toMatchObject({ ok: false, code: 'CORRECTION_NOT_ALLOWED' });
    expect(replan(aRequest('borrowing', 'returned'), { patronId: 'X' }, [], rest)).toMatchObject({ ok: false, code: 'CORRECTION_NOT_ALLOWED' });
  });
});

describe('replan: pickup location, lender due date, item barcode', () => {
  it('rewrites the hold not yet placed for the new pickup location; refuses once it is placed', () => {
    const { request, steps } = received(['succeeded', 'needs-staff']);
    const result = replan(request, { pickupLocation: 'BRANCH' }, steps, rest);
    expect(result.ok && result.replan.changes).toEqual([
      {
        kind: 'rewrite',
        key: '1000009:place-hold:1000009',
        reopen: true,
        step: expect.objectContaining({ input: expect.objectContaining({ pickupLocation: 'BRANCH' }) }),
      },
    ]);
    const placed = received(['succeeded', 'succeeded']);
    const moved = replan(placed.request, { pickupLocation: 'BRANCH' }, placed.steps, rest);
    if (!moved.ok) throw new Error(moved.message);
    expect(
      moved.replan.changes.flatMap((c) =>
        c.kind === 'add' ? [[c.step.name, (c.step.input as { patronId?: string }).patronId, (c.step.input as { pickupLocation?: string }).pickupLocation]] : [],
      ),
    ).toEqual([
      ['cancel-hold', 'P-1001', undefined],
      ['place-hold', 'P-1001', 'BRANCH'],
    ]);
    const noCancel: ReplanContext = { ...rest, capabilities: { ...rest.capabilities, cancelHold: false } };
    expect(replan(placed.request, { pickupLocation: 'BRANCH' }, placed.steps, noCancel)).toMatchObject({ ok: false, code: 'CORRECTION_NOT_ALLOWED' });
  });

  it('a lending request ending before it ships cancels the hold it placed for the borrowing library (once that hold exists)', () => {
    const ctx = context('symphony', settingsWith({ lending: { placeHoldOnRequestedItem: true } }));
    const request = aRequest('lending', 'can-you-supply', { itemBarcode: '39001', borrowingLibrary: 'BORR' });
    for (const action of ['cancel', 'respond-unfilled'] as const) {
      const result = decide(request, { action }, ctx);
      if (!result.ok) throw new Error(result.error.message);
      expect(result.decision.plan.map((s) => [s.name, s.requires])).toEqual([['cancel-hold', [idempotencyKey(request.id, 'place-lending-hold', '39001')]]]);
    }
    const noHold = decide(request, { action: 'cancel' }, context('symphony', settingsWith({ lending: { placeHoldOnRequestedItem: false } })));
    expect(noHold.ok && noHold.decision.plan).toEqual([]);
  });

  it('a corrected lender due date moves the patron due date and updates the temporary item that exists', () => {
    const { request, steps } = received(['succeeded', 'succeeded']);
    const result = replan(request, { lenderDueDate: '2026-12-22' }, steps, rest);
    if (!result.ok) throw new Error(result.message);
    expect(result.replan.request).toMatchObject({ lenderDueDate: '2026-12-22', patronDueDate: '2026-12-15' });
    expect(result.replan.changes).toEqual([
      {
        kind: 'add',
        step: expect.objectContaining({
          name: 'update-due-date',
          key: '1000009:update-due-date:1000009:2026-12-15',
          requires: ['1000009:create-temporary-item:1000009'],
        }),
      },
    ]);
    expect(replan(request, { lenderDueDate: '2026-13-01' }, steps, rest)).toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'lenderDueDate' });
  });

  it('a mistyped ship barcode whose check-out failed: the old steps are dropped and the new item is checked out', () => {
    const shipped = aRequest('lending', 'shipped', { itemBarcode: 'TYPO' });
    const result = decide(aRequest('lending', 'can-you-supply'), { action: 'ship', itemBarcode: 'TYPO' }, context());
    if (!result.ok) throw new Error(result.error.message);
    const steps: StepRecord[] = result.decision.plan.map((s) => ({ key: s.key, step: s, state: 'needs-staff' }));
    const fixed = replan(shipped, { itemBarcode: '39000000002' }, steps, rest);
    if (!fixed.ok) throw new Error(fixed.message);
    expect(fixed.replan.changes.map((c) => [c.kind, c.kind === 'add' ? c.step.key : c.key])).toEqual([
      ['supersede', '1000009:check-out-to-borrowing-library:TYPO'],
      ['add', '1000009:check-out-to-borrowing-library:39000000002'],
    ]);
    const loaned = steps.map((s) => ({ ...s, state: 'succeeded' as const }));
    expect(replan(shipped, { itemBarcode: '39000000002' }, loaned, rest)).toMatchObject({
      ok: false,
      code: 'CORRECTION_NOT_ALLOWED',
      message: expect.stringContaining('check it in at the desk'),
    });
    expect(replan(aRequest('borrowing', 'received'), { itemBarcode: 'X' }, [], rest)).toMatchObject({ ok: false, code: 'CORRECTION_NOT_ALLOWED' });
  });

  it('an empty correction is refused', () => {
    expect(replan(aRequest('borrowing', 'received'), {}, [], rest)).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
  });
});

describe('needs attention', () => {
  it('is the first step a person must act on, with what to do next; a retry that is waiting is not', () => {
    const { request, steps } = received(['needs-staff', 'skipped'], collision);
    expect(attentionOf(request, steps)).toMatchObject({
      reason: 'barcode-in-use',
      stepKey: '1000009:create-temporary-item:1000009',
      nextAction: expect.stringContaining('apply the suggested 1000009A'),
    });
    const waiting = received(['failed-retryable', 'pending'], { kind: 'retryable', reason: 'Alma is unavailable' });
    expect(attentionOf(waiting.request, waiting.steps)).toBeUndefined();
  });

  it('a step made moot by the request ending leaves the queue; clean-up steps never do', () => {
    const { steps } = received(['succeeded', 'needs-staff']);
    expect(attentionOf({ status: 'received' }, steps)?.reason).toBe('ils-refused');
    expect(attentionOf({ status: 'complete' }, steps)).toBeUndefined();
    expect(mootSteps({ status: 'complete' }, steps)).toEqual([
      { key: '1000009:place-hold:1000009', reason: 'the request is complete, so it is no longer needed' },
    ]);
    const checkIn: StepRecord = {
      key: 'k',
      step: { name: 'check-in', key: 'k', input: { requestId: '1000009', itemBarcode: '1000009' } },
      state: 'needs-staff',
    };
    expect(mootSteps({ status: 'complete' }, [checkIn])).toEqual([]);
    expect(attentionOf({ status: 'complete' }, [checkIn])?.stepKey).toBe('k');
  });

  it('words the next action for patron, configuration, unreachable and ownership problems', () => {
    const lookup: StepRecord = {
      key: 'k',
      step: { name: 'lookup-patron', key: 'k', input: { requestId: '1', patronId: 'P-9' } },
      state: 'needs-staff',
      outcome: { kind: 'needs-staff', reason: 'invalid patron id' },
    };
    expect(nextActionFor(lookup)).toMatch(/^Check patron P-9 in the ILS \(invalid patron id\)\. If the patron ID is wrong, correct it/);
    expect(nextActionFor({ ...lookup, state: 'configuration-error', outcome: { kind: 'configuration-error', reason: 'bad API key' } })).toMatch(
      /^Fix the library's ILS connection/,
    );
    expect(nextActionFor({ ...lookup, outcome: { kind: 'needs-staff', reason: 'gave up after 8 attempts; last: Alma is unavailable' } })).toMatch(
      /Retry the step once the ILS is back/,
    );
    const hold = received(['succeeded', 'needs-staff']).steps[1]!;
    expect(nextActionFor({ ...hold, outcome: { kind: 'needs-staff', reason: 'item locked' } })).toBe(
      'The ILS refused: item locked. Fix the cause and retry; or do it by hand in the ILS (placing hold on 1000009 for patron P-1001 at MAIN), then resolve the step; or skip it if it is not needed.',
    );
  });

  it('resolve, skip and retry refuse where they make no sense', () => {
    const { steps } = received(['succeeded', 'needs-staff']);
    expect(resolveRefusal({ status: 'received' }, steps[0]!, 'retried')).toMatch(/already succeeded; it is never run twice/);
    expect(resolveRefusal({ status: 'received' }, steps[1]!, 'resolved')).toBeUndefined();
    expect(resolveRefusal({ status: 'complete' }, steps[1]!, 'resolved')).toMatch(/moot/);
    expect(resolveRefusal({ status: 'received' }, { ...steps[1]!, state: 'running' }, 'skipped')).toMatch(/running now/);
    expect(resolveRefusal({ status: 'received' }, { ...steps[1]!, state: 'skipped' }, 'skipped')).toMatch(/already skipped/);
  });

  it('an ILS finding that needs staff is in the queue with its kind as the reason, after any step to act on', () => {
    const renewal = { kind: 'circulation-renewal', text: 'ILS: the loan of 1000009 was renewed in circulation to 2026-12-30', nextAction: 'Ask the lender.' };
    const { steps } = received(['succeeded', 'succeeded']);
    expect(attentionOf({ status: 'received' }, steps, renewal)).toEqual({
      reason: 'circulation-renewal',
      finding: 'circulation-renewal',
      detail: renewal.text,
      nextAction: 'Ask the lender.',
    });
    // a step a person must act on blocks the ILS: it comes first
    const stuck = received(['succeeded', 'needs-staff']).steps;
    expect(attentionOf({ status: 'received' }, stuck, renewal)).toMatchObject({ reason: 'ils-refused', stepKey: '1000009:place-hold:1000009' });
    for (const kind of findingAttentionReasons) expect(findingAttention({ kind, text: 't' })?.reason).toBe(kind);
    // findings that need nobody never enter the queue
    for (const kind of ['hold-ready', 'picked-up', 'strap-date-set', 'hold-in-transit', 'returned-at-desk'])
      expect(attentionOf({ status: 'received' }, steps, { kind, text: 't' })).toBeUndefined();
    expect(findingAttention({ kind: 'hold-expired', text: 't' })?.nextAction).toMatch(/mark the finding resolved/);
  });

  it('a finding outlives nothing but its own status: the request moving on takes it out of the queue', () => {
    expect(findingOutlives('received', 'received')).toBe(true);
    expect(findingOutlives('received', 'returned')).toBe(false);
    expect(findingOutlives('shipped', 'complete')).toBe(false);
  });

  it('reads the barcode out of a suggestion', () => {
    expect(suggestedBarcodeOf('use barcode 31000000010001A')).toBe('31000000010001A');
    expect(suggestedBarcodeOf('call the vendor')).toBeUndefined();
  });
});

describe('offered actions', () => {
  it('send is not offered while the loan has no patron ID (it would be refused)', () => {
    expect(offeredActions(aRequest('borrowing', 'new-for-review', { patronId: undefined }), settingsWith({}))).not.toContain('send');
    expect(offeredActions(aRequest('borrowing', 'new-for-review'), settingsWith({}))).toContain('send');
    expect(offeredActions(aRequest('borrowing', 'new-for-review', { patronId: undefined, serviceType: 'copy' }), settingsWith({}))).toContain('send');
  });
});
